#!/usr/bin/python3
"""Side-by-side benchmark: `faultline run bench-3region` against the SimPy reference model.

Runs both, alternating, several times on the same machine and prints for each the simulated
requests per wall-clock second (median of the runs) and the mean latency, then their ratios. Then
checks that peak memory does not grow with the simulated duration: the same scenario at 60 s and at
600 s, peak RSS of each.

Both sides go through their normal path: for Faultline the command a user runs (scenario loaded by
name, simulated with the real balancer core, results written as JSON). The SimPy model is
../shared/bench/simpy_3region.py, run with Debian's /usr/bin/python3 and python3-simpy3, with the
same number of requests as the Faultline run simulates.

Usage: bench/compare_simpy.py [--runs N] [--simpy PATH] [--faultline PATH] [--skip-memory]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_measured(argv):
    """Runs a command; returns (stdout, wall seconds, peak RSS in MiB) of that child alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode()}")
    return out.decode(), wall, usage.ru_maxrss / 1024.0


def run_faultline(binary, duration=None):
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "results.json")
        argv = [binary, "run", "bench-3region", "--quiet", "--json", results]
        if duration:
            argv += ["--duration", duration]
        _, wall, rss = run_measured(argv)
        with open(results) as f:
            summary = json.load(f)["summary"]
    return int(summary["requestsTotal"]), summary["latencyMs"]["mean"], wall, rss


def run_simpy(script, requests):
    out, wall, rss = run_measured(["/usr/bin/python3", script, str(requests)])
    match = re.search(r"requests=(\d+) mean_latency_ms=([\d.]+) wall_s=([\d.]+)", out)
    if not match:
        sys.exit(f"unexpected output from {script}: {out}")
    # SimPy's own timer leaves out interpreter start-up; use it, to be fair to SimPy.
    return int(match.group(1)), float(match.group(2)), float(match.group(3)), rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--faultline", default=os.path.join(ROOT, "build", "cli", "faultline"))
    parser.add_argument("--simpy", default=os.path.join(ROOT, "..", "shared", "bench",
                                                        "simpy_3region.py"))
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()

    if not os.access(args.faultline, os.X_OK):
        sys.exit(f"no faultline binary at {args.faultline}: run ./faultline --version first")
    if subprocess.run(["/usr/bin/python3", "-c", "import simpy"],
                      capture_output=True).returncode != 0:
        sys.exit("SimPy is missing: apt-get install python3-simpy3")

    print(f"bench-3region, {args.runs} runs each, alternating; machine: {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    fl_rates, fl_means, sp_rates, sp_means = [], [], [], []
    for i in range(args.runs):
        requests, mean, wall, rss = run_faultline(args.faultline)
        fl_rates.append(requests / wall)
        fl_means.append(mean)
        print(f"  faultline run {i + 1}: {requests} requests in {wall:.3f} s = "
              f"{requests / wall:,.0f} req/s, mean latency {mean:.4f} ms, peak RSS {rss:.1f} MiB")
        s_requests, s_mean, s_wall, s_rss = run_simpy(args.simpy, requests)
        sp_rates.append(s_requests / s_wall)
        sp_means.append(s_mean)
        print(f"  simpy     run {i + 1}: {s_requests} requests in {s_wall:.3f} s = "
              f"{s_requests / s_wall:,.0f} req/s, mean latency {s_mean:.4f} ms, "
              f"peak RSS {s_rss:.1f} MiB")

    fl_rate, sp_rate = statistics.median(fl_rates), statistics.median(sp_rates)
    fl_mean, sp_mean = statistics.median(fl_means), statistics.median(sp_means)
    print()
    print(f"simulated requests per wall second (median): faultline {fl_rate:,.0f}, "
          f"simpy {sp_rate:,.0f}, ratio {fl_rate / sp_rate:.1f}x (target >= 20x)")
    print(f"mean latency (median of runs): faultline {fl_mean:.4f} ms, simpy {sp_mean:.4f} ms, "
          f"difference {100 * (fl_mean - sp_mean) / sp_mean:+.2f}% (target within 2%)")

    if args.skip_memory:
        return
    print()
    print("peak memory against simulated duration (same scenario, same rate):")
    rss = {}
    for duration in ("60s", "600s"):
        requests, _, wall, peak = run_faultline(args.faultline, duration)
        rss[duration] = peak
        print(f"  {duration:>5}: {requests:>11,} requests, {wall:6.2f} s, peak RSS {peak:.1f} MiB")
    print(f"  ratio 600 s / 60 s: {rss['600s'] / rss['60s']:.2f} (flat is 1.0; the duration is 10x)")


if __name__ == "__main__":
    main()
