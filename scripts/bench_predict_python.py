#!/usr/bin/python3
"""The Python side of scripts/bench_predict.sh: a genre for every audio file under the given
folders, written the way a librosa + PyTorch user writes it, so jaams' `predict` has a reference
to be compared with in the same run:

    librosa.load(sr=22050, mono) -> 10-s segments (hop 10 s) -> melspectrogram + power_to_db(ref=max)
    -> magma colours (matplotlib), low bands at the bottom -> 288x432 (Pillow, bilinear)
    -> the same network as jaams' cnn or alexcnn (torch, eval mode, random weights: speed does not
    depend on them) on all segments of a file at once -> mean of the softmax.

One process, files one after another; torch uses --threads threads. Run with Debian's Python
(the one with torch) and librosa's source on PYTHONPATH:

    PYTHONPATH=/path/to/librosa-0.11.0 /usr/bin/python3 scripts/bench_predict_python.py --model cnn DIR...

Prints one JSON line: files, failed, audio seconds, wall seconds, x real time, files/s.
"""
import argparse
import json
import pathlib
import sys
import time

import numpy as np
import torch
from matplotlib import colormaps
from PIL import Image
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench_train import HEIGHT, WIDTH, build  # noqa: E402
from make_librosa_fixtures import _install_soxr_binding  # noqa: E402

SR = 22050
SEGMENT = 10 * SR
EXTENSIONS = {".wav", ".au", ".flac", ".ogg", ".mp3"}


def network(name):
    if name == "cnn":
        return build("cnn")[0]
    if name == "alexcnn":  # ImageNet normalisation, torchvision alexnet.features, jaams' head
        import torchvision
        mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
        std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

        class Normalise(nn.Module):
            def forward(self, x):
                return (x - mean) / std

        return nn.Sequential(Normalise(), torchvision.models.alexnet().features, build("alexcnn-head")[0])
    raise SystemExit(f"--model must be cnn or alexcnn, got {name}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, choices=["cnn", "alexcnn"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("folders", nargs="+")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    _install_soxr_binding()
    import librosa

    model = network(args.model).eval()
    lut = (colormaps["magma"](np.linspace(0.0, 1.0, 256))[:, :3] * 255).round().astype(np.uint8)
    files = sorted(f for d in args.folders for f in pathlib.Path(d).rglob("*")
                   if f.is_file() and f.suffix.lower() in EXTENSIONS)

    start = time.perf_counter()
    audio_seconds, failed = 0.0, 0
    for f in files:
        try:
            y, _ = librosa.load(str(f), sr=SR, mono=True)
        except Exception:  # noqa: BLE001 - a broken file is a failed row, as in jaams
            failed += 1
            continue
        audio_seconds += len(y) / SR
        images = []
        for s in range(0, len(y) - SEGMENT + 1, SEGMENT):
            db = librosa.power_to_db(librosa.feature.melspectrogram(y=y[s:s + SEGMENT], sr=SR), ref=np.max)
            grey = np.clip((db + 80.0) / 80.0 * 255.0, 0, 255).astype(np.uint8)[::-1]
            images.append(np.asarray(Image.fromarray(lut[grey]).resize((WIDTH, HEIGHT), Image.BILINEAR)))
        if not images:
            failed += 1
            continue
        x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float().div_(255.0)
        with torch.no_grad():
            probabilities = torch.softmax(model(x), dim=1).mean(dim=0)
        print(f"{f},{int(probabilities.argmax())},{float(probabilities.max()):.6f}", file=sys.stderr)
    wall = time.perf_counter() - start
    print(json.dumps({"side": "librosa+pytorch", "model": args.model, "files": len(files), "failed": failed,
                      "audio_seconds": round(audio_seconds, 1), "wall_seconds": round(wall, 2),
                      "x_real_time": round(audio_seconds / wall, 1), "files_per_second": round(len(files) / wall, 2)}))


if __name__ == "__main__":
    main()
