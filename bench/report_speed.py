#!/usr/bin/python3
"""How long `faultline report` takes to draw the HTML and PDF reports of a long run.

Simulates SCENARIO once for --duration (default: bench-3region for an hour, 3,600 windows of
three regions), then times `faultline report RESULTS --html --pdf`, and the two formats alone,
in turns (so all three see the same machine load), --runs times each; prints the median and the
spread of each, and the sizes of the files. Issue 6's target: HTML + PDF of a 1-hour, 3-region
run in under 3 seconds.

  bench/report_speed.py build/cli/faultline --runs 5
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="the faultline binary")
    parser.add_argument("--scenario", default="bench-3region")
    parser.add_argument("--duration", default="3600s")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, "results.json")
        html = os.path.join(tmp, "report.html")
        pdf = os.path.join(tmp, "report.pdf")
        print(f"simulating {args.scenario} for {args.duration} ...", flush=True)
        seconds = timed([args.binary, "run", args.scenario, "--duration", args.duration,
                         "--json", results, "--quiet"])
        print(f"  {seconds:.1f} s; results {os.path.getsize(results) / 1e6:.1f} MB")
        commands = {
            "html + pdf": [args.binary, "report", results, "--html", html, "--pdf", pdf],
            "html": [args.binary, "report", results, "--html", html],
            "pdf": [args.binary, "report", results, "--pdf", pdf],
            "md (no charts)": [args.binary, "report", results, "--md", os.devnull],
        }
        times = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command))
        subprocess.run(commands["html + pdf"], check=True)
        print(f"report of {args.scenario}, {args.duration}, {args.runs} runs each:")
        for name, samples in times.items():
            print(f"  {name:15s} median {statistics.median(samples):6.3f} s "
                  f"(min {min(samples):.3f}, max {max(samples):.3f})")
        print(f"  sizes: html {os.path.getsize(html) / 1e6:.2f} MB, "
              f"pdf {os.path.getsize(pdf) / 1e6:.2f} MB")
        target = statistics.median(times["html + pdf"])
        print(f"target: html + pdf under 3 s: {'met' if target < 3 else 'MISSED'} "
              f"({target:.3f} s)")


if __name__ == "__main__":
    main()
