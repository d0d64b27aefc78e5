"""Storage dtypes (int8, uint8, int16, float16) and acc_dtype=, with NumPy as the oracle.

Integers: ein computes in int32 and casts back, which is NumPy's wrap-around exactly. float16:
ein accumulates in float32 and rounds once, which is np.einsum(..., dtype=float32) cast to
float16 (NumPy's own unoptimized float16 einsum rounds partial sums more often; see
docs/decisions/0003-storage-dtypes.md).
"""

import numpy as np
import pytest

import ein

SEED = 4242
EQUATIONS = [
    ("ij,jk->ik", [(4, 5), (5, 3)]),
    ("ijk,ikl->ijl", [(2, 3, 4), (2, 4, 5)]),
    ("ii->i", [(4, 4)]),
    ("ij->", [(6, 7)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ab,bc,cd->ad", [(3, 4), (4, 5), (5, 2)]),
    ("ij,ij->i", [(5, 6), (5, 6)]),
    ("bij,bjk", [(2, 3, 4), (2, 4, 3)]),
]
INTS = [np.int8, np.uint8, np.int16]


def rand(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def operands_for(shapes, dtypes, rng):
    return [rand(rng, s, d) for s, d in zip(shapes, dtypes)]


@pytest.mark.parametrize("eq,shapes", EQUATIONS)
@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("optimize", [False, "greedy"])
def test_narrow_integers_wrap_exactly_like_numpy(eq, shapes, dtype, optimize):
    rng = np.random.default_rng(SEED)
    ops = operands_for(shapes, [dtype] * len(shapes), rng)
    got = ein.einsum(eq, *ops, optimize=optimize)
    want = np.einsum(eq, *ops, optimize=optimize)
    assert np.asarray(got).dtype == want.dtype
    np.testing.assert_array_equal(got, want, err_msg=f"{eq} {dtype} seed {SEED}")


@pytest.mark.parametrize(
    "a,b",
    [
        (np.int8, np.uint8),
        (np.int8, np.int32),
        (np.uint8, np.int16),
        (np.int16, np.int64),
        (np.int8, np.float16),
        (np.int16, np.float16),
        (np.uint8, np.float32),
        (np.float16, np.float64),
        (np.int16, np.complex64),
        (np.bool_, np.int8),
    ],
)
def test_mixed_dtypes_promote_like_numpy(a, b):
    rng = np.random.default_rng(SEED)
    x, y = rand(rng, (4, 5), a), rand(rng, (5, 3), b)
    got = np.asarray(ein.einsum("ij,jk->ik", x, y))
    want = np.einsum("ij,jk->ik", x, y)
    assert got.dtype == want.dtype
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
    elif want.dtype == np.float16:
        ref = np.einsum("ij,jk->ik", x, y, dtype=np.float32).astype(np.float16)
        np.testing.assert_allclose(got.astype(np.float32), ref, rtol=2e-3, atol=1e-4)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("eq,shapes", EQUATIONS)
def test_float16_rounds_a_float32_accumulation_once(eq, shapes):
    rng = np.random.default_rng(SEED)
    ops = operands_for(shapes, [np.float16] * len(shapes), rng)
    got = np.asarray(ein.einsum(eq, *ops))
    assert got.dtype == np.float16
    ref32 = np.einsum(eq, *ops, dtype=np.float32)
    # One float16 rounding of a float32 sum (whose own order may differ from NumPy's).
    np.testing.assert_allclose(
        got.astype(np.float32), ref32, rtol=2 ** -10, atol=1e-5 * max(1, np.abs(ref32).max())
    )
    # And NumPy's own float16 einsum agrees within float16 rounding of partial sums.
    numpy16 = np.einsum(eq, *ops).astype(np.float32)
    np.testing.assert_allclose(got.astype(np.float32), numpy16, rtol=2 ** -7, atol=2e-2)


def test_float16_counts_past_2048():
    ones = np.ones(4096, np.float16)
    assert ein.einsum("i->", ones) == np.float16(4096)
    assert ein.einsum("i,i->", ones, ones) == np.float16(4096)
    big = np.full(2, 60000, np.float16)
    assert np.isinf(ein.einsum("i->", big))  # overflow of the float16 range, as NumPy


def test_acc_dtype_int8_sums_that_overflow_int8():
    x = np.full(100, 100, np.int8)
    assert repr(ein.einsum("i,i", x, x)) == repr(np.einsum("i,i", x, x)) == "np.int8(64)"
    assert repr(ein.einsum("i,i", x, x, acc_dtype="int32")) == "np.int8(64)"
    got = ein.einsum("i,i", x, x, acc_dtype="int32", dtype="int32")
    assert repr(got) == repr(np.einsum("i,i", x, x, dtype=np.int32)) == "np.int32(1000000)"
    # Accumulate wide, store narrow: 10**6 modulo 2**16.
    assert ein.einsum("i,i", x, x, acc_dtype=np.int64, dtype=np.int16) == np.int16(16960)


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("acc", [np.int32, np.int64])
def test_acc_dtype_integers_equal_numpy_computing_in_it(dtype, acc):
    rng = np.random.default_rng(SEED)
    for eq, shapes in EQUATIONS:
        ops = operands_for(shapes, [dtype] * len(shapes), rng)
        got = ein.einsum(eq, *ops, acc_dtype=acc, dtype=acc)
        want = np.einsum(eq, *ops, dtype=acc)
        np.testing.assert_array_equal(got, want, err_msg=f"{eq} seed {SEED}")
        assert np.asarray(got).dtype == np.dtype(acc)
        narrow = np.asarray(ein.einsum(eq, *ops, acc_dtype=acc))
        assert narrow.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(narrow, want.astype(dtype))


def test_acc_dtype_float():
    rng = np.random.default_rng(SEED)
    a, b = rand(rng, (30, 40), np.float16), rand(rng, (40, 20), np.float16)
    got = ein.einsum("ij,jk->ik", a, b, acc_dtype="float64", dtype="float32")
    assert got.dtype == np.float32
    want = np.einsum("ij,jk->ik", a, b, dtype=np.float64).astype(np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    # float32 operands, float64 accumulator, float16 result.
    x, y = rand(rng, (8, 9), np.float32), rand(rng, (9, 7), np.float32)
    got16 = ein.einsum("ij,jk->ik", x, y, acc_dtype=np.float64, dtype=np.float16)
    assert got16.dtype == np.float16
    want16 = np.einsum("ij,jk->ik", x, y, dtype=np.float64).astype(np.float16)
    np.testing.assert_allclose(got16.astype(np.float64), want16, rtol=2 ** -10, atol=1e-4)
    # Without dtype: the operands' dtype.
    assert ein.einsum("ij,jk->ik", a, b, acc_dtype=np.float32).dtype == np.float16


def test_out_with_storage_dtypes():
    rng = np.random.default_rng(SEED)
    a, b = rand(rng, (4, 5), np.int8), rand(rng, (5, 3), np.int8)
    out = np.zeros((4, 3), np.int8)
    assert ein.einsum("ij,jk->ik", a, b, out=out) is out
    np.testing.assert_array_equal(out, np.einsum("ij,jk->ik", a, b))
    # NumPy computes in the common dtype of the operands and out.
    wide = np.zeros((4, 3), np.int32)
    ein.einsum("ij,jk->ik", a, b, out=wide)
    np.testing.assert_array_equal(wide, np.einsum("ij,jk->ik", a, b, out=np.zeros_like(wide)))
    strided = np.zeros((3, 4), np.int16).T
    ein.einsum("ij,jk->ik", a, b, out=strided, acc_dtype=np.int32)
    np.testing.assert_array_equal(strided, np.einsum("ij,jk->ik", a, b).astype(np.int16))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.float16])
def test_operands_are_viewed_not_copied(dtype):
    a = np.arange(12).reshape(3, 4).astype(dtype)
    view = ein.einsum("ij->ji", a)
    assert view.dtype == np.dtype(dtype)
    assert np.shares_memory(view, a)
    strided = a[::2, ::-1]
    np.testing.assert_array_equal(ein.einsum("ij->i", strided), np.einsum("ij->i", strided))
    # A scalar result is a NumPy scalar of the dtype.
    s = ein.einsum("ij->", a)
    assert isinstance(s, np.generic) and s.dtype == np.dtype(dtype)


def test_compiled_expressions_and_paths():
    rng = np.random.default_rng(SEED)
    a, b = rand(rng, (4, 5), np.int8), rand(rng, (5, 3), np.int8)
    expr = ein.contract_expression("ij,jk->ik", a.shape, b.shape)
    np.testing.assert_array_equal(expr(a, b), np.einsum("ij,jk->ik", a, b))
    path, report = ein.einsum_path("ij,jk->ik", a, b)
    assert path == ["einsum_path", (0, 1)] and "ij,jk->ik" in report
    h = rand(rng, (6, 7), np.float16)
    got = ein.einsum("ij,kj->ik", h, h, memory_limit=64)
    want = np.einsum("ij,kj->ik", h, h, dtype=np.float32).astype(np.float16)
    np.testing.assert_allclose(got.astype(np.float32), want, rtol=2 ** -10, atol=1e-4)


@pytest.mark.parametrize(
    "operands,acc,match",
    [
        ([np.ones(3, np.int16)], "int8", "int8"),  # too narrow
        ([np.ones(3, np.float16)], "int32", "float16"),  # float into an integer
        ([np.ones(3, np.int64)], "float32", "int64"),  # int64 does not fit float32 safely
        ([np.ones(3, np.float16)], "float16", "storage"),  # storage dtypes do not accumulate
        ([np.ones(3, np.int8)], "int16", "storage"),
        ([np.ones(3, np.int8)], "uint16", "uint16"),  # not an ein dtype at all
        ([np.ones(3, np.complex64)], "float64", "complex64"),
    ],
)
def test_bad_acc_dtype_is_a_type_error(operands, acc, match):
    with pytest.raises(TypeError, match=match):
        ein.einsum("i->", *operands, acc_dtype=acc)


def test_dtype_without_acc_keeps_numpys_safe_rule():
    x = np.ones(3, np.int16)
    with pytest.raises(TypeError):
        ein.einsum("i->", x, dtype=np.int8)
    with pytest.raises(TypeError):
        np.einsum("i->", x, dtype=np.int8)
    assert ein.einsum("i->", x, dtype=np.int8, casting="unsafe") == np.int8(3)


def test_bfloat16_needs_ml_dtypes():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = np.arange(6, dtype=np.float32).reshape(2, 3).astype(ml_dtypes.bfloat16)
    got = ein.einsum("ij->i", x)
    assert got.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(got.astype(np.float32), [3.0, 12.0])
