#!/usr/bin/python3
"""The Python side of scripts/bench_stats.sh: jaams' `stats` model pipeline written the way a
librosa + scikit-learn user writes it, so `jaams predict` with a configs/stats.yaml package has a
reference to be compared with in the same run:

    librosa.load(sr=22050, mono) -> 10-s segments every 5 s (a trailing part >= 9.5 s zero-padded,
    shorter dropped, as jaams' segmenter does) -> per segment the 128 statistics of
    include/jaams/features/summary_features.hpp (mean and population std over frames of mfcc(20),
    delta(mfcc, width=9), chroma_stft, spectral centroid, bandwidth, roll-off, contrast (7),
    zero-crossing rate and RMS, librosa's defaults) -> StandardScaler -> LogisticRegression
    (multinomial, lbfgs) predict_proba -> mean over the track's segments.

By default one magnitude STFT per segment is shared by the spectral features (passed as S=, which
gives exactly what their y= calls give); --separate-stft makes each feature function compute its
own from y, as their plain default calls do (6 STFTs per segment).

Files are spread over --threads worker processes with joblib (loky backend, one file per task;
joblib limits each worker's BLAS/OpenMP to cores / workers threads), the usual way to use every
core with librosa; --threads 1 runs in the main process.

Run with Debian's Python (numpy, scipy, numba, soundfile, sklearn) and librosa's source tree given
by --librosa or LIBROSA_SRC (put first on sys.path; the PyPI `soxr` module that librosa imports is
replaced by scripts/make_librosa_fixtures.py's ctypes binding where it is absent):

    /usr/bin/python3 scripts/bench_stats_python.py fit --model M.pkl [--train-split SPLITS.csv] DIR...
    /usr/bin/python3 scripts/bench_stats_python.py predict --model M.pkl [--threads N] DIR...
    /usr/bin/python3 scripts/bench_stats_python.py segment --jaams STATS.npy AUDIO
    /usr/bin/python3 scripts/bench_stats_python.py agree JAAMS.csv PYTHON.csv

fit: the scaler and the regression, fitted on every segment of the files under DIR (label = the
file's folder name; --train-split SPLITS.csv: only the train tracks of a jaams run), pickled to
M.pkl (kept and reused while the files are the same).
predict: the timed run (load + features + scaler.transform + predict_proba + mean per track, the
work `jaams predict` does; worker start-up, imports, numba compilation and the model loading come
before it and are reported apart as setup_seconds). Prints one JSON line: files, failed, audio
seconds, wall seconds, x real time, files/s, parallelism. --predictions CSV writes path,genre,...
segment: librosa's 128 statistics of AUDIO's first segment against jaams' (`jaams preprocess
--kinds stats --raw` writes them as [128, 1] float32 .npy); prints the largest differences.
agree: how many files have the same top genre in a `jaams predict` CSV and a --predictions CSV
(and which differ).
"""
import argparse
import csv
import importlib.util
import json
import os
import pathlib
import pickle
import sys
import time

import numpy as np

SR = 22050
SEGMENT = 10 * SR  # configs/stats.yaml: audio.segment_seconds 10
HOP = 5 * SR  # audio.hop_seconds 5
PAD_MIN_FRACTION = 0.95  # audio.remainder pad, audio.pad_min_fraction
N_FFT, HOP_LENGTH = 2048, 512
EXTENSIONS = {".wav", ".au", ".snd", ".aif", ".aiff", ".flac", ".ogg", ".oga", ".opus", ".mp3"}  # jaams'
SCRIPTS = pathlib.Path(__file__).resolve().parent


def _librosa():
    """librosa from LIBROSA_SRC, imported once per process (the main one and each worker)."""
    if "librosa" not in sys.modules:
        src = os.environ.get("LIBROSA_SRC")
        if src and src not in sys.path:
            sys.path.insert(0, src)
        spec = importlib.util.spec_from_file_location("make_librosa_fixtures", SCRIPTS / "make_librosa_fixtures.py")
        fixtures = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(fixtures)
        fixtures._install_soxr_binding()
    import librosa
    return librosa


def statistic_names():
    """SummaryFeatureExtractor::statistic_names()."""
    names = []
    for kind, rows in (("mfcc", 20), ("mfcc_delta", 20), ("chroma", 12), ("centroid", 1), ("bandwidth", 1),
                       ("rolloff", 1), ("contrast", 7), ("zcr", 1), ("rms", 1)):
        for stat in ("mean", "std"):
            names += [f"{kind}_{stat}"] if rows == 1 else [f"{kind}_{stat}_{i}" for i in range(rows)]
    return names


def segments(y):
    """jaams::audio::plan_segments with pad: full segments every HOP, then the first partial one
    zero-padded if it holds at least PAD_MIN_FRACTION of a segment."""
    out, start = [], 0
    while start + SEGMENT <= len(y):
        out.append(y[start:start + SEGMENT])
        start += HOP
    if start < len(y) and len(y) - start >= PAD_MIN_FRACTION * SEGMENT:
        out.append(np.pad(y[start:], (0, SEGMENT - (len(y) - start))))
    return out


def segment_statistics(y, separate_stft=False):
    """The 128 statistics of one segment, in SummaryFeatureExtractor::statistics' order."""
    librosa = _librosa()
    feature = librosa.feature
    if separate_stft:
        mfcc = feature.mfcc(y=y, sr=SR, n_mfcc=20)
        chroma = feature.chroma_stft(y=y, sr=SR)
        spectral = dict(y=y, sr=SR)
    else:
        magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP_LENGTH))
        power = magnitude ** 2
        mfcc = feature.mfcc(S=librosa.power_to_db(feature.melspectrogram(S=power, sr=SR)), n_mfcc=20)
        chroma = feature.chroma_stft(S=power, sr=SR)
        spectral = dict(S=magnitude, sr=SR)
    descriptors = (
        mfcc,
        feature.delta(mfcc, width=9, order=1, axis=-1, mode="interp"),
        chroma,
        feature.spectral_centroid(**spectral),
        feature.spectral_bandwidth(**spectral),
        feature.spectral_rolloff(**spectral),
        feature.spectral_contrast(**spectral),
        feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP_LENGTH),
        feature.rms(y=y, frame_length=N_FFT, hop_length=HOP_LENGTH),
    )
    stats = []
    for m in descriptors:
        m = np.asarray(m, dtype=np.float64)
        stats += [m.mean(axis=1), m.std(axis=1)]
    return np.concatenate(stats)


def file_features(path, separate_stft=False):
    """(path, seconds of audio, [segments, 128] statistics or None, error)."""
    try:
        y, _ = _librosa().load(path, sr=SR, mono=True)
    except Exception as e:  # noqa: BLE001 - a broken file is a failed row, as in jaams
        return path, 0.0, None, f"{type(e).__name__}: {e}"
    parts = segments(y)
    if not parts:
        return path, len(y) / SR, None, f"too short: {len(y) / SR:.3g} s, a segment needs {PAD_MIN_FRACTION * 10:g} s"
    return path, len(y) / SR, np.stack([segment_statistics(s, separate_stft) for s in parts]), ""


def warm_up(i):
    """Imports librosa and compiles its numba code in a worker before the timed part."""
    rng = np.random.default_rng(i)
    segment_statistics((0.1 * rng.standard_normal(SEGMENT)).astype(np.float32))
    return os.getpid()


def audio_files(folders):
    """Every audio file under the folders, recursively (symbolic links followed), sorted."""
    out = []
    for d in folders:
        if os.path.isfile(d):
            out.append(d)
            continue
        for root, _, names in os.walk(d, followlinks=True):
            out += [os.path.join(root, n) for n in names if os.path.splitext(n)[1].lower() in EXTENSIONS]
    return sorted(out)


class Runner:
    def __init__(self, threads, separate_stft):
        self.threads = max(1, threads)
        self.separate_stft = separate_stft
        if self.threads == 1:
            self.parallelism = "none: 1 process, files one after another"
            self.parallel = None
        else:
            from joblib import Parallel
            self.parallel = Parallel(n_jobs=self.threads, backend="loky")
            self.parallelism = (f"joblib {sys.modules['joblib'].__version__} loky, {self.threads} worker processes, "
                                f"one file per task, {max(1, os.cpu_count() // self.threads)} BLAS thread(s) each")

    def warm_up(self):
        if self.parallel is None:
            warm_up(0)
            return 1
        from joblib import delayed
        return len(set(self.parallel(delayed(warm_up)(i) for i in range(2 * self.threads))))

    def features(self, files):
        if self.parallel is None:
            return [file_features(f, self.separate_stft) for f in files]
        from joblib import delayed
        return self.parallel(delayed(file_features)(f, self.separate_stft) for f in files)


def fingerprint(files):
    return [(f, os.path.getsize(f), int(os.path.getmtime(f))) for f in files]


def train_tracks(splits_csv):
    """The track ids of the `train` subset of a jaams run's splits.csv (track_id,segment,subset)."""
    with open(splits_csv, newline="") as f:
        return {r["track_id"] for r in csv.DictReader(f) if r["subset"] == "train"}


def fit(folders, model_path, runner, splits_csv=None):
    """Fits (or reuses) the scaler + regression pickled at model_path on the files under folders
    (only the tracks of the train subset of splits_csv when given)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    files = audio_files(folders)
    if splits_csv:
        keep = train_tracks(splits_csv)
        files = [f for f in files if os.path.splitext(os.path.basename(f))[0] in keep]
        if not files:
            raise SystemExit(f"fit: no file under {folders} is a train track of {splits_csv}")
    if model_path and os.path.exists(model_path):
        with open(model_path, "rb") as f:
            model = pickle.load(f)
        if model["fit_files"] == fingerprint(files):
            return model, False
    rows, labels = [], []
    for path, _, x, error in runner.features(files):
        if x is not None:
            rows.append(x)
            labels += [os.path.basename(os.path.dirname(path))] * len(x)
    if len(set(labels)) < 2:
        raise SystemExit(f"fit: need files of at least 2 genres (<genre>/<file> folders) under {folders}")
    x = np.concatenate(rows)
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(max_iter=5000).fit(scaler.transform(x), labels)
    model = {"scaler": scaler, "clf": clf, "fit_files": fingerprint(files), "files": len(files), "segments": len(x),
             "train_accuracy": float(clf.score(scaler.transform(x), labels))}
    if model_path:
        with open(model_path, "wb") as f:
            pickle.dump(model, f)
    return model, True


def cmd_fit(args):
    start = time.perf_counter()
    runner = Runner(args.threads, args.separate_stft)
    model, fitted = fit(args.folders, args.model, runner, args.train_split)
    print(json.dumps({"side": "librosa+sklearn", "fit": args.model, "refitted": fitted, "classes": list(model["clf"].classes_),
                      "files": model["files"], "segments": model["segments"], "train_segment_accuracy": round(model["train_accuracy"], 4),
                      "seconds": round(time.perf_counter() - start, 2)}))


def cmd_predict(args):
    setup_start = time.perf_counter()
    runner = Runner(args.threads, args.separate_stft)
    workers = runner.warm_up()
    model, _ = fit(args.fit, args.model, runner) if args.fit else (None, False)
    if model is None:
        with open(args.model, "rb") as f:
            model = pickle.load(f)
    scaler, clf = model["scaler"], model["clf"]
    files = audio_files(args.folders)
    setup = time.perf_counter() - setup_start

    start = time.perf_counter()  # the timed part: what `jaams predict` does
    rows = []
    for path, seconds, x, error in runner.features(files):
        if x is None:
            rows.append((path, seconds, None, error))
            continue
        probabilities = clf.predict_proba(scaler.transform(x)).mean(axis=0)
        rows.append((path, seconds, probabilities, ""))
    wall = time.perf_counter() - start

    audio_seconds = sum(r[1] for r in rows)
    failed = sum(r[2] is None for r in rows)
    if args.predictions:
        with open(args.predictions, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["path", "genre", "probability", "error"])
            for path, _, p, error in rows:
                top = "" if p is None else clf.classes_[int(np.argmax(p))]
                w.writerow([path, top, "" if p is None else f"{float(p.max()):.6f}", error])
    print(json.dumps({"side": "librosa+sklearn", "librosa": _librosa().__version__, "files": len(files),
                      "failed": failed, "audio_seconds": round(audio_seconds, 1), "wall_seconds": round(wall, 3),
                      "x_real_time": round(audio_seconds / wall, 1), "files_per_second": round(len(files) / wall, 2),
                      "setup_seconds": round(setup, 2), "workers_seen": workers, "parallelism": runner.parallelism,
                      "stft": "one per feature function" if args.separate_stft else "one per segment, shared"}))


def cmd_segment(args):
    y, _ = _librosa().load(args.audio, sr=SR, mono=True)
    parts = segments(y)
    if not parts:
        raise SystemExit(f"{args.audio}: no segment")
    ref = segment_statistics(parts[0], args.separate_stft)
    got = np.load(args.jaams).astype(np.float64).reshape(-1)
    if got.shape != ref.shape:
        raise SystemExit(f"{args.jaams}: {got.shape[0]} values, librosa gives {ref.shape[0]}")
    names = statistic_names()
    diff = np.abs(got - ref)
    rel = diff / np.maximum(np.abs(ref), 1e-3)  # relative, for statistics not near 0
    worst, worst_rel = int(np.argmax(diff)), int(np.argmax(rel))
    print(f"statistics, first segment of {args.audio}: max |jaams - librosa| = {diff[worst]:.3g} at {names[worst]} "
          f"(librosa {ref[worst]:.6g}, jaams {got[worst]:.6g}); largest relative one (|librosa| >= 1e-3) {rel[worst_rel]:.2g} "
          f"at {names[worst_rel]}; median |difference| {np.median(diff):.2g}")


def cmd_agree(args):
    def top(path):
        with open(path, newline="") as f:
            return {r["path"]: r["genre"] for r in csv.DictReader(f) if r["genre"] and not r.get("error")}
    jaams, python = top(args.jaams_csv), top(args.python_csv)
    common = sorted(set(jaams) & set(python))
    same = sum(jaams[p] == python[p] for p in common)
    share = f" ({100 * same / len(common):.1f}%)" if common else ""
    extra = "".join(f", {n} only in {side}" for n, side in ((len(set(jaams) - set(python)), "jaams'"),
                                                             (len(set(python) - set(jaams)), "Python's")) if n)
    print(f"top genre: the same for {same} of {len(common)} files{share}{extra}")
    for p in common:
        if jaams[p] != python[p]:
            print(f"   differs: {p}: jaams {jaams[p]}, python {python[p]}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--librosa", help="librosa source tree (default: $LIBROSA_SRC)")
    sub = p.add_subparsers(dest="command", required=True)

    def common(q):
        q.add_argument("--threads", type=int, default=os.cpu_count(), help="worker processes (default: all cores)")
        q.add_argument("--separate-stft", action="store_true", help="each feature function computes its own STFT")

    q = sub.add_parser("fit", help="fit the scaler + regression on <genre>/<file> folders")
    common(q)
    q.add_argument("--model", required=True, help="pickle to write (reused while the files are the same)")
    q.add_argument("--train-split", metavar="SPLITS_CSV",
                   help="fit only on the train tracks of a jaams run's splits.csv (the rows jaams trained on)")
    q.add_argument("folders", nargs="+")
    q.set_defaults(run=cmd_fit)

    q = sub.add_parser("predict", help="the timed run")
    common(q)
    q.add_argument("--model", help="pickle written by fit (with --fit: written or reused)")
    q.add_argument("--fit", action="append", metavar="DIR",
                   help="fit on this <genre>/<file> folder first, untimed (repeatable)")
    q.add_argument("--predictions", help="write path,genre,probability rows to this CSV")
    q.add_argument("folders", nargs="+")
    q.set_defaults(run=cmd_predict)

    q = sub.add_parser("segment", help="librosa's statistics of AUDIO's first segment against jaams'")
    q.add_argument("--jaams", required=True, help="[128, 1] float32 .npy from `jaams preprocess --kinds stats --raw`")
    q.add_argument("--separate-stft", action="store_true")
    q.add_argument("audio")
    q.set_defaults(run=cmd_segment)

    q = sub.add_parser("agree", help="same top genre in a jaams predict CSV and a --predictions CSV")
    q.add_argument("jaams_csv")
    q.add_argument("python_csv")
    q.set_defaults(run=cmd_agree)

    args = p.parse_args()
    if args.librosa:
        os.environ["LIBROSA_SRC"] = str(pathlib.Path(args.librosa).resolve())
    elif os.environ.get("LIBROSA_SRC"):
        os.environ["LIBROSA_SRC"] = str(pathlib.Path(os.environ["LIBROSA_SRC"]).resolve())
    if args.command == "predict" and not args.model and not args.fit:
        p.error("predict needs --model (a fit pickle) or --fit DIR")
    args.run(args)


if __name__ == "__main__":
    main()
