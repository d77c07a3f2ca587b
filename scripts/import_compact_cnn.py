#!/usr/bin/env python3
"""Convert the Keras weights of compact_cnn (Choi et al., ISMIR 2017) for jaams.

compact_cnn is the music-pretrained convnet of keunwoochoi/music-auto_tagging-keras (MIT licence):
5 blocks of 3x3 convolution (32 maps), batch norm, ELU and max-pooling, then a dense 32 -> 50 tag
layer (the 50 most frequent Last.fm tags of the Million Song Dataset). Its weights come as Keras 1
HDF5 files; jaams is C++ and reads neither HDF5 nor pickles, so this script writes the network's
tensors as a small TorchScript module (format tag, provenance, a dict of float32 tensors and the tag
names), which src/models/compact_cnn.cpp loads with torch::jit::load.

Tensors written (PyTorch layout and convention):
  conv{1..5}.weight [32, in, 3, 3]  (cross-correlation kernels, as torch.nn.Conv2d uses them)
  conv{1..5}.bias   [32]
  bn{1..5}.weight   [32]            (the batch norm's gamma)
  bn{1..5}.bias     [32]            (its beta)
  tags.weight       [50, 32]        (dense_1, transposed)
  tags.bias         [50]
and strings["tag_names"]: the 50 tag names in output order, one per line.

The batch norm's stored running statistics are NOT written: the network was trained with Keras 1
"mode 2" batch norm, which always normalises with the current batch's statistics, and the stored
running_mean/running_std are untouched initial values (0 and 1). jaams fits frozen statistics over
a reference set instead (CompactCnn::fit_batchnorm_statistics).

Kernel orientation: Theano's conv2d is a true convolution (it flips the kernel), TensorFlow's and
PyTorch's are cross-correlations. The TensorFlow file's kernels are the Theano file's flipped in
both spatial axes, so they are used as stored; from the Theano file alone they are flipped here.
With both files given, the script checks that this relation holds exactly. The tag layer exists
only in the Theano file.

Needs /usr/bin/python3 with python3-h5py and python3-torch (Debian packages). The output is
deterministic: the same inputs give the same tensors (and, run from the same path, the same bytes).
"""

import argparse
import hashlib
import os
import sys
from typing import Dict, List, Optional

try:
    import h5py
    import numpy as np
    import torch
except ImportError as e:
    sys.exit("import_compact_cnn: this Python (%s) lacks h5py/numpy/torch (%s); on Debian run it with "
             "/usr/bin/python3 after installing python3-h5py and python3-torch" % (sys.executable, e))

# Read by the C++ loader (src/models/compact_cnn.cpp); bump both together if the layout changes.
FORMAT = "jaams-compact-cnn-v1"

BLOCKS = 5
MAPS = 32

# The output order of dense_1, from the README of keunwoochoi/music-auto_tagging-keras
# ("The tags are...").
TAG_NAMES = [
    "rock", "pop", "alternative", "indie", "electronic", "female vocalists",
    "dance", "00s", "alternative rock", "jazz", "beautiful", "metal",
    "chillout", "male vocalists", "classic rock", "soul", "indie rock",
    "Mellow", "electronica", "80s", "folk", "90s", "chill", "instrumental",
    "punk", "oldies", "blues", "hard rock", "ambient", "acoustic", "experimental",
    "female vocalist", "guitar", "Hip-Hop", "70s", "party", "country", "easy listening",
    "sexy", "catchy", "funk", "electro", "heavy metal", "Progressive rock",
    "60s", "rnb", "indie pop", "sad", "House", "happy",
]


class TensorFile(torch.nn.Module):
    """A dict of named tensors and strings with a format tag and a provenance note, scriptable as-is
    (the layout of scripts/export_alexnet.py plus `strings`; read by src/models/tensor_file.cpp)."""

    format: str
    source: str
    tensors: Dict[str, torch.Tensor]
    strings: Dict[str, str]

    def __init__(self, fmt: str, source: str, tensors: Dict[str, torch.Tensor], strings: Dict[str, str]):
        super().__init__()
        self.format = fmt
        self.source = source
        self.tensors = tensors
        self.strings = strings

    def forward(self) -> Dict[str, torch.Tensor]:
        return self.tensors


def fail(message: str) -> None:
    sys.exit("import_compact_cnn: " + message)


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class KerasFile:
    """One compact_cnn weights file: Keras 1 HDF5 with the layer groups melgram, ConvBNEluDr, ...
    The TensorFlow file suffixes its dataset names with ':0'; lookups accept both spellings."""

    def __init__(self, path: str, role: str):
        self.path = path
        self.role = role
        if not os.path.isfile(path):
            fail("%s file %s: no such file" % (role, path))
        if not h5py.is_hdf5(path):
            fail("%s file %s: not an HDF5 file (expected compact_cnn's %s weights, e.g. weights_%s.hdf5)"
                 % (role, path, role, role))
        self.h5 = h5py.File(path, "r")
        if "ConvBNEluDr" not in self.h5:
            fail("%s file %s: not compact_cnn weights (no ConvBNEluDr layer group; it has: %s)"
                 % (role, path, ", ".join(sorted(self.h5.keys())) or "nothing"))
        # Keras with the TensorFlow backend names its weights after TF variables ('...:0'); the flip
        # depends on which backend wrote the file, so a swapped pair must not pass unnoticed.
        written_by_tf = any(name.endswith(":0") for name in self.h5["ConvBNEluDr"].keys())
        if written_by_tf != (role == "tensorflow"):
            fail("%s file %s: this is the %s file (its weight names %s in ':0'); swap --theano and --tensorflow"
                 % (role, path, "tensorflow" if written_by_tf else "theano", "end" if written_by_tf else "do not end"))

    def find(self, group: str, name: str) -> Optional[np.ndarray]:
        if group not in self.h5:
            return None
        g = self.h5[group]
        for key in (name, name + ":0"):
            if key in g:
                return np.asarray(g[key][()])
        return None

    def get(self, group: str, name: str, shape: tuple) -> np.ndarray:
        value = self.find(group, name)
        if value is None:
            fail("%s file %s: lacks %s/%s (not compact_cnn weights?)" % (self.role, self.path, group, name))
        if value.shape != shape:
            fail("%s file %s: %s/%s has shape %s, expected %s"
                 % (self.role, self.path, group, name, list(value.shape), list(shape)))
        if value.dtype != np.float32 or not np.all(np.isfinite(value)):
            fail("%s file %s: %s/%s is not finite float32" % (self.role, self.path, group, name))
        return value

    def conv_kernel(self, block: int) -> np.ndarray:
        return self.get("ConvBNEluDr", "convolution2d_%d_W" % block, (MAPS, 1 if block == 1 else MAPS, 3, 3))

    def has_tags(self) -> bool:
        return self.find("dense_1", "dense_1_W") is not None


def convert(theano: Optional[KerasFile], tensorflow: Optional[KerasFile]) -> Dict[str, np.ndarray]:
    """The jaams tensors; conv/BN values from the TensorFlow file when given, else the Theano file."""
    main = tensorflow or theano
    out: Dict[str, np.ndarray] = {}
    for b in range(1, BLOCKS + 1):
        if tensorflow is not None:
            kernel = tensorflow.conv_kernel(b)  # cross-correlation already
        else:
            kernel = theano.conv_kernel(b)[:, :, ::-1, ::-1]  # Theano convolution -> cross-correlation
        if theano is not None and tensorflow is not None:
            flipped = theano.conv_kernel(b)[:, :, ::-1, ::-1]
            if not np.array_equal(flipped, kernel):
                same = np.array_equal(theano.conv_kernel(b), kernel)
                fail("block %d: the TensorFlow kernels are not the Theano kernels flipped in both spatial axes "
                     "(%s); are these files of the same network?"
                     % (b, "they are identical" if same else "max difference %g" % np.abs(flipped - kernel).max()))
            for name in ("convolution2d_%d_b", "batchnormalization_%d_gamma", "batchnormalization_%d_beta"):
                if not np.array_equal(theano.get("ConvBNEluDr", name % b, (MAPS,)),
                                      tensorflow.get("ConvBNEluDr", name % b, (MAPS,))):
                    fail("%s differs between %s and %s; are these files of the same network?"
                         % (name % b, theano.path, tensorflow.path))
        out["conv%d.weight" % b] = kernel
        out["conv%d.bias" % b] = main.get("ConvBNEluDr", "convolution2d_%d_b" % b, (MAPS,))
        out["bn%d.weight" % b] = main.get("ConvBNEluDr", "batchnormalization_%d_gamma" % b, (MAPS,))
        out["bn%d.bias" % b] = main.get("ConvBNEluDr", "batchnormalization_%d_beta" % b, (MAPS,))
        # The stored running statistics are the initial values of a mode-2 batch norm; say so if not.
        for f in (theano, tensorflow):
            if f is None:
                continue
            mean = f.find("ConvBNEluDr", "batchnormalization_%d_running_mean" % b)
            std = f.find("ConvBNEluDr", "batchnormalization_%d_running_std" % b)
            if mean is not None and std is not None and (np.any(mean != 0) or np.any(std != 1)):
                print("import_compact_cnn: note: %s stores non-initial running statistics for block %d; they "
                      "are not used (jaams fits its own)" % (f.path, b), file=sys.stderr)

    holder = next((f for f in (theano, tensorflow) if f is not None and f.has_tags()), None)
    if holder is None:
        fail("no input file holds the tag layer dense_1 (the Theano file weights_theano.hdf5 does); pass it "
             "with --theano")
    out["tags.weight"] = holder.get("dense_1", "dense_1_W", (MAPS, len(TAG_NAMES))).T
    out["tags.bias"] = holder.get("dense_1", "dense_1_b", (len(TAG_NAMES),))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "example (the shipped models/compact_cnn/compact_cnn.pt):\n"
            "  /usr/bin/python3 scripts/import_compact_cnn.py models/compact_cnn/compact_cnn.pt \\\n"
            "      --theano ../shared/models/compact_cnn/weights_theano.hdf5 \\\n"
            "      --tensorflow ../shared/models/compact_cnn/weights_tensorflow.hdf5"
        ),
    )
    parser.add_argument("out", metavar="OUT.pt", help="where to write the converted network")
    parser.add_argument("--theano", metavar="FILE", help="compact_cnn/weights_theano.hdf5 (holds the tag layer)")
    parser.add_argument("--tensorflow", metavar="FILE",
                        help="compact_cnn/weights_tensorflow.hdf5 (optional: its kernels are used, and checked "
                             "against the Theano file's)")
    args = parser.parse_args()
    if not args.theano:
        parser.error("--theano FILE is required: only the Theano file holds the tag layer")

    theano = KerasFile(args.theano, "theano")
    tensorflow = KerasFile(args.tensorflow, "tensorflow") if args.tensorflow else None
    arrays = convert(theano, tensorflow)

    inputs: List[str] = ["%s sha256 %s" % (os.path.basename(f.path), sha256(f.path))
                         for f in (theano, tensorflow) if f is not None]
    source = ("compact_cnn (K. Choi, G. Fazekas, M. Sandler, K. Cho, ISMIR 2017) from "
              "github.com/keunwoochoi/music-auto_tagging-keras, MIT licence; converted by "
              "scripts/import_compact_cnn.py from " + ", ".join(inputs))
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)).clone()
               for k, v in sorted(arrays.items())}
    strings = {"tag_names": "\n".join(TAG_NAMES)}

    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        fail("%s: folder %s does not exist" % (args.out, out_dir))
    # Write beside the target, then rename: an interrupted run never leaves a truncated file.
    tmp = args.out + ".tmp"
    torch.jit.save(torch.jit.script(TensorFile(FORMAT, source, tensors, strings)), tmp)
    os.replace(tmp, args.out)
    count = sum(int(t.numel()) for t in tensors.values())
    print("wrote %s: %d tensors, %d values, %d tags (%s)" % (args.out, len(tensors), count, len(TAG_NAMES), source))


if __name__ == "__main__":
    main()
