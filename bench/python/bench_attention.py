#!/usr/bin/env python3
"""Times ein.multi_head_attention against NumPy implementations (one with matmul, one with
einsum(optimize=True)) and, when torch is importable, torch's scaled_dot_product_attention with
the projections done by torch.matmul; prints a table of times and ratios.

    python bench/python/bench_attention.py            # the suite
    python bench/python/bench_attention.py --smoke    # tiny sizes, one quick pass
    python bench/python/bench_attention.py --dtype float64 --min-time 0.5

A ratio is (peer time) / (ein time): above 1 means ein is faster. Every peer's result is checked
against ein's once per case, so a fast wrong answer cannot win. This is a benchmark, not a test:
it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import ein

try:
    import torch
except ImportError:  # pragma: no cover - optional peer
    torch = None

SUITE = [
    # (batch, seq, dim, heads)
    (2, 10, 16, 8),
    (8, 64, 128, 4),
    (2, 128, 512, 8),
    (4, 256, 512, 8),
    (1, 512, 768, 12),
    (2, 1024, 1024, 16),
]
SMOKE = [(2, 10, 16, 8), (2, 32, 64, 4)]


def inputs(batch, seq, dim, dtype, seed=0):
    rng = np.random.default_rng(seed)
    s = np.sqrt(3)
    x = rng.uniform(-s, s, (batch, seq, dim)).astype(dtype)
    ws = [(rng.uniform(-s, s, (dim, dim)) / np.sqrt(dim)).astype(dtype) for _ in range(4)]
    return [x] + ws


def _softmax(s):
    s = s - s.max(axis=-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    return s


def numpy_matmul(x, w_q, w_k, w_v, w_o, heads):
    b, n, d = x.shape
    h, e = heads, d // heads

    def split(t):
        return t.reshape(b, n, h, e).transpose(0, 2, 1, 3)

    q, k, v = split(x @ w_q), split(x @ w_k), split(x @ w_v)
    scores = (q @ k.transpose(0, 1, 3, 2)) * np.asarray(1 / np.sqrt(e), x.dtype)
    o = _softmax(scores) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, n, d) @ w_o


def numpy_einsum(x, w_q, w_k, w_v, w_o, heads, einsum=None):
    """The same with einsum calls: numpy.einsum(optimize=True) unless `einsum` is given (e.g.
    opt_einsum.contract, or numpy.einsum with optimize=False)."""
    if einsum is None:
        def einsum(*args):
            return np.einsum(*args, optimize=True)
    b, n, d = x.shape
    h, e = heads, d // heads
    q = einsum("bnd,dhe->bhne", x, w_q.reshape(d, h, e))
    k = einsum("bnd,dhe->bhne", x, w_k.reshape(d, h, e))
    v = einsum("bnd,dhe->bhne", x, w_v.reshape(d, h, e))
    scores = einsum("bhie,bhje->bhij", q, k) * np.asarray(1 / np.sqrt(e), x.dtype)
    o = einsum("bhij,bhje->bhie", _softmax(scores), v)
    return einsum("bhne,hef->bnf", o, w_o.reshape(h, e, d))


def torch_sdpa(tensors, heads):
    x, w_q, w_k, w_v, w_o = tensors
    b, n, d = x.shape
    h, e = heads, d // heads

    def split(t):
        return t.reshape(b, n, h, e).transpose(1, 2)

    with torch.no_grad():
        o = torch.nn.functional.scaled_dot_product_attention(
            split(x @ w_q), split(x @ w_k), split(x @ w_v)
        )
        return o.transpose(1, 2).reshape(b, n, d) @ w_o


def best_time(fn, min_time, max_repeats=1000):
    fn()  # warm up (plans, caches, thread pools)
    best, total, repeats = float("inf"), 0.0, 0
    while (total < min_time or repeats < 3) and repeats < max_repeats:
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best, total, repeats = min(best, elapsed), total + elapsed, repeats + 1
    return best


def fmt_time(t):
    if t != t:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one quick pass")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per measurement")
    args = parser.parse_args(argv)
    cases = SMOKE if args.smoke else SUITE
    min_time = 0.0 if args.smoke else args.min_time
    dtype = np.dtype(args.dtype)
    tol = 1e-3 if dtype == np.float32 else 1e-9

    peers = ["numpy matmul", "numpy einsum"] + (["torch sdpa"] if torch is not None else [])
    header = f"{'batch x seq x dim / heads':<28}{'ein':>10}" + "".join(
        f"{p:>14}{'ratio':>7}" for p in peers
    )
    print(f"multi-head attention, {dtype}; ratio = peer time / ein time (>1: ein faster)")
    print(header)
    print("-" * len(header))
    for batch, seq, dim, heads in cases:
        tensors = inputs(batch, seq, dim, dtype)
        expected = ein.multi_head_attention(*tensors, heads)
        t_ein = best_time(lambda: ein.multi_head_attention(*tensors, heads), min_time)
        row = f"{f'{batch} x {seq} x {dim} / {heads}':<28}{fmt_time(t_ein):>10}"
        for peer in peers:
            if peer == "torch sdpa":
                tt = [torch.from_numpy(t) for t in tensors]
                fn = lambda: torch_sdpa(tt, heads)  # noqa: E731
                check = fn().numpy()
            else:
                impl = numpy_matmul if peer == "numpy matmul" else numpy_einsum
                fn = lambda impl=impl: impl(*tensors, heads)  # noqa: E731
                check = fn()
            scale = max(1.0, float(np.abs(expected).max()))
            if not np.allclose(check, expected, rtol=0, atol=tol * scale):
                print(f"{peer} disagrees with ein on {batch}x{seq}x{dim}/{heads}", file=sys.stderr)
                return 1
            t_peer = best_time(fn, min_time)
            row += f"{fmt_time(t_peer):>14}{t_peer / t_ein:>7.2f}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
