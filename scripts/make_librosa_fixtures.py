#!/usr/bin/env python3
"""Writes librosa's feature values for a few signals to tests/fixtures/librosa/.

jaams' feature tests compare FeatureExtractor against these values, so its images match what
librosa gives for the same audio.

Usage:
    /usr/bin/python3 scripts/make_librosa_fixtures.py --librosa /path/to/librosa-0.11.0 \
        --gtzan ../shared/data/gtzan-mini [--out tests/fixtures/librosa]

--librosa is a librosa source tree (the folder holding the `librosa` package); it is put first
on sys.path so that exact version is used, whatever is installed.

Signals (each the first 10 s, 220500 samples at 22050 Hz):
    blues00000   gtzan-mini blues/blues.00000.wav (16-bit PCM, read as float32 like librosa.load)
    metal00003   gtzan-mini metal/metal.00003.wav
    tone_sharp   A4 23 cents sharp with 5 harmonics, 0.5 s of digital silence first
    chord_chirp  C-major triad 12 cents flat + a 150-3000 Hz chirp + white noise, 1-s fade in
The synthetic signals are quantised to 16 bits and stored as int16 .npy (<name>_pcm16.npy), so
the tests read exactly the samples librosa saw (float32 = int16 / 32768, as libsndfile reads PCM).

Per signal, float32 .npy files (the tuning float64: it is one of numpy.linspace(-0.5, 0.5, 101)):
    <name>_mel_db.npy    [128, 431]  power_to_db(melspectrogram(y, sr), ref=np.max)
    <name>_centroid.npy  [1, 431]    spectral_centroid(y, sr)
    <name>_chroma.npy    [12, 431]   chroma_stft(y, sr)
    <name>_tuning.npy    [1]         estimate_tuning(S=|stft(y)|**2, sr, bins_per_octave=12),
                                     the tuning chroma_stft uses
"""
import argparse
import ctypes
import ctypes.util
import pathlib
import sys
import types

import numpy as np
import soundfile as sf

SR = 22050
SEGMENT = 10 * SR


def _install_soxr_binding():
    """librosa.core.audio imports the `soxr` module at load time (it only uses it to resample,
    which these fixtures never do). Where the PyPI binding is not installed, provide its
    `resample` on top of the system libsoxr through ctypes."""
    try:
        import soxr  # noqa: F401
        return
    except ImportError:
        pass
    lib = ctypes.CDLL(ctypes.util.find_library("soxr") or "libsoxr.so.0")

    class IoSpec(ctypes.Structure):
        _fields_ = [("itype", ctypes.c_int), ("otype", ctypes.c_int), ("scale", ctypes.c_double),
                    ("e", ctypes.c_void_p), ("flags", ctypes.c_ulong)]

    class QualitySpec(ctypes.Structure):
        _fields_ = [("precision", ctypes.c_double), ("phase_response", ctypes.c_double),
                    ("passband_end", ctypes.c_double), ("stopband_begin", ctypes.c_double),
                    ("e", ctypes.c_void_p), ("flags", ctypes.c_ulong)]

    lib.soxr_io_spec.restype = IoSpec
    lib.soxr_io_spec.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.soxr_quality_spec.restype = QualitySpec
    lib.soxr_quality_spec.argtypes = [ctypes.c_ulong, ctypes.c_ulong]
    lib.soxr_oneshot.restype = ctypes.c_char_p
    lib.soxr_oneshot.argtypes = [ctypes.c_double, ctypes.c_double, ctypes.c_uint, ctypes.c_void_p,
                                 ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p,
                                 ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t),
                                 ctypes.POINTER(IoSpec), ctypes.POINTER(QualitySpec), ctypes.c_void_p]
    recipes = {"QQ": 0, "LQ": 1, "MQ": 2, "HQ": 4, "VHQ": 6}

    def resample(x, in_rate, out_rate, quality="HQ"):
        name = str(quality).upper().replace("SOXR_", "")
        x = np.ascontiguousarray(x, dtype=np.float64)
        channels = 1 if x.ndim == 1 else x.shape[1]
        frames = x.shape[0]
        out_frames = int(np.ceil(frames * float(out_rate) / in_rate))
        y = np.zeros((out_frames, channels), dtype=np.float64)
        io = lib.soxr_io_spec(1, 1)  # SOXR_FLOAT64_I in and out
        q = lib.soxr_quality_spec(recipes[name], 0)
        odone = ctypes.c_size_t(0)
        err = lib.soxr_oneshot(float(in_rate), float(out_rate), channels, x.ctypes.data, frames, None,
                               y.ctypes.data, out_frames, ctypes.byref(odone), ctypes.byref(io),
                               ctypes.byref(q), None)
        if err:
            raise RuntimeError(err.decode())
        y = y[: odone.value]
        return y[:, 0] if x.ndim == 1 else y

    module = types.ModuleType("soxr")
    module.resample = resample
    module.__version__ = "libsoxr (ctypes)"
    sys.modules["soxr"] = module


def synthetic_signals():
    t = np.arange(SEGMENT, dtype=np.float64) / SR

    # A4 23 cents sharp: chroma_stft's tuning estimate has to find +0.23 of a bin.
    f0 = 440.0 * 2.0 ** (0.23 / 12.0)
    tone = sum((0.4 / k) * np.sin(2 * np.pi * k * f0 * t + 0.3 * k) for k in range(1, 6))
    tone[t < 0.5] = 0.0  # silent frames: centroid 0, chroma 0, mel at the floor

    # C-major triad 12 cents flat, a linear chirp sweeping every chroma bin, white noise.
    rng = np.random.default_rng(20240611)
    flat = 2.0 ** (-0.12 / 12.0)
    chord = sum(0.2 * np.sin(2 * np.pi * 440.0 * flat * 2.0 ** (s / 12.0) * t) for s in (-9, -5, -2))
    f_start, f_end = 150.0, 3000.0
    chirp = 0.1 * np.sin(2 * np.pi * (f_start * t + 0.5 * (f_end - f_start) / 10.0 * t * t))
    noise = 0.01 * rng.standard_normal(SEGMENT)
    mix = (chord + chirp + noise) * np.minimum(1.0, t)

    out = {}
    for name, x in (("tone_sharp", tone), ("chord_chirp", mix)):
        out[name] = np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16)
    return out


def features(librosa, y):
    mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=2048, hop_length=512, n_mels=128, power=2.0)
    mel_db = librosa.power_to_db(mel, ref=np.max, amin=1e-10, top_db=80.0)
    centroid = librosa.feature.spectral_centroid(y=y, sr=SR, n_fft=2048, hop_length=512)
    chroma = librosa.feature.chroma_stft(y=y, sr=SR, n_fft=2048, hop_length=512)
    power = np.abs(librosa.stft(y, n_fft=2048, hop_length=512)) ** 2
    tuning = librosa.estimate_tuning(S=power, sr=SR, bins_per_octave=12)
    return {
        "mel_db": mel_db.astype(np.float32),
        "centroid": centroid.astype(np.float32),
        "chroma": chroma.astype(np.float32),
        "tuning": np.array([tuning], dtype=np.float64),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--librosa", required=True, help="librosa source tree (holds the librosa package)")
    ap.add_argument("--gtzan", required=True, help="gtzan-mini folder")
    ap.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/librosa"))
    args = ap.parse_args()

    sys.path.insert(0, str(pathlib.Path(args.librosa).resolve()))
    _install_soxr_binding()
    import librosa

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    gtzan = pathlib.Path(args.gtzan)

    signals = {}
    for name, rel in (("blues00000", "blues/blues.00000.wav"), ("metal00003", "metal/metal.00003.wav")):
        y, sr = sf.read(str(gtzan / rel), dtype="float32", always_2d=False)
        assert sr == SR and y.ndim == 1 and len(y) >= SEGMENT, rel
        signals[name] = np.ascontiguousarray(y[:SEGMENT])
    for name, pcm in synthetic_signals().items():
        np.save(out / f"{name}_pcm16.npy", pcm)
        signals[name] = pcm.astype(np.float32) / np.float32(32768.0)

    for name, y in signals.items():
        for kind, value in features(librosa, y).items():
            np.save(out / f"{name}_{kind}.npy", np.ascontiguousarray(value))  # C order for the tests' reader
        print(f"{name}: tuning {float(np.load(out / f'{name}_tuning.npy')[0]):+.2f}")
    print(f"librosa {librosa.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
