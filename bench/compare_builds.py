#!/usr/bin/python3
"""Side-by-side benchmark of two builds of faultline on the same scenarios.

Runs `faultline run SCENARIO` with each binary, alternating (A, B, A, B, ...) so that both see
the same machine load, and prints the median wall time of each and the ratio B / A. The way to
check a change's cost on simulation speed on a shared, noisy machine: build the commit before it
somewhere (git worktree add /tmp/base <commit>; ./faultline there), then

  bench/compare_builds.py /tmp/base/build/cli/faultline build/cli/faultline \\
      bench-3region region-outage --duration 60 --runs 7

Arguments after the scenarios are passed to `faultline run` (--duration, --strategy, --seed).
"""
import argparse
import statistics
import subprocess
import sys
import time


def wall_seconds(binary, scenario, extra):
    start = time.perf_counter()
    subprocess.run([binary, "run", scenario, "--quiet", *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", help="the reference build's faultline binary")
    parser.add_argument("b", help="the build to compare with it")
    parser.add_argument("scenarios", nargs="+", help="built-in names or files")
    parser.add_argument("--runs", type=int, default=7)
    args, extra = parser.parse_known_args()
    print(f"{'scenario':<24}{'A median s':>12}{'B median s':>12}{'B / A':>8}")
    for scenario in args.scenarios:
        times = {"a": [], "b": []}
        for _ in range(args.runs):
            for side in ("a", "b"):
                times[side].append(wall_seconds(getattr(args, side), scenario, extra))
        a, b = statistics.median(times["a"]), statistics.median(times["b"])
        print(f"{scenario:<24}{a:>12.3f}{b:>12.3f}{b / a:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
