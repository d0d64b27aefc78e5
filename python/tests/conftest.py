"""Shared helpers for ein's Python tests: NumPy is the oracle.

Random tests draw from numpy.random.default_rng seeded by EIN_SEED (default below) and the case's
index, and their failure messages print both, so `EIN_SEED=<seed> pytest <test> -k <case>`
reproduces a failure exactly.
"""

from __future__ import annotations

import os
import zlib

import numpy as np
import pytest

import ein

DEFAULT_SEED = 20240917
SEED = int(os.environ.get("EIN_SEED", DEFAULT_SEED))

DTYPES = [np.dtype(n) for n in ("bool", "int32", "int64", "float32", "float64", "complex64",
                                "complex128")]
LAYOUTS = ["contiguous", "fortran", "strided", "negative", "transposed", "broadcast"]


def rng_for(*key) -> np.random.Generator:
    """A generator for one test case: EIN_SEED plus the case's key (ints and strings)."""
    words = [zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in key]
    return np.random.default_rng([SEED, *words])


def random_values(rng: np.random.Generator, shape, dtype: np.dtype) -> np.ndarray:
    """Small values: integer sums cannot overflow, float sums stay well conditioned."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.kind == "i":
        return rng.integers(-3, 4, size=shape).astype(dtype)
    if dtype.kind == "f":
        return rng.uniform(-1, 1, size=shape).astype(dtype)
    real = rng.uniform(-1, 1, size=shape)
    imag = rng.uniform(-1, 1, size=shape)
    return (real + 1j * imag).astype(dtype)


def make_operand(rng, shape, dtype, layout: str) -> np.ndarray:
    """An array of `shape` and `dtype` whose memory is laid out as `layout` says.

    contiguous: C order; fortran: F order; strided: every axis stepped by 2 out of a larger array;
    negative: every axis reversed (negative strides); transposed: a permuted view of a C array;
    broadcast: zero strides on extent-1 axes stretched (read-only, as np.broadcast_to gives).
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return np.asarray(random_values(rng, shape, dtype))  # ascontiguousarray would give (1,)
    if layout == "contiguous":
        return np.ascontiguousarray(random_values(rng, shape, dtype))
    if layout == "fortran":
        return np.asfortranarray(random_values(rng, shape, dtype))
    if layout == "strided":
        big = random_values(rng, tuple(2 * n + 1 for n in shape), dtype)
        return big[tuple(slice(1, 1 + 2 * n, 2) for n in shape)]
    if layout == "negative":
        return random_values(rng, shape, dtype)[tuple(slice(None, None, -1) for _ in shape)]
    if layout == "transposed":
        perm = [int(p) for p in rng.permutation(len(shape))]
        base = random_values(rng, tuple(shape[p] for p in perm), dtype)
        view = base.transpose(tuple(int(q) for q in np.argsort(perm)))
        assert view.shape == shape
        return view
    if layout == "broadcast":
        small_shape = tuple(1 if (n > 1 and i % 2 == 0) else n for i, n in enumerate(shape))
        return np.broadcast_to(random_values(rng, small_shape, dtype), shape)
    raise ValueError(layout)


def _real_eps(dtype: np.dtype) -> float:
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return float(np.finfo(np.empty((), dtype).real.dtype).eps)
    return float(np.finfo(dtype).eps)


def einsum_tolerance(subscripts, operands, result_dtype) -> np.ndarray | float:
    """Elementwise error bound for an einsum result: eps(dtype) * (terms summed + operands) *
    einsum of the absolute values, all computed by NumPy in float64.

    einsum over all-ones operands counts, per output element, how many products are summed,
    which covers diagonals, ellipses and broadcasting without parsing the subscripts here.
    """
    dtype = np.dtype(result_dtype)
    if dtype.kind not in "fc":
        return 0.0
    ones = [np.ones(np.shape(op)) for op in operands]
    count = np.einsum(subscripts, *ones) if ones else 1.0
    absolute = [np.abs(np.asarray(op)).astype(np.float64) for op in operands]
    magnitude = np.einsum(subscripts, *absolute)
    return 4 * _real_eps(dtype) * (np.asarray(count) + len(operands)) * magnitude + 1e-300


def assert_matches(got, expected, tolerance=0.0, context=""):
    """Same kind of object (NumPy scalar vs array), dtype, shape and values within tolerance."""
    where = f"\n{context}" if context else ""
    assert isinstance(got, np.ndarray) == isinstance(expected, np.ndarray), (
        f"got {type(got).__name__}, NumPy gives {type(expected).__name__}{where}"
    )
    got_a, exp_a = np.asarray(got), np.asarray(expected)
    assert got_a.dtype == exp_a.dtype, f"dtype {got_a.dtype}, NumPy gives {exp_a.dtype}{where}"
    assert got_a.shape == exp_a.shape, f"shape {got_a.shape}, NumPy gives {exp_a.shape}{where}"
    if exp_a.dtype.kind in "fc":
        error = np.abs(got_a.astype(np.complex128) - exp_a.astype(np.complex128))
        bad = ~(error <= tolerance)
        if np.any(bad):
            idx = tuple(int(i[0]) for i in np.nonzero(bad)) if exp_a.ndim else ()
            raise AssertionError(
                f"{int(np.count_nonzero(bad))} elements differ beyond tolerance; first at "
                f"{idx}: got {got_a[idx]!r}, NumPy {exp_a[idx]!r}, tolerance "
                f"{np.broadcast_to(tolerance, exp_a.shape)[idx]!r}{where}"
            )
    else:
        assert np.array_equal(got_a, exp_a), f"values differ:\n{got_a}\nNumPy:\n{exp_a}{where}"


def builtin_bases(exc_type: type) -> tuple[type, ...]:
    """The builtin exception classes an exception type derives from (AxisError: ValueError and
    IndexError; NumPy's private UFuncTypeError: TypeError)."""
    import builtins

    return tuple(
        t
        for t in exc_type.__mro__
        if getattr(builtins, t.__name__, None) is t and t not in (Exception, BaseException, object)
    )


def assert_same_error(numpy_call, ein_call):
    """ein raises an exception of every builtin type NumPy's exception has."""
    with pytest.raises(Exception) as np_info:
        numpy_call()
    bases = builtin_bases(np_info.type)
    assert bases, f"NumPy raised {np_info.type!r}"
    with pytest.raises(Exception) as ein_info:
        ein_call()
    for base in bases:
        assert isinstance(ein_info.value, base), (
            f"NumPy raises {np_info.type.__name__}({np_info.value}); ein raised "
            f"{ein_info.type.__name__}({ein_info.value}), not a {base.__name__}"
        )
    return ein_info.value


def timing_is_meaningful() -> bool:
    """Timing assertions only hold for an optimized, unsanitized module (and can be switched off
    on a loaded machine with EIN_SKIP_TIMING=1)."""
    info = ein._ein.BUILD_INFO
    return info["optimized"] and not info["sanitized"] and not os.environ.get("EIN_SKIP_TIMING")


@pytest.fixture(autouse=True)
def _fresh_plan_cache():
    """Each test starts without cached plans, so a test cannot pass on a plan another made."""
    ein.clear_plan_cache()
    yield
