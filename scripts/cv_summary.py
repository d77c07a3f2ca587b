#!/usr/bin/env python3
"""Summarises the runs of scripts/cv_gtzan_mini.sh: per config, the track accuracy of each repeat
(all folds' test tracks together), their mean and standard deviation, and the segment accuracy.

    /usr/bin/python3 scripts/cv_summary.py WORK_DIR CONFIG.yaml ...
"""
import json
import pathlib
import re
import statistics
import sys


def main() -> int:
    work = pathlib.Path(sys.argv[1])
    print("| config | repeats x folds | tracks | track accuracy per repeat | mean | std | segment accuracy (mean) |")
    print("|---|---|---:|---|---:|---:|---:|")
    for config in sys.argv[2:]:
        name = pathlib.Path(config).stem
        per_repeat = {}
        segment = []
        tracks_total = 0
        for run in sorted((work / name).glob("r*-f*")):
            m = re.match(r"r(\d+)-f(\d+)", run.name)
            test = run / "eval" / "test.json"
            if not m or not test.exists():
                continue
            j = json.loads(test.read_text())
            correct = sum(row[i] for i, row in enumerate(j["track_confusion"]))
            r = int(m.group(1))
            c, n = per_repeat.get(r, (0, 0))
            per_repeat[r] = (c + correct, n + j["tracks"])
            segment.append(j["segment_accuracy"])
        if not per_repeat:
            print(f"| {name} | - | - | (no finished runs) | | | |")
            continue
        accs = [c / n for c, n in per_repeat.values()]
        tracks_total = list(per_repeat.values())[0][1]
        folds = len(list((work / name).glob("r1-f*")))
        std = statistics.pstdev(accs) if len(accs) > 1 else 0.0
        shown = ", ".join(f"{c}/{n}" for c, n in per_repeat.values())
        print(f"| {name} | {len(accs)} x {folds} | {tracks_total} | {shown} | {statistics.mean(accs):.3f} | {std:.3f} "
              f"| {statistics.mean(segment):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
