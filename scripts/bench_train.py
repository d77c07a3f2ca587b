#!/usr/bin/python3
"""Training-step speed of jaams' classifiers rebuilt in PyTorch, the reference side of
scripts/bench_train.sh. Same layer sizes as src/models/{ann,cnn,alexcnn}.cpp (default params,
288x432 images, 9 classes), same synthetic set, same step as bench/train_step.cpp:
uint8 -> float/255 inside the step, zero_grad, forward, cross_entropy, backward, Adam(lr 1e-3),
loss and accuracy read back. Prints the same JSON line as bench_train_step.

Run with Debian's Python (the one with torch): /usr/bin/python3 scripts/bench_train.py --model cnn

Batches: without --loader, contiguous slices of the set (no copy), like bench_train_step. With
--loader, each epoch is shuffled and every batch gathered with index_select in the step loop
(the plain PyTorch loop; its gather time is reported as wait_share).
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
from torch import nn

HEIGHT, WIDTH, CLASSES = 288, 432, 9


def conv_pool(size, kernel):
    """Side after an unpadded convolution then a 2x2 max-pool, as in src/models/cnn.cpp."""
    return (size - kernel + 1) // 2


def alexnet_feature_side(size):
    """Side of torchvision AlexNet .features output (src/models/alexcnn.cpp)."""
    size = (size + 4 - 11) // 4 + 1
    for _ in range(3):
        size = (size - 3) // 2 + 1
    return size


def build(name):
    """Returns (model, input kind): 'images' for uint8 images, 'features' for cached features."""
    if name == "ann":  # hidden 300
        return nn.Sequential(nn.Flatten(), nn.Linear(3 * HEIGHT * WIDTH, 300), nn.ReLU(), nn.Linear(300, CLASSES)), "images"
    if name == "cnn":  # conv1 8, conv2 16, kernel 5, fc 64
        h, w = HEIGHT, WIDTH
        for _ in range(2):
            h, w = conv_pool(h, 5), conv_pool(w, 5)
        return nn.Sequential(nn.Conv2d(3, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(16 * h * w, 64), nn.ReLU(), nn.Linear(64, CLASSES)), "images"
    if name == "alexcnn-head":  # conv 128 (3x3, pad 1), 2x2 pool, fc 64, on [256, 8, 12] features
        h, w = alexnet_feature_side(HEIGHT), alexnet_feature_side(WIDTH)
        return nn.Sequential(nn.Conv2d(256, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(128 * (h // 2) * (w // 2), 64), nn.ReLU(),
                             nn.Linear(64, CLASSES)), "features"
    raise SystemExit(f"--model must be ann, cnn or alexcnn-head, got {name}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=16)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0: every core")
    p.add_argument("--samples", type=int, default=256)
    p.add_argument("--loader", action="store_true")
    a = p.parse_args()

    import os
    threads = a.threads if a.threads > 0 else (os.cpu_count() or 1)
    torch.set_num_threads(threads)
    torch.manual_seed(42)

    model, kind = build(a.model)
    model.train()
    if kind == "features":
        inputs = torch.rand(a.samples, 256, alexnet_feature_side(HEIGHT), alexnet_feature_side(WIDTH))
    else:
        inputs = torch.randint(0, 256, (a.samples, 3, HEIGHT, WIDTH), dtype=torch.uint8)
    labels = torch.randint(0, CLASSES, (a.samples,), dtype=torch.int64)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    state = {"offset": 0, "order": None, "pos": 0, "epoch": 0, "wait": 0.0, "loss": 0.0, "correct": 0, "seen": 0}
    n = inputs.shape[0]

    def next_batch():
        if not a.loader:
            if state["offset"] + a.batch > n:
                state["offset"] = 0
            o = state["offset"]
            state["offset"] += a.batch
            return inputs[o:o + a.batch], labels[o:o + a.batch]
        t0 = time.perf_counter()
        if state["order"] is None or state["pos"] >= n:
            g = torch.Generator().manual_seed(42 * 1000 + state["epoch"])
            state["order"], state["pos"], state["epoch"] = torch.randperm(n, generator=g), 0, state["epoch"] + 1
        index = state["order"][state["pos"]:state["pos"] + a.batch]
        state["pos"] += a.batch
        x, y = inputs.index_select(0, index), labels.index_select(0, index)
        state["wait"] += time.perf_counter() - t0
        return x, y

    def step():
        x, y = next_batch()
        optimizer.zero_grad()
        if kind == "images":
            x = x.to(torch.float32).div_(255.0)  # as ClassifierImpl::images_to_unit_float
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        state["loss"] += loss.item()
        state["correct"] += logits.argmax(1).eq(y).sum().item()
        state["seen"] += y.shape[0]
        return y.shape[0]

    for _ in range(a.warmup):
        step()
    rates, timed, timed_images = [], 0.0, 0
    wait_before = state["wait"]
    cpu_before = time.process_time()
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(a.repeats):
        images = 0
        t0 = time.perf_counter()
        for _ in range(a.steps):
            images += step()
        seconds = time.perf_counter() - t0
        timed += seconds
        timed_images += images
        rates.append(images / seconds)
    cpu_seconds = time.process_time() - cpu_before
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    print(json.dumps({
        "impl": "pytorch",
        "model": a.model,
        "batch": a.batch,
        "threads": threads,
        "steps": a.steps,
        "repeats": a.repeats,
        "loader": a.loader,
        "images_per_s": statistics.median(rates),
        "rates": rates,
        "images_per_cpu_s": timed_images / cpu_seconds if cpu_seconds > 0 else 0.0,
        "page_faults_per_step": faults / (a.steps * a.repeats),
        "wait_share": (state["wait"] - wait_before) / timed if timed > 0 else 0.0,
        "mean_loss": state["loss"] / (a.warmup + a.steps * a.repeats),
        "accuracy": state["correct"] / max(1, state["seen"]),
        "torch": torch.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
