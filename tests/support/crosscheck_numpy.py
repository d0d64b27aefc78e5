#!/usr/bin/env python3
"""Cross-checks the C++ reference einsum and random corpus against numpy.einsum.

NumPy is the specification of einsum. This recomputes every case that the test
RandomEinsum.DumpForNumPy wrote (operands and the reference's result) with numpy.einsum and
checks that NumPy accepts the subscripts, and that the result dtype, shape and values agree:
integers and bools exactly, floats within 8 * eps * max(1, n) * max(|expected|, 1), the
tolerance of tests/support/compare.hpp (n = summation length).

    EIN_CORPUS_DUMP=/tmp/corpus build/ein_e2e_tests --gtest_filter='RandomEinsum.DumpForNumPy'
    python3 tests/support/crosscheck_numpy.py /tmp/corpus

Exits non-zero when any case disagrees.
"""
import os
import sys

import numpy as np


def read_tensor(data, offset, tokens, i):
    dtype = np.dtype(tokens[i])
    rank = int(tokens[i + 1])
    shape = tuple(int(x) for x in tokens[i + 2:i + 2 + rank])
    count = int(np.prod(shape)) if shape else 1
    a = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(shape).copy()
    return a, offset + count * dtype.itemsize, i + 2 + rank


def main(directory):
    with open(os.path.join(directory, "data.bin"), "rb") as f:
        data = f.read()
    offset = 0
    cases = bad = 0
    with open(os.path.join(directory, "manifest.txt")) as manifest:
        for line in manifest:
            seed, subscripts, n_operands, rest = line.rstrip("\n").split("\t")
            tokens = rest.split()
            summation_length = int(tokens[0])
            i = 1
            operands = []
            for _ in range(int(n_operands)):
                a, offset, i = read_tensor(data, offset, tokens, i)
                operands.append(a)
            expected, offset, i = read_tensor(data, offset, tokens, i)
            cases += 1
            where = f"seed {seed}: einsum({subscripts!r}, shapes {[a.shape for a in operands]})"
            try:
                got = np.asarray(np.einsum(subscripts, *operands))
            except Exception as e:  # noqa: BLE001 - any rejection is a disagreement
                print(f"{where}: numpy rejects it: {e}")
                bad += 1
                continue
            if got.dtype != expected.dtype or got.shape != expected.shape:
                print(f"{where}: numpy gives {got.dtype}{got.shape}, "
                      f"reference {expected.dtype}{expected.shape}")
                bad += 1
                continue
            if got.dtype.kind in "biu":
                ok = np.array_equal(got, expected)
            else:
                eps = np.finfo(got.dtype).eps
                tol = 8 * eps * max(1, summation_length) * np.maximum(np.abs(expected), 1.0)
                ok = bool(np.all(np.abs(got.astype(np.complex128) - expected) <= tol))
            if not ok:
                print(f"{where}: values differ, max |diff| "
                      f"{np.max(np.abs(got.astype(np.complex128) - expected))}")
                bad += 1
    print(f"{cases} cases, {bad} disagree with numpy {np.__version__}")
    return 1 if bad or cases == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
