#!/usr/bin/env python3
"""Whole-process wall-clock timing of a command, run several times (a small hyperfine).

    timeit.py --runs 10 --label NAME -- CMD ARGS...   -> one JSON line
The command must succeed (exit 0); its output is discarded.
"""
import json
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    split = args.index("--")
    opts, cmd = args[:split], args[split + 1:]
    runs = int(opts[opts.index("--runs") + 1]) if "--runs" in opts else 10
    label = opts[opts.index("--label") + 1] if "--label" in opts else " ".join(cmd)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    print(json.dumps({"label": label, "runs": runs,
                      "median_ms": round(statistics.median(times) * 1e3, 1),
                      "min_ms": round(min(times) * 1e3, 1), "max_ms": round(max(times) * 1e3, 1)}))


if __name__ == "__main__":
    main()
