#!/usr/bin/python3
"""How `faultline compare` scales with --jobs: the same comparison with one thread and with J.

Runs `faultline compare SCENARIO --seeds N --jobs 1` and `... --jobs J` alternately (so both see
the same machine load), prints the median wall time of each, the ratio (J / 1) and whether the
two JSON files are byte-identical (they must be: every run is stored by strategy and seed, never
by which thread finished first). Issue 5's target: two seeds of bench-3region with --jobs 2 take
at most 0.6x the time of --jobs 1, on a machine with two cores or more.

  bench/compare_jobs.py build/cli/faultline bench-3region --seeds 2 --jobs 2 --runs 5

Arguments it does not know are passed to `faultline compare` (--strategies, --duration).
"""
import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed_compare(binary, scenario, seeds, jobs, json_path, extra):
    start = time.perf_counter()
    subprocess.run([binary, "compare", scenario, "--seeds", str(seeds), "--jobs", str(jobs),
                    "--json", json_path, "--quiet", *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the faultline binary")
    parser.add_argument("scenario", help="a built-in name or a file")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--runs", type=int, default=5)
    args, extra = parser.parse_known_args()
    times = {1: [], args.jobs: []}
    identical = True
    with tempfile.TemporaryDirectory() as scratch:
        one = os.path.join(scratch, "one.json")
        many = os.path.join(scratch, "many.json")
        for _ in range(args.runs):
            times[1].append(timed_compare(args.binary, args.scenario, args.seeds, 1, one, extra))
            times[args.jobs].append(
                timed_compare(args.binary, args.scenario, args.seeds, args.jobs, many, extra))
            identical = identical and filecmp.cmp(one, many, shallow=False)
    single = statistics.median(times[1])
    parallel = statistics.median(times[args.jobs])
    print(f"machine: {os.cpu_count()} cores; {args.scenario}, {args.seeds} seeds, "
          f"{args.runs} runs each, alternating")
    print(f"--jobs 1: median {single:.3f} s  (all: {', '.join(f'{t:.3f}' for t in times[1])})")
    print(f"--jobs {args.jobs}: median {parallel:.3f} s  "
          f"(all: {', '.join(f'{t:.3f}' for t in times[args.jobs])})")
    print(f"ratio --jobs {args.jobs} / --jobs 1: {parallel / single:.3f}")
    print(f"results byte-identical: {'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
