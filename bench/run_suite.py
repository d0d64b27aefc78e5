#!/usr/bin/env python3
"""The judge of issue 7: runs the fixed suite (bench/suite.txt) once per peer, each peer in its
own process, merges the medians and writes results.json, results.md (table of medians and
ratios, geometric means, the issue's targets) and ratios.png into --out.

    scripts/bench.sh                 # builds, then runs this (see the README, Benchmarks)
    python3 bench/run_suite.py --build build-bench --smoke --out bench/out

Peers: ein (C++ ein_bench, Python ein.einsum), OpenBLAS called directly (C++, GEMM-shaped
cases), Eigen Tensor (C++, ein_eigen_bench when built), numpy.einsum optimize=False / True, the
direct NumPy call, opt_einsum.contract and torch.einsum (when importable). Ratios are peer
median / ein median in the same language (C++ peers against ein C++, Python peers against
ein.einsum): above 1 means ein is faster. Every peer's answer is checked against ein's once per
case; a peer that disagrees gets no time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "python"))

import report  # noqa: E402  (bench/report.py)
import suite  # noqa: E402  (bench/python/suite.py)

PY_PEERS = ["ein", "numpy_opt_false", "numpy_opt_true", "numpy_direct", "opt_einsum", "torch"]
TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_cpp(binary: str, filt: str, out_json: str, smoke: bool, reps: int, min_time: float):
    """One Google Benchmark process; returns its parsed JSON (None when it could not run)."""
    if not os.path.exists(binary):
        log(f"{binary} not built: skipped")
        return None
    cmd = [binary, f"--benchmark_filter={filt}", f"--benchmark_out={out_json}",
           "--benchmark_out_format=json", "--benchmark_format=console"]
    if smoke:
        cmd.append("--smoke")
    else:
        cmd += [f"--benchmark_min_time={min_time}", f"--benchmark_repetitions={reps}",
                "--benchmark_report_aggregates_only=true"]
    if os.path.exists(out_json):
        os.remove(out_json)  # never read a previous run's file
    log(" ".join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stderr.write(proc.stdout)
    if not os.path.exists(out_json):
        log(f"{binary} failed with exit code {proc.returncode}")
        return None
    if proc.returncode != 0:  # e.g. a peer disagreed with ein: recorded per case below
        log(f"{binary} exited with code {proc.returncode}")
    with open(out_json, encoding="utf-8") as f:
        text = f.read()
    return json.loads(text) if text.strip() else {}  # empty: the filter matched nothing


def cpp_results(data) -> dict:
    """'peer/case' -> {median_s, label, check} from Google Benchmark JSON (the median aggregate
    when repeated, the single run otherwise)."""
    results = {}
    if not data:
        return results
    for b in data.get("benchmarks", []):
        name = re.sub(r"/real_time$", "", b.get("run_name", b["name"]))
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("error_occurred"):
            results[name] = {"check": b.get("error_message", "error")}
            continue
        entry = {"median_s": b["real_time"] * TIME_UNITS[b.get("time_unit", "ns")],
                 "check": "ok", "label": b.get("label", "")}
        results[name] = entry
    return results


def run_python_peer(peer: str, args, out_dir: str) -> dict:
    out_json = os.path.join(out_dir, f"py_{peer}.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    cmd = [sys.executable, os.path.join(HERE, "python", "bench_einsum.py"), "--peer", peer,
           "--json", out_json, "--min-time", str(args.min_time)]
    if args.smoke:
        cmd.append("--smoke")
    if args.only:
        cmd += ["--only", args.only]
    log(" ".join(cmd))
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    try:
        proc = subprocess.run(cmd, env=env, timeout=args.peer_timeout)
    except subprocess.TimeoutExpired:
        log(f"python peer {peer} ran past {args.peer_timeout:.0f} s: killed")
        return {"unavailable": f"ran past {args.peer_timeout:.0f} s"}
    if not os.path.exists(out_json):
        log(f"python peer {peer} failed (exit {proc.returncode})")
        return {"unavailable": f"process failed with exit code {proc.returncode}"}
    with open(out_json, encoding="utf-8") as f:
        return json.load(f)["peers"][peer]


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "bench"),
                        help="CMake build directory holding bench/ein_bench")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds")
    parser.add_argument("--only", default="", help="cases whose name contains this")
    parser.add_argument("--peers", default="", help="comma-separated subset of peers")
    parser.add_argument("--pythonpath", default="", help="prepended to PYTHONPATH (ein module)")
    parser.add_argument("--min-time", type=float, default=0.3,
                        help="seconds per measurement (Python; C++ uses a third per repetition)")
    parser.add_argument("--repetitions", type=int, default=5, help="C++ repetitions (median)")
    parser.add_argument("--ein-git", default="",
                        help="the ein commit the build was made from, when not this checkout")
    parser.add_argument("--peer-timeout", type=float, default=900,
                        help="seconds before a Python peer process is killed")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    wanted = [p for p in args.peers.split(",") if p]
    cases = [c for c in suite.load(args.smoke) if args.only in c.name]
    only_re = re.escape(args.only) if args.only else ""
    started = time.time()

    peers: dict = {}
    cpp_context: dict = {}
    bench_dir = os.path.join(args.build, "bench")
    cpp_runs = [("ein_cpp", "ein_bench", f"^ein/.*{only_re}"),
                ("openblas", "ein_bench", f"^openblas/.*{only_re}"),
                ("eigen", "ein_eigen_bench", f"^eigen/.*{only_re}"),
                ("machine", "ein_bench", "^machine/"),
                ("plan", "ein_bench", "^plan/")]
    for peer, binary, filt in cpp_runs:
        if wanted and peer not in wanted and peer not in ("machine", "plan"):
            continue
        data = run_cpp(os.path.join(bench_dir, binary), filt,
                       os.path.join(args.out, f"cpp_{peer}.json"), args.smoke, args.repetitions,
                       args.min_time / 3)
        if data is None:
            peers[peer] = {"unavailable": f"{binary} not built or failed"}
            continue
        if not data:
            continue  # no case of this peer matched --only
        cpp_context.update(data.get("context", {}))
        prefix = "ein" if peer == "ein_cpp" else peer
        results = {k.split("/", 1)[1]: v for k, v in cpp_results(data).items()
                   if k.startswith(prefix + "/")}
        peers[peer] = {"results": results}

    for peer in PY_PEERS:
        if wanted and peer not in wanted:
            continue
        name = "ein_py" if peer == "ein" else peer
        peers[name] = run_python_peer(peer, args, args.out)

    machine = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "host": platform.node(),
        "kernel": platform.release(),
        "load_average_at_end": os.getloadavg(),
        "google_benchmark_context": cpp_context,
        "env_threads": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
                        if k in os.environ},
    }
    versions = {
        "ein_git": args.ein_git or git("rev-parse", "--short", "HEAD"),
        "ein_git_dirty": False if args.ein_git else bool(
            git("status", "--porcelain", "--untracked-files=no")),
        "openblas_cpp": cpp_context.get("openblas_config", "unknown"),
        "eigen": cpp_context.get("eigen_version", "not built"),
    }
    for p in peers.values():
        versions.update({k: v for k, v in p.get("info", {}).items()
                         if k not in ("ein_module",)})
    if "ein_module" in peers.get("ein_py", {}).get("info", {}):
        versions["ein_python_module"] = peers["ein_py"]["info"]["ein_module"]

    result = {
        "smoke": args.smoke,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration_s": round(time.time() - started, 1),
        "machine": machine,
        "versions": versions,
        "cases": [{"name": c.name, "subscripts": c.subscripts, "dtype": c.dtype,
                   "shapes": c.shapes, "heads": c.heads, "metric": c.work()[0],
                   "work": c.work()[1]} for c in cases],
        "peers": peers,
    }
    result["summary"] = report.summarize(result)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as f:
        f.write(report.markdown(result))
    chart = report.chart(result, os.path.join(args.out, "ratios.png"))
    log(f"wrote {args.out}/results.json, results.md" + (", ratios.png" if chart else
                                                          " (no chart: matplotlib missing)"))
    bad = [(p, c, r["check"]) for p, e in peers.items()
           for c, r in e.get("results", {}).items() if r.get("check", "ok") != "ok"]
    for p, c, why in bad:
        log(f"!! {p} on {c}: {why}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
