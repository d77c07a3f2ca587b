#!/usr/bin/env python3
"""librosa's side of the preprocess benchmark: the same three features jaams computes (mel dB,
spectral centroid, chroma with estimated tuning) for every 10-s segment of a folder of clips, on
one thread, timed per segment. Run by scripts/bench_preprocess.sh with LIBROSA_SRC on PYTHONPATH:

    LIBROSA_SRC=/path/to/librosa-0.11.0 bash scripts/bench_preprocess.sh

Prints ms per segment (median of rounds) and x real time, in the same form as bench_features."""
import pathlib
import statistics
import sys
import time

import numpy as np
import soundfile as sf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_librosa_fixtures import _install_soxr_binding  # noqa: E402

SR = 22050
SEGMENT = 10 * SR


def features(librosa, y):
    """What a librosa user writes for the report's three images (each call makes its own STFT)."""
    mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR), ref=np.max)
    centroid = librosa.feature.spectral_centroid(y=y, sr=SR)
    chroma = librosa.feature.chroma_stft(y=y, sr=SR)
    return mel_db, centroid, chroma


def main():
    clips = pathlib.Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    _install_soxr_binding()
    import librosa

    segments = []
    for wav in sorted(clips.glob("*/*.wav")):
        y, sr = sf.read(wav, dtype="float32")
        assert sr == SR and y.ndim == 1, wav
        for start in range(0, len(y) - SEGMENT + 1, SEGMENT):
            segments.append(y[start:start + SEGMENT])
    features(librosa, segments[0])  # numba compiles on first use: keep it out of the timing
    per_segment = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for y in segments:
            features(librosa, y)
        per_segment.append((time.perf_counter() - t0) / len(segments) * 1000.0)
    ms = statistics.median(per_segment)
    print(f"librosa {librosa.__version__}: {len(segments)} segments x {rounds} rounds, "
          f"{ms:.2f} ms per 10-s segment (mel+centroid+chroma), {10000.0 / ms:.0f}x real time")


if __name__ == "__main__":
    main()
