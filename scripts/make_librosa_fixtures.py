#!/usr/bin/env python3
"""Writes librosa's feature values for a few signals to tests/fixtures/librosa/.

jaams' feature tests compare FeatureExtractor and SummaryFeatureExtractor against these values, so
its images and descriptors match what librosa gives for the same audio. One run remakes every file
(see tests/fixtures/librosa/README.md for each file's dtype, shape and librosa call).

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
    silence      220500 zeros (summary statistics only)
The synthetic signals are quantised to 16 bits and stored as int16 .npy (<name>_pcm16.npy), so
the tests read exactly the samples librosa saw (float32 = int16 / 32768, as libsndfile reads PCM).

Per signal, float32 .npy files (the tuning float64: it is one of numpy.linspace(-0.5, 0.5, 101)):
    <name>_mel_db.npy      [128, 431]  power_to_db(melspectrogram(y, sr), ref=np.max)
    <name>_centroid.npy    [1, 431]    spectral_centroid(y, sr)
    <name>_chroma.npy      [12, 431]   chroma_stft(y, sr)
    <name>_tuning.npy      [1]         estimate_tuning(S=|stft(y)|**2, sr, bins_per_octave=12),
                                       the tuning chroma_stft uses
    <name>_mfcc.npy        [20, 431]   mfcc(y, sr, n_mfcc=20)
    <name>_mfcc_delta.npy  [20, 431]   delta(mfcc)
    <name>_bandwidth.npy   [1, 431]    spectral_bandwidth(y, sr)
    <name>_rolloff.npy     [1, 431]    spectral_rolloff(y, sr)
    <name>_contrast.npy    [7, 431]    spectral_contrast(y, sr)
    <name>_zcr.npy         [1, 431]    zero_crossing_rate(y)
    <name>_rms.npy         [1, 431]    rms(y=y)
    <name>_stats.npy       [128]       float64: per row of mfcc, delta, chroma, centroid, bandwidth,
                                       rolloff, contrast, zcr, rms the mean, then the std (ddof=0)
                                       over frames (SummaryFeatureExtractor::statistics' order)

The 12-kHz front end of a music-pretrained network (sr 12000, n_fft 512, hop 256, 96 mels up to
6 kHz), on 5 s (60000 samples, 235 frames):
    chord_chirp_12k.npy         float32 [60000]  chord_chirp (float32) through librosa.resample to
                                                 12 kHz (soxr_hq), samples 12000..71999 (1-6 s)
    chord_chirp_12k_mel_db.npy  float32 [96, 235]
    blues00000_12k_mel_db.npy   float32 [96, 235] of the first 5 s of blues.00000.wav at 12 kHz by
                                linear interpolation (np.interp at i * 22050 / 12000), which the
                                test repeats (the clip itself is not stored)
each power_to_db(melspectrogram(y, sr=12000, n_fft=512, hop_length=256, n_mels=96, fmax=6000),
ref=np.max).

The stages on their own:
    filters_mel_rows.npy   float32 [9, 1025]   filters.mel(sr=22050, n_fft=2048, n_mels=128), rows
                                               MEL_ROWS
    filters_chroma.npy     float32 [12, 1025]  filters.chroma(sr=22050, n_fft=2048, tuning=0.23)
    stft_power_256.npy     float32 [129, 16]   |stft(chord_chirp[30000:31000], n_fft=256,
                                               hop_length=64)|**2
    stft_power_2048.npy    float32 [1025, 6]   |stft(chord_chirp[30000:33000])|**2 (n_fft 2048,
                                               hop 512)
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
SR_12K = 12000
SEGMENT_12K = 5 * SR_12K
MEL_ROWS = (0, 1, 2, 10, 40, 64, 100, 126, 127)  # rows of filters.mel kept in filters_mel_rows.npy
CHROMA_TUNING = 0.23


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


def summary(librosa, y):
    """The descriptors of SummaryFeatureExtractor, each librosa's default call, and their
    statistics (float64 means, then population stds, per row)."""
    mfcc = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=20)
    desc = {
        "mfcc": mfcc,
        "mfcc_delta": librosa.feature.delta(mfcc, width=9, order=1, axis=-1, mode="interp"),
        "chroma": librosa.feature.chroma_stft(y=y, sr=SR),
        "centroid": librosa.feature.spectral_centroid(y=y, sr=SR),
        "bandwidth": librosa.feature.spectral_bandwidth(y=y, sr=SR),
        "rolloff": librosa.feature.spectral_rolloff(y=y, sr=SR),
        "contrast": librosa.feature.spectral_contrast(y=y, sr=SR),
        "zcr": librosa.feature.zero_crossing_rate(y),
        "rms": librosa.feature.rms(y=y),
    }
    stats = []
    for m in desc.values():
        m = np.asarray(m, dtype=np.float64)
        stats += [m.mean(axis=1), m.std(axis=1)]
    out = {k: np.asarray(v, dtype=np.float32) for k, v in desc.items() if k not in ("chroma", "centroid")}
    out["stats"] = np.concatenate(stats)
    assert out["stats"].shape == (128,)
    return out


def mel_db_12k(librosa, y):
    mel = librosa.feature.melspectrogram(y=y, sr=SR_12K, n_fft=512, hop_length=256, n_mels=96, fmax=6000)
    return librosa.power_to_db(mel, ref=np.max).astype(np.float32)


def interp_to_12k(y, n_out):
    """Linear interpolation at i * 22050 / 12000 (the C++ test repeats it)."""
    x = np.arange(n_out, dtype=np.float64) * (SR / SR_12K)
    return np.interp(x, np.arange(len(y), dtype=np.float64), y.astype(np.float64)).astype(np.float32)


def stages(librosa, chord_chirp):
    mel = librosa.filters.mel(sr=SR, n_fft=2048, n_mels=128)
    chroma = librosa.filters.chroma(sr=SR, n_fft=2048, tuning=CHROMA_TUNING)
    return {
        "filters_mel_rows": mel[list(MEL_ROWS)].astype(np.float32),
        "filters_chroma": chroma.astype(np.float32),
        "stft_power_256": (np.abs(librosa.stft(chord_chirp[30000:31000], n_fft=256, hop_length=64)) ** 2).astype(
            np.float32),
        "stft_power_2048": (np.abs(librosa.stft(chord_chirp[30000:33000], n_fft=2048, hop_length=512)) ** 2).astype(
            np.float32),
    }


def save(path, value):
    np.save(path, np.ascontiguousarray(value))  # C order for the tests' reader


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
            save(out / f"{name}_{kind}.npy", value)
        for kind, value in summary(librosa, y).items():
            save(out / f"{name}_{kind}.npy", value)
        print(f"{name}: tuning {float(np.load(out / f'{name}_tuning.npy')[0]):+.2f}")
    save(out / "silence_stats.npy", summary(librosa, np.zeros(SEGMENT, dtype=np.float32))["stats"])

    chord_chirp = signals["chord_chirp"]
    y12 = librosa.resample(chord_chirp, orig_sr=SR, target_sr=SR_12K, res_type="soxr_hq").astype(np.float32)
    y12 = np.ascontiguousarray(y12[SR_12K: SR_12K + SEGMENT_12K])
    save(out / "chord_chirp_12k.npy", y12)
    save(out / "chord_chirp_12k_mel_db.npy", mel_db_12k(librosa, y12))
    blues = signals["blues00000"][: 5 * SR]
    save(out / "blues00000_12k_mel_db.npy", mel_db_12k(librosa, interp_to_12k(blues, SEGMENT_12K)))

    for kind, value in stages(librosa, chord_chirp).items():
        save(out / f"{kind}.npy", value)
    print(f"librosa {librosa.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
