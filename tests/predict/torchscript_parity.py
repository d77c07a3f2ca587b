#!/usr/bin/python3
"""Loads each DIR/<name>.pt that `jaams export` wrote and scores DIR/<name>.inputs.npy with it in
Python; the probabilities must equal DIR/<name>.expected.npy (jaams' own, from the same inputs)
within 1e-5. Inputs are stored as float32 rows and shaped and typed as jaams/input.json says, so
the extra files are checked to be enough to feed the module.
  torchscript_parity.py DIR NAME...        exit 0 when every NAME matches"""
import json
import sys

import numpy as np
import torch

TOLERANCE = 1e-5


def check(folder, name):
    extra = {"jaams/meta.json": "", "jaams/classes.json": "", "jaams/pipeline.json": "", "jaams/input.json": ""}
    module = torch.jit.load(f"{folder}/{name}.pt", _extra_files=extra)
    for key, text in extra.items():
        if not text:
            raise SystemExit(f"{name}: extra file {key} missing")
    spec = json.loads(extra["jaams/input.json"])
    classes = json.loads(extra["jaams/classes.json"])
    meta = json.loads(extra["jaams/meta.json"])
    if classes != meta["classes"] or "pipeline" not in meta:
        raise SystemExit(f"{name}: classes.json or meta.json do not describe the package")
    rows = np.load(f"{folder}/{name}.inputs.npy")
    shape = [rows.shape[0]] + spec["shape"][1:]
    inputs = torch.from_numpy(rows.reshape(shape).astype(spec["dtype"]))
    with torch.no_grad():
        probs = module(inputs).numpy()
    expected = np.load(f"{folder}/{name}.expected.npy")
    if probs.shape != expected.shape or probs.shape[1] != len(classes):
        raise SystemExit(f"{name}: shape {probs.shape}, jaams gave {expected.shape} for {len(classes)} classes")
    diff = float(np.abs(probs - expected).max())
    print(f"{name}: {spec['form']} {spec['dtype']} {shape}, max |difference| {diff:.2e}")
    return diff <= TOLERANCE


def main():
    folder, names = sys.argv[1], sys.argv[2:]
    failed = [n for n in names if not check(folder, n)]
    if failed:
        raise SystemExit(f"differences beyond {TOLERANCE}: {', '.join(failed)}")


if __name__ == "__main__":
    main()
