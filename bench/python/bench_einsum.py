#!/usr/bin/env python3
"""Times ein against numpy.einsum (optimize=False and True), opt_einsum.contract and
torch.einsum (when torch is importable) on the C++ benchmark's suite (bench/einsum_bench.cpp),
plus the per-call overhead on tiny arrays, and prints a table of times and ratios.

    python bench/python/bench_einsum.py            # the full suite (minutes: NumPy's
                                                   # optimize=False is a plain loop nest)
    python bench/python/bench_einsum.py --smoke    # tiny sizes, one quick pass
    python bench/python/bench_einsum.py --only matmul --min-time 0.5

A ratio is (peer time) / (ein time): above 1 means ein is faster. Every peer's result is checked
against ein's once per case, so a fast wrong answer cannot win. This is a benchmark, not a test:
it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np

import ein

try:
    import opt_einsum
except ImportError:  # pragma: no cover - optional peer
    opt_einsum = None
try:
    import torch
except ImportError:  # pragma: no cover - optional peer
    torch = None


@dataclass
class Case:
    name: str
    subscripts: str
    shapes: list
    dtype: str
    flops: float = 0.0  # per call, 0 for data movement
    # Materialise the result into a preallocated array: a pure permutation is a view in both
    # NumPy and ein, so the data-movement case writes into `out` to measure the copy.
    use_out: bool = False
    tags: list = field(default_factory=list)


def suite(scale) -> list[Case]:
    """The C++ suite (bench/einsum_bench.cpp) with the same shapes; `scale` shrinks them."""
    s = scale
    cases = []
    for dtype in ("float32", "float64"):
        for n in (512, 1024, 2048):
            m = s(n)
            cases.append(Case(f"matmul {dtype[0]}{dtype[-2:]} {m}", "ij,jk->ik", [(m, m), (m, m)],
                              dtype, 2.0 * m**3))
    for b, n in ((64, 128), (4096, 8)):
        bb = s(b)
        cases.append(Case(f"batched matmul {bb}x{n}", "bij,bjk->bik", [(bb, n, n), (bb, n, n)],
                          "float32", 2.0 * bb * n**3))
    seq = s(512)
    cases.append(Case("attention scores", "bhid,bhjd->bhij", [(2, 12, seq, 64)] * 2, "float32",
                      2.0 * 2 * 12 * seq * seq * 64))
    cases.append(Case("attention values", "bhij,bhjd->bhid",
                      [(2, 12, seq, seq), (2, 12, seq, 64)], "float32",
                      2.0 * 2 * 12 * seq * seq * 64))
    n = s(128)
    cases.append(Case("transposing ijk,jil->kl", "ijk,jil->kl", [(n, n, n)] * 2, "float64",
                      2.0 * n**4))
    n = s(48)
    cases.append(Case("transposing abcd,cdbe->ae", "abcd,cdbe->ae", [(n, n, n, n)] * 2,
                      "float64", 2.0 * n**5))
    n = s(64)
    cases.append(Case("permute abcd->dbca (into out)", "abcd->dbca", [(n, n, n, n)], "float32",
                      use_out=True))
    n = s(4096)
    cases.append(Case("reduce rows ij->j", "ij->j", [(n, n)], "float32"))
    cases.append(Case("trace ii->", "ii->", [(n, n)], "float64"))
    cases.append(Case("tiny 3x3 matmul", "ij,jk->ik", [(3, 3), (3, 3)], "float64", 54.0,
                      tags=["tiny"]))
    cases.append(Case("tiny 2x2x2", "ijk,jkl->il", [(2, 2, 2), (2, 2, 2)], "float64", 32.0,
                      tags=["tiny"]))
    return cases


def make_runners(case: Case, operands: list, out):
    """name -> zero-argument callable computing the case."""
    runners = {}
    kw = {"out": out} if case.use_out else {}
    runners["ein"] = lambda: ein.einsum(case.subscripts, *operands, **kw)
    runners["numpy opt=False"] = lambda: np.einsum(case.subscripts, *operands, optimize=False,
                                                   **kw)
    runners["numpy opt=True"] = lambda: np.einsum(case.subscripts, *operands, optimize=True, **kw)
    if opt_einsum is not None:
        runners["opt_einsum"] = lambda: opt_einsum.contract(case.subscripts, *operands, **kw)
    if torch is not None:
        tensors = [torch.from_numpy(np.ascontiguousarray(op)) for op in operands]
        if case.use_out:
            runners["torch"] = lambda: torch.einsum(case.subscripts, *tensors).contiguous()
        else:
            runners["torch"] = lambda: torch.einsum(case.subscripts, *tensors)
    return runners


def time_call(fn, min_time: float, max_first: float) -> float:
    """Median seconds per call over batches lasting about min_time in all. A first call slower
    than max_first is reported as it is, without repeats."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > max_first:
        return first
    per_batch = max(1, int(0.02 / max(first, 1e-7)))  # ~20 ms batches
    samples = []
    deadline = time.perf_counter() + min_time
    while time.perf_counter() < deadline or len(samples) < 3:
        t0 = time.perf_counter()
        for _ in range(per_batch):
            fn()
        samples.append((time.perf_counter() - t0) / per_batch)
        if len(samples) >= 200:
            break
    return statistics.median(samples)


def format_seconds(t: float) -> str:
    if math.isnan(t):
        return "-"
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.2f} ms"
    return f"{t * 1e6:.2f} us"


def check(case: Case, name: str, got, reference) -> str:
    got = np.asarray(got.numpy() if hasattr(got, "numpy") else got)
    rtol = 1e-3 if case.dtype == "float32" else 1e-9
    if got.shape != reference.shape or not np.allclose(got, reference, rtol=rtol, atol=rtol):
        return f"{name} DISAGREES with ein on {case.name}"
    return ""


def run_suite(cases, peers_filter, min_time, max_first):
    rng = np.random.default_rng(7)
    rows = []
    for case in cases:
        operands = [rng.uniform(-1, 1, size=shape).astype(case.dtype) for shape in case.shapes]
        out = None
        if case.use_out:
            out = np.empty(np.einsum(case.subscripts, *operands, optimize=True).shape, case.dtype)
        runners = make_runners(case, operands, out)
        reference = np.array(ein.einsum(case.subscripts, *operands), copy=True)
        times, problems = {}, []
        for name, fn in runners.items():
            if peers_filter and name != "ein" and not any(p in name for p in peers_filter):
                continue
            result = fn()
            if problems_for := check(case, name, out if case.use_out else result, reference):
                problems.append(problems_for)
            times[name] = time_call(fn, min_time, max_first)
            print(f"  {case.name:32s} {name:16s} {format_seconds(times[name]):>10s}",
                  file=sys.stderr, flush=True)
        rows.append((case, times, problems))
    return rows


def tiny_overhead(min_time):
    """Per-call cost on 3x3 inputs: what dominates small einsums in Python code."""
    a, b = np.ones((3, 3)), np.ones((3, 3))
    calls = {
        "ein.einsum": lambda: ein.einsum("ij,jk->ik", a, b),
        "ein expression": (lambda e: lambda: e(a, b))(
            ein.contract_expression("ij,jk->ik", (3, 3), (3, 3))),
        "numpy.einsum opt=False": lambda: np.einsum("ij,jk->ik", a, b),
        "numpy.einsum opt=True": lambda: np.einsum("ij,jk->ik", a, b, optimize=True),
        "numpy a @ b": lambda: a @ b,
    }
    if opt_einsum is not None:
        calls["opt_einsum.contract"] = lambda: opt_einsum.contract("ij,jk->ik", a, b)
        expr = opt_einsum.contract_expression("ij,jk->ik", (3, 3), (3, 3))
        calls["opt_einsum expression"] = lambda: expr(a, b)
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        calls["torch.einsum"] = lambda: torch.einsum("ij,jk->ik", ta, tb)
    return {name: time_call(fn, min_time, 1.0) for name, fn in calls.items()}


def print_table(rows, peers):
    name_w = max(len(r[0].name) for r in rows) + 2
    header = f"{'case':{name_w}s}{'ein':>11s}{'ein GFLOP/s':>12s}"
    for p in peers:
        header += f"{p:>18s}"
    print(header)
    print("-" * len(header))
    for case, times, problems in rows:
        t_ein = times.get("ein", math.nan)
        gflops = case.flops / t_ein * 1e-9 if case.flops and t_ein > 0 else math.nan
        line = f"{case.name:{name_w}s}{format_seconds(t_ein):>11s}"
        line += f"{gflops:12.1f}" if not math.isnan(gflops) else f"{'-':>12s}"
        for p in peers:
            t = times.get(p, math.nan)
            cell = "-" if math.isnan(t) else f"{format_seconds(t)} x{t / t_ein:.2f}"
            line += f"{cell:>18s}"
        print(line)
        for problem in problems:
            print(f"    !! {problem}")
    print("\n(x = peer time / ein time: above 1 means ein is faster)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one quick pass")
    parser.add_argument("--only", default="", help="run cases whose name contains this")
    parser.add_argument("--peers", default="", help="comma-separated peer filter (e.g. torch)")
    parser.add_argument("--min-time", type=float, default=0.3, help="seconds per measurement")
    parser.add_argument("--max-first", type=float, default=5.0,
                        help="a first call slower than this is not repeated")
    args = parser.parse_args(argv)

    scale = (lambda n: max(2, n // 64)) if args.smoke else (lambda n: n)
    min_time = 0.01 if args.smoke else args.min_time
    cases = [c for c in suite(scale) if args.only in c.name]
    peers_filter = [p for p in args.peers.split(",") if p]

    print(f"ein {ein.__version__}, numpy {np.__version__}"
          + (f", opt_einsum {opt_einsum.__version__}" if opt_einsum else ", no opt_einsum")
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch
             else ", no torch"))
    rows = run_suite(cases, peers_filter, min_time, args.max_first)
    peers = [p for p in ("numpy opt=False", "numpy opt=True", "opt_einsum", "torch")
             if any(p in times for _, times, _ in rows)]
    print()
    print_table(rows, peers)

    print("\nPer-call overhead on 3x3 float64 operands (ij,jk->ik):")
    overhead = tiny_overhead(min_time)
    base = overhead["ein.einsum"]
    for name, t in overhead.items():
        print(f"  {name:26s} {format_seconds(t):>10s}   x{t / base:.2f} of ein.einsum")
    problems = [p for _, _, ps in rows for p in ps]
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
