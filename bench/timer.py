"""Fallback timing loop for the benchmarks when hyperfine is not installed.

Usage: timer.py --warmup N --runs N [--remove DIR] --export-json FILE -- CMD...

Runs CMD (no shell) N warm-up times and then N timed times, each after an
untimed removal of DIR, and writes the results in the same JSON shape as
`hyperfine --export-json` (times in seconds) so the benchmarks parse one
format. The timed span is subprocess.run, so it includes Python's own
fork/exec cost (typically well under a millisecond), just as hyperfine's
numbers include its process spawn.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time


def run_once(cmd, remove):
    if remove:
        shutil.rmtree(remove, ignore_errors=True)
    start = time.perf_counter_ns()
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter_ns() - start
    if proc.returncode != 0:
        sys.exit("timer.py: command exited with status %d: %s"
                 % (proc.returncode, " ".join(cmd)))
    return elapsed / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--remove", default=None)
    ap.add_argument("--export-json", required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")

    for _ in range(args.warmup):
        run_once(cmd, args.remove)
    times = [run_once(cmd, args.remove) for _ in range(args.runs)]

    result = {
        "command": " ".join(cmd),
        "mean": statistics.mean(times),
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": times,
    }
    with open(args.export_json, "w") as f:
        json.dump({"results": [result]}, f)


if __name__ == "__main__":
    main()
