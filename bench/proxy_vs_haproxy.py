#!/usr/bin/python3
"""Side-by-side benchmark: HAProxy against `faultline proxy`, same backends, same load, one run.

Starts two nginx backends on loopback (each answers `GET /` with a fixed 64-byte body, keep-alive
on), HAProxy in front of them (one thread, mode http, round-robin, connections to the servers
reused) and `FAULTLINE proxy --strategy round-robin` in front of the same two, then loads each
proxy with wrk in turns (haproxy, faultline, haproxy, faultline, ...) so machine noise hits both
alike. Prints per proxy the median requests/s and p99 latency over the runs (and min/max), the
ratios faultline / haproxy and whether the issue's targets are met: throughput ratio >= 1.0, p99
ratio <= 1.2.

On a 2-core machine wrk, the backends and the proxy compete for cores; unless --no-pin, the
proxy under test runs on CPU 0 and wrk and both nginx on CPU 1 (taskset). Everything started is
ended (SIGTERM, then SIGKILL) and the temporary directory removed, also on Ctrl-C and on errors.

Needs haproxy, nginx and wrk: apt-get install -y haproxy nginx-light wrk (or nginx).

  bench/proxy_vs_haproxy.py build/cli/faultline [--runs 3] [--duration 10] [--connections 50]
  bench/proxy_vs_haproxy.py --only haproxy --duration 3 --runs 2
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BODY_BYTES = 64
READY_TIMEOUT = 10.0    # seconds a listener has to answer after its process starts
STOP_TIMEOUT = 5.0      # seconds between SIGTERM and SIGKILL
PROXY_CPU, LOAD_CPU = 0, 1
TARGETS = ("haproxy", "faultline")
INSTALL = "apt-get install -y haproxy nginx-light wrk"
SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])


class BenchError(Exception):
    pass


def body(backend):
    """The fixed body of backend 1 or 2: 64 bytes, telling which backend answered."""
    text = f"faultline bench backend {backend} "
    return (text + "." * (BODY_BYTES - 1 - len(text)) + "\n").encode()


def free_port():
    """A port the OS calls free now (bound to port 0, read, closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).rstrip() or "(empty)"
    except OSError:
        return "(none)"


class Process:
    """One child process in its own process group, its stderr (and other logs) in files."""

    def __init__(self, name, argv, tmp, registry, logs=(), stdout_path=None):
        self.name, self.argv = name, argv
        self.stderr_path = os.path.join(tmp, f"{name}.stderr")
        self.logs = [self.stderr_path, *logs]
        with open(self.stderr_path, "wb") as err, \
                open(stdout_path or os.devnull, "wb") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         start_new_session=True)
        registry.append(self)  # at once, so that an interrupt from here on still ends it
        self.exit_code, self.stop_seconds, self.killed = None, None, False

    def alive(self):
        return self.proc.poll() is None

    def check_alive(self):
        if not self.alive():
            raise BenchError(f"{self.name} exited early with code {self.proc.returncode}\n"
                             f"  command: {' '.join(self.argv)}\n{self.log_tails()}")

    def log_tails(self):
        return "\n".join(f"  --- tail of {os.path.basename(p)} ---\n{tail(p)}" for p in self.logs)

    def stop(self):
        """SIGTERM to the process group, SIGKILL after STOP_TIMEOUT; records how it ended."""
        if self.proc.poll() is None:
            start = time.monotonic()
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.killed = True
                self._signal(signal.SIGKILL)
                self.proc.wait()
            self.stop_seconds = time.monotonic() - start
        # Whatever the leader did, leave nothing of its group behind.
        self._signal(signal.SIGKILL)
        self.exit_code = self.proc.returncode

    def _signal(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def pinned(argv, cpu, pin):
    return ["taskset", "-c", str(cpu), *argv] if pin else argv


def nginx_config(tmp, index, port):
    root = os.path.join(tmp, f"nginx{index}")
    os.makedirs(root)
    temp = "\n".join(f"    {kind}_temp_path {root}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = body(index).decode().rstrip("\n")
    path = os.path.join(root, "nginx.conf")
    with open(path, "w") as f:
        f.write(f"""daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
{temp}
    keepalive_timeout 60s;
    keepalive_requests 100000000;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location = / {{
            default_type text/plain;
            return 200 "{text}\\n";
        }}
    }}
}}
""")
    return root, path


def haproxy_config(tmp, port, backends, connections):
    path = os.path.join(tmp, "haproxy.cfg")
    # HAProxy wants about 2 file descriptors per maxconn and refuses to start if the limit
    # (ulimit -n, often 20,000 here) is lower: ask only for what wrk will open, with room.
    maxconn = max(1024, 2 * connections)
    servers = "\n".join(f"    server s{i} 127.0.0.1:{p}" for i, p in enumerate(backends, 1))
    with open(path, "w") as f:
        f.write(f"""global
    nbthread 1
    maxconn {maxconn}

defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s

frontend bench
    bind 127.0.0.1:{port}
    default_backend nginx

backend nginx
    balance roundrobin
{servers}
""")
    return path


def wait_ready(process, port, backends_expected):
    """Polls until the listener on port answers GET / with one of the backend bodies; returns
    which backends answered four requests on one keep-alive connection."""
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no connection"
    bodies = {body(i): i for i in (1, 2)}
    while time.monotonic() < deadline:
        process.check_alive()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                pass
        except OSError as e:
            last = f"connect: {e}"
            time.sleep(0.02)
            continue
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            seen = []
            for _ in range(4 if backends_expected else 1):
                conn.request("GET", "/")
                response = conn.getresponse()
                data = response.read()
                if response.status != 200 or data not in bodies:
                    raise BenchError(f"status {response.status}, body {data[:80]!r}")
                seen.append(bodies[data])
            conn.close()
            return seen
        except (OSError, http.client.HTTPException, BenchError) as e:
            last = f"GET /: {e}"
            time.sleep(0.05)
    process.check_alive()
    raise BenchError(f"{process.name} did not answer on 127.0.0.1:{port} within "
                     f"{READY_TIMEOUT:.0f} s (last: {last})\n{process.log_tails()}")


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(out):
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    if not rate or not p99:
        raise BenchError(f"could not read requests/s and p99 from wrk's output:\n{out}")
    total = re.search(r"^\s*(\d+) requests in", out, re.M)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(rate.group(1)),
        "p99_ms": float(p99.group(1)) * UNIT_MS[p99.group(2)],
        "requests": int(total.group(1)) if total else None,
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"),
                                  map(int, sock.groups()))) if sock else {},
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
    }


def run_wrk(argv, processes, tmp, timeout):
    """Runs wrk as a tracked child (so Ctrl-C ends it too); returns its stdout."""
    out_path = os.path.join(tmp, "wrk.stdout")
    proc = Process("wrk", argv, tmp, processes, stdout_path=out_path)
    try:
        proc.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk did not finish within {timeout:.0f} s")
    finally:
        proc.stop()
        processes.remove(proc)
    if proc.exit_code != 0:
        raise BenchError(f"wrk failed ({proc.exit_code}): {' '.join(argv)}\n{proc.log_tails()}")
    with open(out_path) as f:
        return f.read()


def version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (r.stdout + r.stderr).strip().splitlines()
    return text[0].strip() if text else "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def spread(values):
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("faultline", nargs="?", help="the faultline binary (build/cli/faultline); "
                        "not needed with --only haproxy")
    parser.add_argument("--only", choices=TARGETS, help="benchmark one proxy only")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per proxy (default 3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (default 10)")
    parser.add_argument("--connections", type=int, default=50,
                        help="wrk connections, one wrk thread (default 50)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="seconds of unmeasured load per proxy first (default 1, 0 for none)")
    parser.add_argument("--no-pin", action="store_true",
                        help="do not pin processes to CPUs with taskset")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    if args.runs < 1 or args.duration < 1 or args.connections < 1 or args.warmup < 0:
        parser.error("--runs, --duration and --connections must be at least 1, --warmup >= 0")
    targets = [args.only] if args.only else list(TARGETS)
    if "faultline" in targets:
        if not args.faultline:
            parser.error("give the faultline binary (or --only haproxy)")
        args.faultline = os.path.abspath(args.faultline)
        if not os.access(args.faultline, os.X_OK):
            sys.exit(f"no faultline binary at {args.faultline}")

    tools = {name: shutil.which(name, path=SBIN_PATH) for name in ("haproxy", "nginx", "wrk")}
    missing = [name for name, path in tools.items() if not path]
    if missing:
        print(f"missing: {', '.join(missing)}; install with: {INSTALL}", file=sys.stderr)
        sys.exit(2)

    cpus = sorted(os.sched_getaffinity(0))
    pin = not args.no_pin
    pin_note = ""
    if pin:
        if not shutil.which("taskset"):
            pin, pin_note = False, "taskset not found (util-linux): not pinned"
        elif not {PROXY_CPU, LOAD_CPU} <= set(cpus):
            pin, pin_note = False, f"CPUs {PROXY_CPU} and {LOAD_CPU} not both usable: not pinned"
        elif subprocess.run(["taskset", "-c", str(LOAD_CPU), "true"]).returncode != 0:
            pin, pin_note = False, "taskset failed here: not pinned"
    if pin:
        pin_note = (f"pinned: the proxy under test on CPU {PROXY_CPU}; wrk and both nginx "
                    f"backends on CPU {LOAD_CPU}")
    elif not pin_note:
        pin_note = "not pinned (--no-pin): wrk, nginx and the proxy share all cores"

    machine = {
        "cpu_count": os.cpu_count(), "usable_cpus": cpus, "cpu_model": cpu_model(),
        "load_average_1m": round(os.getloadavg()[0], 2), "pinning": pin_note,
        "haproxy": version([tools["haproxy"], "-v"]), "nginx": version([tools["nginx"], "-v"]),
        "wrk": version([tools["wrk"], "-v"]),
    }
    print(f"machine: {machine['cpu_count']} CPUs ({machine['cpu_model']}), usable {cpus}, "
          f"load average {machine['load_average_1m']:.2f}")
    print(f"  one machine for everything: wrk, the nginx backends and the proxy compete for "
          f"its cores; {pin_note}")
    print(f"  {machine['haproxy']}; {machine['nginx']}; {machine['wrk']}")

    # Ctrl-C, SIGTERM and SIGHUP all end the run through the same cleanup (SIGINT set
    # explicitly: a background job of a script starts with it ignored).
    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)

    tmp = tempfile.mkdtemp(prefix="faultline-proxy-bench-")
    processes = []
    results = None
    status = 0
    try:
        results = bench(args, targets, tools, pin, tmp, processes, machine)
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        status = 130
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        status = 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        stops = {}
        for process in reversed(processes):
            process.stop()
            stops[process.name] = {"exit_code": process.exit_code, "killed": process.killed,
                                   "seconds": process.stop_seconds}
        shutil.rmtree(tmp, ignore_errors=True)
    if "faultline" in stops:
        s = stops["faultline"]
        if s["seconds"] is None:
            how = f"had already exited (code {s['exit_code']}) before it was asked to stop"
        elif s["killed"]:
            how = f"still running {STOP_TIMEOUT:.0f} s after SIGTERM: killed (SIGKILL)"
        elif s["exit_code"] == -signal.SIGTERM:
            how = f"ended by the signal itself (no handler) after {s['seconds']:.2f} s"
        else:
            how = f"exit code {s['exit_code']} after {s['seconds']:.2f} s"
        print(f"faultline proxy on SIGTERM: {how}")
        if results:
            results["faultline_stop"] = s
    if results and args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        print(f"figures written to {args.json}")
    sys.exit(status)


def bench(args, targets, tools, pin, tmp, processes, machine):
    backend_ports = [free_port(), free_port()]
    while backend_ports[0] == backend_ports[1]:
        backend_ports[1] = free_port()
    for i, port in enumerate(backend_ports, 1):
        root, conf = nginx_config(tmp, i, port)
        argv = pinned([tools["nginx"], "-p", root, "-c", conf, "-e", f"{root}/error.log"],
                      LOAD_CPU, pin)
        Process(f"nginx{i}", argv, tmp, processes, logs=[f"{root}/error.log"])
    for process, port in zip(processes, backend_ports):
        wait_ready(process, port, backends_expected=False)
    print(f"backends: nginx on 127.0.0.1:{backend_ports[0]} and 127.0.0.1:{backend_ports[1]} "
          f"({BODY_BYTES}-byte body, keep-alive)")

    commands = {}
    ports = {}
    for target in targets:
        ports[target] = port = free_port()
        if target == "haproxy":
            argv = [tools["haproxy"], "-db", "-f", haproxy_config(tmp, port, backend_ports, args.connections)]
        else:
            argv = [args.faultline, "proxy", "--listen", f"127.0.0.1:{port}",
                    *[a for p in backend_ports for a in ("--backend", f"127.0.0.1:{p}")],
                    "--strategy", "round-robin"]
        commands[target] = pinned(argv, PROXY_CPU, pin)
        Process(target, commands[target], tmp, processes)
    for target in targets:
        process = next(p for p in processes if p.name == target)
        seen = wait_ready(process, ports[target], backends_expected=True)
        note = "" if set(seen) == {1, 2} else "  WARNING: not alternating between the backends"
        print(f"{target}: 127.0.0.1:{ports[target]}, 4 requests on one connection answered by "
              f"backends {seen}{note}")
        print(f"  $ {' '.join(commands[target])}")

    def wrk(target, seconds):
        argv = pinned([tools["wrk"], "-t1", f"-c{args.connections}", f"-d{seconds}s", "--latency",
                       f"http://127.0.0.1:{ports[target]}/"], LOAD_CPU, pin)
        for p in processes:
            p.check_alive()
        out = run_wrk(argv, processes, tmp, timeout=seconds + 30)
        for p in processes:
            p.check_alive()
        return argv, out

    wrk_command = None
    if args.warmup:
        for target in targets:
            wrk(target, args.warmup)
    runs = {target: [] for target in targets}
    print(f"\n{args.runs} runs of {args.duration} s per proxy, {args.connections} connections, "
          f"one wrk thread, in turns:")
    for i in range(args.runs):
        for target in targets:
            argv, out = wrk(target, args.duration)
            wrk_command = argv
            run = parse_wrk(out)
            runs[target].append(run)
            errors = sum(run["socket_errors"].values())
            flags = (f", socket errors {run['socket_errors']}" if errors else "") + \
                    (f", {run['non_2xx_3xx']} non-2xx/3xx" if run["non_2xx_3xx"] else "")
            print(f"  run {i + 1} {target:9s} {run['requests_per_s']:>10,.0f} req/s  "
                  f"p99 {run['p99_ms']:7.3f} ms{flags}", flush=True)
    print(f"  $ {' '.join(wrk_command[:-1])} http://127.0.0.1:PORT/")

    summary = {}
    print(f"\n{'proxy':10s} {'req/s median':>13s} {'min':>9s} {'max':>9s}   "
          f"{'p99 ms median':>13s} {'min':>8s} {'max':>8s}")
    for target in targets:
        rate = spread([r["requests_per_s"] for r in runs[target]])
        p99 = spread([r["p99_ms"] for r in runs[target]])
        summary[target] = {"requests_per_s": dict(zip(("median", "min", "max"), rate)),
                           "p99_ms": dict(zip(("median", "min", "max"), p99))}
        print(f"{target:10s} {rate[0]:>13,.0f} {rate[1]:>9,.0f} {rate[2]:>9,.0f}   "
              f"{p99[0]:>13.3f} {p99[1]:>8.3f} {p99[2]:>8.3f}")
    failures = sum(sum(r["socket_errors"].values()) + r["non_2xx_3xx"]
                   for rs in runs.values() for r in rs)
    if failures:
        print(f"WARNING: {failures} socket errors or non-2xx/3xx responses in all (see the runs)")

    ratios = None
    if len(targets) == 2:
        throughput = (summary["faultline"]["requests_per_s"]["median"]
                      / summary["haproxy"]["requests_per_s"]["median"])
        p99_ratio = summary["faultline"]["p99_ms"]["median"] / summary["haproxy"]["p99_ms"]["median"]
        ratios = {"throughput": throughput, "p99": p99_ratio,
                  "throughput_target_met": throughput >= 1.0, "p99_target_met": p99_ratio <= 1.2}
        print(f"\nfaultline / haproxy: throughput {throughput:.3f} (target >= 1.0: "
              f"{'met' if throughput >= 1.0 else 'MISSED'}), p99 {p99_ratio:.3f} "
              f"(target <= 1.2: {'met' if p99_ratio <= 1.2 else 'MISSED'})")
        # The runs alternate, so each faultline run has a HAProxy run just before it on the same
        # machine: the median of those pairs' ratios is not moved by a machine that changes speed
        # between runs (a neighbour's load), as the ratio of the two medians is.
        paired_rate = statistics.median(
            f["requests_per_s"] / h["requests_per_s"]
            for h, f in zip(runs["haproxy"], runs["faultline"]))
        paired_p99 = statistics.median(
            f["p99_ms"] / h["p99_ms"] for h, f in zip(runs["haproxy"], runs["faultline"]))
        ratios.update({"paired_throughput": paired_rate, "paired_p99": paired_p99})
        print(f"paired, run by run (median of {len(runs['haproxy'])} ratios): throughput "
              f"{paired_rate:.3f}, p99 {paired_p99:.3f}")
    return {
        "machine": machine,
        "settings": {"runs": args.runs, "duration_s": args.duration,
                     "connections": args.connections, "wrk_threads": 1, "warmup_s": args.warmup,
                     "pinned": pin, "body_bytes": BODY_BYTES},
        "commands": {t: commands[t] for t in targets},
        "runs": runs, "summary": summary, "faultline_over_haproxy": ratios,
    }


if __name__ == "__main__":
    main()
