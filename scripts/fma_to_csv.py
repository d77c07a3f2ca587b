#!/usr/bin/env python3
"""Writes a jaams labels CSV (data.labels) for an FMA subset from FMA's fma_metadata/tracks.csv.

    /usr/bin/python3 scripts/fma_to_csv.py --tracks fma_metadata/tracks.csv \
        --audio fma_medium --subset medium --output fma_medium/labels.csv

One row per track of the subset that has a top-level genre (genre_top) and whose MP3 is present:
path (relative to the output CSV's folder), genre, track, artist (FMA's artist id) and split
(FMA's own training/validation/test split as train/val/test). Train with
`data.labels: fma_medium/labels.csv` and `data.split: csv` for FMA's split, or the default
artist-safe `track` split. Subsets nest as FMA defines them: small within medium within large.

tracks.csv has two header rows (column group, column) and a third naming the index (track_id);
only the standard library's csv module is needed.
"""
import argparse
import csv
import os
import sys

SUBSETS = ["small", "medium", "large"]
SPLITS = {"training": "train", "validation": "val", "test": "test"}


def read_tracks(path):
    """Yields dicts with track_id, genre_top, artist_id, split, subset for every data row."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        try:
            top, sub, index_row = next(rows), next(rows), next(rows)
        except StopIteration:
            sys.exit(f"{path}: fewer than the three header rows of FMA's tracks.csv")
        if not index_row or index_row[0] != "track_id":
            sys.exit(f"{path}: line 3 should name the index 'track_id' (is this FMA's tracks.csv?)")
        groups, last = [], ""
        for g in top:  # the group name is written once, over the first of its columns
            last = g or last
            groups.append(last)
        column = {(g, s): i for i, (g, s) in enumerate(zip(groups, sub))}
        wanted = {"genre_top": ("track", "genre_top"), "artist_id": ("artist", "id"), "split": ("set", "split"),
                  "subset": ("set", "subset")}
        for name, key in wanted.items():
            if key not in column:
                sys.exit(f"{path}: no column {key[0]}.{key[1]}")
        for line, row in enumerate(rows, start=4):
            if not row:
                continue
            try:
                record = {name: row[column[key]] for name, key in wanted.items()}
                record["track_id"] = int(row[0])
            except (IndexError, ValueError):
                sys.exit(f"{path}:{line}: malformed row")
            yield record


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tracks", required=True, help="fma_metadata/tracks.csv")
    p.add_argument("--audio", required=True, help="the subset's audio folder (fma_small, fma_medium, ...): NNN/NNNNNN.mp3")
    p.add_argument("--subset", required=True, choices=SUBSETS)
    p.add_argument("--output", required=True, help="the labels CSV to write")
    a = p.parse_args()

    out_dir = os.path.dirname(os.path.abspath(a.output))
    limit = SUBSETS.index(a.subset)
    written, missing, no_genre = 0, 0, 0
    rows = []
    for t in read_tracks(a.tracks):
        if t["subset"] not in SUBSETS or SUBSETS.index(t["subset"]) > limit:
            continue
        if not t["genre_top"]:
            no_genre += 1
            continue
        tid = f"{t['track_id']:06d}"
        audio = os.path.join(a.audio, tid[:3], tid + ".mp3")
        if not os.path.exists(audio):
            missing += 1
            continue
        split = SPLITS.get(t["split"])
        if split is None:
            sys.exit(f"{a.tracks}: track {tid}: unknown split '{t['split']}'")
        rows.append([os.path.relpath(os.path.abspath(audio), out_dir), t["genre_top"], tid, t["artist_id"], split])
        written += 1
    if not rows:
        sys.exit(f"no track of subset '{a.subset}' found under {a.audio}")
    tmp = a.output + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "genre", "track", "artist", "split"])
        w.writerows(rows)
    os.replace(tmp, a.output)  # never a half-written labels file
    genres = sorted({r[1] for r in rows})
    print(f"{a.output}: {written} tracks, {len(genres)} genres ({', '.join(genres)}); "
          f"{missing} without audio, {no_genre} without a top-level genre left out")


if __name__ == "__main__":
    main()
