#!/usr/bin/env python3
"""Times the Python peers on the fixed suite of bench/suite.txt: ein.einsum, numpy.einsum with
optimize=False and True, the equivalent direct NumPy call (matmul, tensordot, transpose().copy(),
trace, sum, ...), opt_einsum.contract and torch.einsum (when torch is importable).

    python bench/python/bench_einsum.py                      # every peer, one process, a table
    python bench/python/bench_einsum.py --smoke              # tiny sizes, one quick pass
    python bench/python/bench_einsum.py --only matmul --peer ein --peer numpy_opt_true
    python bench/python/bench_einsum.py --peer opt_einsum --json out.json   # what
                                                   # bench/run_suite.py runs, once per peer

Times are medians of batches. Every peer's answer is checked against ein's once per case, so a
fast wrong answer cannot win (a disagreement is recorded and the peer's time is dropped). This
is a benchmark, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np

import bench_attention
import suite

import ein

try:
    import opt_einsum
except ImportError:  # pragma: no cover - optional peer
    opt_einsum = None
try:
    import torch
except ImportError:  # pragma: no cover - optional peer
    torch = None

PEERS = {
    "ein": "ein.einsum",
    "numpy_opt_false": "numpy.einsum optimize=False",
    "numpy_opt_true": "numpy.einsum optimize=True",
    "numpy_direct": "direct NumPy call",
    "opt_einsum": "opt_einsum.contract",
    "torch": "torch.einsum",
}
# numpy.einsum(optimize=False) runs one loop nest over every label: past this many iterations
# (tens of seconds) the case is skipped for that peer and says so.
NAIVE_LIMIT = 1e10


def _direct(case: suite.Case):
    """The NumPy call a user would write instead of einsum: f(operands, out) -> result."""
    n = case.name
    if n.startswith(("matmul_", "bmm_", "tiny_3x3")) or n in ("attn_values", "matvec"):
        return lambda o, out: np.matmul(o[0], o[1])
    table = {
        "attn_scores": lambda o, out: np.matmul(o[0], o[1].swapaxes(-1, -2)),
        "md_nd_mn": lambda o, out: o[0] @ o[1].T,
        # ik,jkl,il->ij: (i, j, l) = x . W over k, then a batched matrix-vector product over l
        "bilinear": lambda o, out: np.matmul(np.tensordot(o[0], o[1], axes=([1], [1])),
                                             o[2][:, :, None])[:, :, 0],
        "transp_ijk_jil": lambda o, out: np.tensordot(o[0], o[1], axes=([0, 1], [1, 0])),
        "transp_abcd_cdbe": lambda o, out: np.tensordot(o[0], o[1],
                                                        axes=([1, 2, 3], [2, 0, 1])),
        "permute_64MiB": lambda o, out: np.copyto(out, o[0].transpose(3, 1, 2, 0)),
        "trace": lambda o, out: np.trace(o[0]),
        "diagonal": lambda o, out: np.copyto(out, np.diagonal(o[0])),
        "sum_rows": lambda o, out: o[0].sum(axis=0),
        "dot_2d": lambda o, out: np.vdot(o[0], o[1]),
        "dot_1d": lambda o, out: np.dot(o[0], o[1]),
        "outer": lambda o, out: np.outer(o[0], o[1]),
        "outer3": lambda o, out: np.multiply.outer(np.multiply.outer(o[0], o[1]), o[2]),
        "chain4": lambda o, out: np.linalg.multi_dot(o),
        "tiny_2x2x2": lambda o, out: np.tensordot(o[0], o[1], axes=2),
        "mha": lambda o, out: bench_attention.numpy_matmul(*o, case.heads),
    }
    return table.get(n)


def runner(peer: str, case: suite.Case, ops: list, out):
    """(callable, "") computing the case, or (None, why not)."""
    kw = {"out": out} if case.use_out else {}
    s = case.subscripts
    if case.heads:
        h = case.heads
        if peer == "ein":
            return (lambda: ein.multi_head_attention(*ops, h)), ""
        if peer == "numpy_direct":
            return (lambda: bench_attention.numpy_matmul(*ops, h)), ""
        if peer.startswith("numpy_opt_"):
            opt = peer == "numpy_opt_true"
            if not opt and case.naive_loop_size() > NAIVE_LIMIT:
                return None, "skipped: naive loop nests too long"
            fn = lambda *a: np.einsum(*a, optimize=opt)  # noqa: E731
            return (lambda: bench_attention.numpy_einsum(*ops, h, einsum=fn)), ""
        if peer == "opt_einsum":
            return (lambda: bench_attention.numpy_einsum(*ops, h, einsum=opt_einsum.contract)), ""
        if peer == "torch":
            tt = [torch.from_numpy(t) for t in ops]
            return (lambda: bench_attention.torch_sdpa(tt, h)), ""
    if peer == "ein":
        return (lambda: ein.einsum(s, *ops, **kw)), ""
    if peer == "numpy_opt_false":
        if case.naive_loop_size() > NAIVE_LIMIT:
            return None, f"skipped: one loop nest of {case.naive_loop_size():.1e} iterations"
        return (lambda: np.einsum(s, *ops, optimize=False, **kw)), ""
    if peer == "numpy_opt_true":
        if (loop := _numpy_path_loop(case, ops)) > NAIVE_LIMIT:
            return None, f"skipped: NumPy's memory-capped path keeps a loop nest of {loop:.1e} " \
                "iterations"
        return (lambda: np.einsum(s, *ops, optimize=True, **kw)), ""
    if peer == "numpy_direct":
        f = _direct(case)
        return ((lambda: f(ops, out)), "") if f else (None, "no direct NumPy call")
    if peer == "opt_einsum":
        return (lambda: opt_einsum.contract(s, *ops, **kw)), ""
    if peer == "torch":
        tensors = [torch.from_numpy(op) for op in ops]
        if case.use_out:  # torch returns a view for pure permutations and diagonals
            return (lambda: torch.einsum(s, *tensors).contiguous()), ""
        return (lambda: torch.einsum(s, *tensors)), ""
    raise ValueError(f"unknown peer {peer}")


def _numpy_path_loop(case: suite.Case, ops: list) -> float:
    """The longest loop nest of a step with three or more operands in numpy.einsum's
    optimize=True path: its greedy search caps intermediates at the largest operand's size and
    then falls back to one n-ary loop nest (the 8-tensor network: ~1e15 iterations)."""
    _, text = np.einsum_path(case.subscripts, *ops, optimize=True)
    sizes = case.label_sizes()
    worst = 0.0
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0].isdigit() and "->" in fields[1]:
            inputs = fields[1].split("->")[0].split(",")
            if len(inputs) >= 3:
                worst = max(worst, float(math.prod(sizes[c] for c in set("".join(inputs)))))
    return worst


def operands(case: suite.Case) -> list:
    if case.heads:
        b, n, d = case.shapes[0]
        return bench_attention.inputs(b, n, d, case.dtype)
    rng = np.random.default_rng(7)
    return [rng.uniform(-1, 1, size=shape).astype(case.dtype) for shape in case.shapes]


def reference(case: suite.Case, ops: list) -> np.ndarray:
    if case.heads:
        return np.array(ein.multi_head_attention(*ops, case.heads), copy=True)
    return np.array(ein.einsum(case.subscripts, *ops), copy=True)


def check(case: suite.Case, got, want: np.ndarray) -> str:
    """"ok", or how the peer's answer differs from ein's."""
    if hasattr(got, "numpy"):
        got = got.numpy()
    got = np.asarray(got)
    if got.shape != want.shape:
        return f"DISAGREES with ein: shape {got.shape} vs {want.shape}"
    scale = max(1.0, float(np.abs(want).max())) if want.size else 1.0
    tol = (1e-3 if case.dtype == "float32" else 1e-9) * scale
    worst = float(np.abs(got.astype(np.float64) - want).max()) if want.size else 0.0
    if not worst <= tol:
        return f"DISAGREES with ein: max abs difference {worst:.3g} > {tol:.3g}"
    return "ok"


def time_call(fn, min_time: float, max_first: float) -> tuple[float, int]:
    """(median seconds per call over batches lasting about min_time in all, batches). A call
    slower than max_first is measured once."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > max_first:
        return first, 1
    per_batch = max(1, int(0.02 / max(first, 1e-7)))  # ~20 ms batches
    samples = []
    deadline = time.perf_counter() + min_time
    while (time.perf_counter() < deadline or len(samples) < 3) and len(samples) < 200:
        t0 = time.perf_counter()
        for _ in range(per_batch):
            fn()
        samples.append((time.perf_counter() - t0) / per_batch)
    return statistics.median(samples), len(samples)


def peer_info(peer: str) -> dict:
    info = {"python": sys.version.split()[0], "numpy": np.__version__}
    if peer == "ein":
        info["ein"] = ein.__version__
        info["ein_module"] = os.path.dirname(ein.__file__)
    elif peer == "opt_einsum" and opt_einsum is not None:
        info["opt_einsum"] = opt_einsum.__version__
    elif peer == "torch" and torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["numpy_blas"] = f"{blas.get('name', '?')} {blas.get('version', '?')}"
        info["numpy_blas_config"] = blas.get("openblas configuration", "")
    except (TypeError, AttributeError):  # older NumPy: no mode="dicts"
        pass
    return info


def available(peer: str) -> str:
    if peer == "opt_einsum" and opt_einsum is None:
        return "opt_einsum is not installed"
    if peer == "torch" and torch is None:
        return "torch is not installed"
    return ""


def run_peer(peer: str, cases: list, min_time: float, max_first: float) -> dict:
    results = {}
    for case in cases:
        ops = operands(case)
        out = None
        want = reference(case, ops)
        if case.use_out:
            out = np.empty(want.shape, case.dtype)
        fn, why = runner(peer, case, ops, out)
        if fn is None:
            results[case.name] = {"skipped": why}
            continue
        got = fn()
        verdict = check(case, out if case.use_out else got, want)
        entry = {"check": verdict}
        if verdict == "ok":
            entry["median_s"], entry["batches"] = time_call(fn, min_time, max_first)
        results[case.name] = entry
        shown = f"{entry['median_s'] * 1e3:10.3f} ms" if "median_s" in entry else verdict
        print(f"  {peer:16s} {case.name:18s} {shown}", file=sys.stderr, flush=True)
    return results


def call_overhead(min_time: float) -> dict:
    """ein's per-call cost on 3x3 float64 operands (ij,jk->ik) from Python."""
    a, b = np.ones((3, 3)), np.ones((3, 3))
    expr = ein.contract_expression("ij,jk->ik", (3, 3), (3, 3))
    calls = {"ein.einsum": lambda: ein.einsum("ij,jk->ik", a, b), "ein expression": lambda: expr(a, b)}
    return {name: time_call(fn, min_time, 1.0)[0] for name, fn in calls.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one quick pass")
    parser.add_argument("--only", default="", help="cases whose name contains this")
    parser.add_argument("--peer", action="append", choices=list(PEERS),
                        help="peer to run (repeatable; default: all available)")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--min-time", type=float, default=0.3, help="seconds per measurement")
    parser.add_argument("--max-first", type=float, default=5.0,
                        help="a call slower than this is measured once")
    args = parser.parse_args(argv)

    cases = [c for c in suite.load(args.smoke) if args.only in c.name]
    min_time = 0.01 if args.smoke else args.min_time
    peers = args.peer or [p for p in PEERS if not available(p)]
    report = {"peers": {}}
    for peer in peers:
        if why := available(peer):
            report["peers"][peer] = {"unavailable": why}
            continue
        entry = {"info": peer_info(peer), "results": run_peer(peer, cases, min_time,
                                                               args.max_first)}
        if peer == "ein":
            entry["call_overhead_s"] = call_overhead(min_time)
        report["peers"][peer] = entry
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    else:
        print_table(cases, report)
    bad = [(p, c) for p, e in report["peers"].items() for c, r in e.get("results", {}).items()
           if r.get("check", "ok") != "ok"]
    for p, c in bad:
        print(f"!! {p} on {c}: {report['peers'][p]['results'][c]['check']}", file=sys.stderr)
    return 1 if bad else 0


def print_table(cases, report):
    peers = [p for p in report["peers"] if "results" in report["peers"][p]]
    print(f"{'case':20s}" + "".join(f"{p:>22s}" for p in peers))
    for case in cases:
        base = report["peers"].get("ein", {}).get("results", {}).get(case.name, {})
        t0 = base.get("median_s", math.nan)
        line = f"{case.name:20s}"
        for p in peers:
            r = report["peers"][p]["results"].get(case.name, {})
            t = r.get("median_s")
            cell = "-" if t is None else f"{t * 1e3:.3f} ms x{t / t0:.2f}"
            line += f"{cell:>22s}"
        print(line)
    print("\n(x = peer time / ein time: above 1 means ein is faster)")


if __name__ == "__main__":
    sys.exit(main())
