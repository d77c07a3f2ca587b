#!/usr/bin/env python3
"""Export torchvision's AlexNet `features` weights for jaams' `alexcnn` model.

jaams is C++ and cannot read PyTorch pickles (`torch.save` state dicts), so this script writes the
`features.*` tensors of torchvision.models.alexnet as a small TorchScript module (a dict of
tensors plus a format tag), which LibTorch loads with torch::jit::load. Give the result to the
alexcnn model as its `backbone_weights` parameter (e.g. backbone_weights: models/alexnet_features.pt).
A trained jaams model package carries the backbone itself, so this file is needed for training only.

Needs Python with torch and torchvision (on Debian: /usr/bin/python3 with python3-torchvision).
"""

import argparse
import sys
from typing import Dict

try:
    import torch
    import torchvision
except ImportError as e:
    sys.exit("export_alexnet: this Python (%s) lacks torch/torchvision (%s); on Debian run it with "
             "/usr/bin/python3 after installing python3-torchvision" % (sys.executable, e))

# Read by the C++ loader (src/models/alexcnn.cpp); bump both together if the layout changes.
FEATURES_FORMAT = "jaams-alexnet-features-v1"
REFERENCE_FORMAT = "jaams-alexnet-reference-v1"

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class TensorFile(torch.nn.Module):
    """A dict of named tensors with a format tag and a provenance note, scriptable as-is."""

    format: str
    source: str
    tensors: Dict[str, torch.Tensor]

    def __init__(self, fmt: str, source: str, tensors: Dict[str, torch.Tensor]):
        super().__init__()
        self.format = fmt
        self.source = source
        self.tensors = tensors

    def forward(self) -> Dict[str, torch.Tensor]:
        return self.tensors


def save_tensor_file(path: str, fmt: str, source: str, tensors: Dict[str, torch.Tensor]) -> None:
    tensors = {k: v.detach().to(torch.float32).contiguous().clone() for k, v in tensors.items()}
    torch.jit.save(torch.jit.script(TensorFile(fmt, source, tensors)), path)


def build_alexnet(args: argparse.Namespace) -> "tuple[torch.nn.Module, str]":
    models = torchvision.models
    if args.random:
        torch.manual_seed(args.seed)
        return models.alexnet(weights=None), "random init, seed %d" % args.seed
    if args.weights:
        net = models.alexnet(weights=None)
        try:
            state = torch.load(args.weights, map_location="cpu")
        except FileNotFoundError:
            sys.exit("export_alexnet: %s: no such file" % args.weights)
        except Exception as e:  # a truncated or foreign file
            sys.exit("export_alexnet: %s: not a PyTorch weights file (%s)" % (args.weights, e))
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
        try:
            net.load_state_dict(state)
        except Exception as e:
            sys.exit("export_alexnet: %s: not torchvision AlexNet weights (%s)" % (args.weights, e))
        return net, "torchvision weights file %s" % args.weights
    try:
        net = models.alexnet(weights=models.AlexNet_Weights.IMAGENET1K_V1)
    except Exception as e:
        sys.exit(
            "export_alexnet: could not download torchvision's ImageNet AlexNet weights (%s).\n"
            "Without internet, copy alexnet-owt-7be5be79.pth from a machine that has it (it lives in "
            "~/.cache/torch/hub/checkpoints/ after any torchvision download) and pass --weights FILE, "
            "or pass --random for an untrained backbone (tests and smoke runs only)." % e
        )
    return net, "torchvision AlexNet_Weights.IMAGENET1K_V1"


def parse_size(text: str) -> "tuple[int, int]":
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("expected HxW, e.g. 288x432, got %r" % text)
    if h < 63 or w < 63:
        raise argparse.ArgumentTypeError("AlexNet features need images of at least 63x63, got %r" % text)
    return h, w


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  /usr/bin/python3 scripts/export_alexnet.py models/alexnet_features.pt\n"
            "      (downloads torchvision's ImageNet weights; needs internet)\n"
            "  /usr/bin/python3 scripts/export_alexnet.py models/alexnet_features.pt \\\n"
            "      --weights ~/.cache/torch/hub/checkpoints/alexnet-owt-7be5be79.pth\n"
            "  /usr/bin/python3 scripts/export_alexnet.py /tmp/random.pt --random --seed 0 \\\n"
            "      --reference /tmp/reference.pt --reference-size 288x432\n"
            "      (untrained backbone plus torchvision's output for a fixed input, for parity tests)"
        ),
    )
    parser.add_argument("out", metavar="OUT.pt", help="where to write the features tensors")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--weights", metavar="FILE", help="torchvision AlexNet weights file (alexnet-owt-*.pth)")
    source.add_argument("--random", action="store_true", help="random initialisation instead of ImageNet weights")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random and for the reference input (default 0)")
    parser.add_argument(
        "--reference",
        metavar="FILE",
        help="also write {input, output}: a seeded random [0,1] RGB batch and alexnet.features applied to "
        "its ImageNet-normalised form, i.e. what jaams' alexcnn embed() must reproduce",
    )
    parser.add_argument("--reference-size", type=parse_size, default=(288, 432), metavar="HxW",
                        help="reference image size (default 288x432)")
    parser.add_argument("--reference-batch", type=int, default=2, metavar="N", help="reference batch size (default 2)")
    args = parser.parse_args()

    net, provenance = build_alexnet(args)
    net.eval()
    features = {"features." + k: v for k, v in net.features.state_dict().items()}
    save_tensor_file(args.out, FEATURES_FORMAT, provenance, features)
    print("wrote %s: %d tensors (%s)" % (args.out, len(features), provenance))

    if args.reference:
        h, w = args.reference_size
        gen = torch.Generator().manual_seed(args.seed)
        x = torch.rand(args.reference_batch, 3, h, w, generator=gen)
        normalise = torchvision.transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)
        with torch.no_grad():
            y = net.features(normalise(x))
        save_tensor_file(args.reference, REFERENCE_FORMAT, provenance, {"input": x, "output": y})
        print("wrote %s: input %s -> output %s" % (args.reference, list(x.shape), list(y.shape)))


if __name__ == "__main__":
    main()
