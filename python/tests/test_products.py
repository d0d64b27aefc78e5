"""dot, vdot, inner, outer, matmul, tensordot, kron, trace, diagonal, project and
cosine_similarity against NumPy: every dtype, ranks 0-6, broadcasting, zero-size axes,
non-contiguous and negative-stride inputs, out= and dtype=."""

import itertools

import numpy as np
import pytest

import ein
from conftest import (
    DTYPES,
    LAYOUTS,
    SEED,
    assert_matches,
    einsum_tolerance,
    make_operand,
    rng_for,
)

RANKS = range(7)
# Each dtype with itself, plus mixed pairs NumPy promotes.
DTYPE_PAIRS = [(d, d) for d in DTYPES] + [
    (np.dtype("int32"), np.dtype("float32")),
    (np.dtype("bool"), np.dtype("int64")),
    (np.dtype("float32"), np.dtype("complex128")),
    (np.dtype("int64"), np.dtype("float32")),
]


def _extent(rng):
    return 0 if rng.random() < 0.05 else int(rng.integers(1, 4))


def _dims(rng, n):
    return [_extent(rng) for _ in range(n)]


def _eps(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return float(np.finfo(np.empty((), dtype).real.dtype).eps)
    if dtype.kind == "f":
        return float(np.finfo(dtype).eps)
    return 0.0


def product_tolerance(np_fn, a, b, result_dtype):
    """eps(dtype) * (terms summed + 2) * |a| (.) |b|, the terms counted by running the product
    on all-ones operands."""
    eps = _eps(result_dtype)
    if eps == 0.0:
        return 0.0
    count = np.asarray(np_fn(np.ones(np.shape(a)), np.ones(np.shape(b))))
    magnitude = np.asarray(np_fn(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64)))
    return 4 * eps * (count + 2) * magnitude + 1e-300


def shapes_dot(rng, ra, rb):
    if ra == 0 or rb == 0:
        return _dims(rng, ra), _dims(rng, rb)
    k = _extent(rng)
    a = _dims(rng, ra - 1) + [k]
    b = [k] if rb == 1 else _dims(rng, rb - 2) + [k] + _dims(rng, 1)
    return a, b


def shapes_inner(rng, ra, rb):
    if ra == 0 or rb == 0:
        return _dims(rng, ra), _dims(rng, rb)
    k = _extent(rng)
    return _dims(rng, ra - 1) + [k], _dims(rng, rb - 1) + [k]


def shapes_matmul(rng, ra, rb):
    k = _extent(rng)
    a_core = [k] if ra == 1 else [_extent(rng), k]
    b_core = [k] if rb == 1 else [k, _extent(rng)]
    batch = _dims(rng, max(ra - 2, rb - 2, 0))

    def batch_of(rank):
        n = max(rank - 2, 0)
        own = batch[len(batch) - n:] if n else []
        return [d if rng.random() < 0.7 else 1 for d in own]  # extent 1 broadcasts

    return batch_of(ra) + a_core, batch_of(rb) + b_core


def shapes_any(rng, ra, rb):
    return _dims(rng, ra), _dims(rng, rb)


def shapes_vdot(rng, ra, rb):
    """Same number of elements, possibly another shape (vdot flattens both)."""
    a = _dims(rng, ra)
    if rb == ra:
        return a, [a[int(i)] for i in rng.permutation(ra)]
    return a, [int(np.prod(a, dtype=np.int64))]


def _check(name, np_fn, ein_fn, shapes_fn, ra, rb):
    for dta, dtb in DTYPE_PAIRS:
        rng = rng_for("product", name, ra, rb, dta.name, dtb.name)
        sa, sb = shapes_fn(rng, ra, rb)
        la = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
        lb = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
        a = make_operand(rng, sa, dta, la)
        b = make_operand(rng, sb, dtb, lb)
        context = (f"{name}: a {dta} {tuple(sa)} {la}, b {dtb} {tuple(sb)} {lb} "
                   f"(EIN_SEED={SEED})")
        expected = np_fn(a, b)
        got = ein_fn(a, b)
        tol = product_tolerance(np_fn, a, b, np.asarray(expected).dtype)
        assert_matches(got, expected, tol, context)


@pytest.mark.parametrize("ra,rb", list(itertools.product(RANKS, RANKS)))
def test_dot(ra, rb):
    if ra + rb > 9:
        pytest.skip("result rank above the 6 this suite covers")
    _check("dot", np.dot, ein.dot, shapes_dot, ra, rb)


@pytest.mark.parametrize("ra,rb", list(itertools.product(RANKS, RANKS)))
def test_inner(ra, rb):
    if ra + rb > 8:
        pytest.skip("result rank above the 6 this suite covers")
    _check("inner", np.inner, ein.inner, shapes_inner, ra, rb)


@pytest.mark.parametrize("ra,rb", list(itertools.product(range(1, 7), range(1, 7))))
def test_matmul(ra, rb):
    _check("matmul", np.matmul, ein.matmul, shapes_matmul, ra, rb)


@pytest.mark.parametrize("ra,rb", list(itertools.product(RANKS, RANKS)))
def test_outer(ra, rb):
    _check("outer", np.outer, ein.outer, shapes_any, ra, rb)


@pytest.mark.parametrize("ra,rb", list(itertools.product(RANKS, RANKS)))
def test_kron(ra, rb):
    if ra + rb > 8:
        pytest.skip("result size")
    _check("kron", np.kron, ein.kron, shapes_any, ra, rb)


@pytest.mark.parametrize("ra,rb", [(r, r) for r in RANKS] + [(r, 1) for r in range(2, 7)])
def test_vdot(ra, rb):
    _check("vdot", np.vdot, ein.vdot, shapes_vdot, ra, rb)


@pytest.mark.parametrize("axes", [0, 1, 2, 3])
@pytest.mark.parametrize("ra,rb", list(itertools.product(RANKS, RANKS)))
def test_tensordot_int_axes(ra, rb, axes):
    if axes > min(ra, rb) or ra + rb - 2 * axes > 6:
        pytest.skip("not a valid or not a small combination")

    def shapes(rng, ra_, rb_):
        k = _dims(rng, axes)
        return _dims(rng, ra_ - axes) + k, k + _dims(rng, rb_ - axes)

    _check(f"tensordot{axes}", lambda a, b: np.tensordot(a, b, axes),
           lambda a, b: ein.tensordot(a, b, axes), shapes, ra, rb)


@pytest.mark.parametrize("ra,rb", list(itertools.product(range(1, 5), range(1, 5))))
def test_tensordot_axis_lists(ra, rb):
    rng = rng_for("tensordot-axes", ra, rb)
    n = int(rng.integers(1, min(ra, rb) + 1))
    a_axes = [int(x) for x in rng.permutation(ra)[:n]]
    b_axes = [int(x) for x in rng.permutation(rb)[:n]]
    if rng.random() < 0.5:
        a_axes = [x - ra for x in a_axes]  # negative axes

    def shapes(rng_, ra_, rb_):
        sa, sb = _dims(rng_, ra_), _dims(rng_, rb_)
        for i, j in zip(a_axes, b_axes):
            sb[j] = sa[i]
        return sa, sb

    _check("tensordot-lists", lambda a, b: np.tensordot(a, b, (a_axes, b_axes)),
           lambda a, b: ein.tensordot(a, b, (a_axes, b_axes)), shapes, ra, rb)


def test_tensordot_returns_a_0d_array_like_numpy():
    got = ein.tensordot(np.ones(3), np.ones(3), 1)
    assert isinstance(got, np.ndarray) and got.shape == () and got == 3.0


@pytest.mark.parametrize("rank", range(2, 7))
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_trace_and_diagonal(rank, dtype):
    rng = rng_for("trace", rank, dtype.name)
    for trial in range(4):
        shape = _dims(rng, rank)
        axis1, axis2 = (int(x) for x in rng.permutation(rank)[:2])
        if rng.random() < 0.5:
            axis1 -= rank
        offset = int(rng.integers(-2, 3))
        layout = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
        a = make_operand(rng, shape, dtype, layout)
        context = f"{dtype} {shape} {layout} offset={offset} axes=({axis1},{axis2})"
        expected = np.trace(a, offset, axis1, axis2)
        got = ein.trace(a, offset, axis1, axis2)
        length = min(shape[axis1], shape[axis2]) + 2
        tol = 4 * _eps(np.asarray(expected).dtype) * length * np.abs(
            np.trace(np.abs(a).astype(np.float64), offset, axis1, axis2)) + 1e-300
        assert_matches(got, expected, tol, context)
        d_expected = np.diagonal(a, offset, axis1, axis2)
        d_got = ein.diagonal(a, offset, axis1, axis2)
        assert_matches(d_got, d_expected, 0.0, context)
        assert not d_got.flags.writeable
        if d_got.size:
            assert np.shares_memory(d_got, a), "diagonal must be a view"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.int32])
def test_trace_dtype_and_out(dtype):
    a = make_operand(rng_for("trace-dtype"), (4, 4), np.float64, "strided")
    assert_matches(ein.trace(a, dtype=dtype), np.trace(a, dtype=dtype),
                   4 * _eps(dtype) * 6 * np.trace(np.abs(a)))
    out = np.empty((), dtype)
    assert ein.trace(a, out=out) is out
    expected = np.empty((), dtype)
    np.trace(a, out=expected)
    bound = 4 * _eps(np.float64) * 6 * np.trace(np.abs(a)) + 2 * _eps(dtype) * np.abs(expected)
    if np.dtype(dtype).kind in "fc":
        assert_matches(out, expected, bound)
    else:
        assert abs(int(out) - int(expected)) <= (1 if bound > 0 else 0)


def test_dot_out():
    rng = rng_for("dot-out")
    a, b = random_pair(rng, (3, 4), (4, 5))
    out = np.empty((3, 5))
    assert ein.dot(a, b, out=out) is out
    assert_matches(out, a @ b, einsum_tolerance("ij,jk->ik", [a, b], np.float64))


def random_pair(rng, sa, sb, dtype=np.float64):
    return make_operand(rng, sa, dtype, "contiguous"), make_operand(rng, sb, dtype, "negative")


@pytest.mark.parametrize("out_dtype", [np.float64, np.float32, np.complex128])
def test_matmul_and_outer_out(out_dtype):
    rng = rng_for("mm-out", np.dtype(out_dtype).name)
    a, b = random_pair(rng, (2, 3, 4), (4, 5))
    out = np.zeros((2, 3, 5), out_dtype)
    assert ein.matmul(a, b, out=out) is out
    # Computed in float64, rounded once into out: float64's bound plus one rounding of out.
    tol = einsum_tolerance("bij,jk->bik", [a, b], np.float64)
    expected = np.matmul(a, b).astype(out_dtype)
    assert_matches(out, expected, tol + 2 * _eps(out_dtype) * np.abs(expected))
    out2 = np.zeros((24, 20), out_dtype)
    assert ein.outer(a, b, out=out2) is out2
    expected2 = np.outer(a, b).astype(out_dtype)
    assert_matches(out2, expected2, 2 * _eps(out_dtype) * np.abs(expected2))


@pytest.mark.parametrize("dtype", [np.float32, np.complex64, np.complex128])
def test_matmul_dtype(dtype):
    rng = rng_for("mm-dtype", np.dtype(dtype).name)
    a, b = random_pair(rng, (3, 4), (4, 2))
    expected = np.matmul(a, b, dtype=dtype, casting="unsafe" if dtype == np.float32 else "same_kind")
    got = ein.matmul(a, b, dtype=dtype, casting="unsafe" if dtype == np.float32 else "same_kind")
    assert_matches(got, expected, 1e-5)


def test_matmul_order_f():
    a, b = np.ones((3, 4)), np.ones((4, 5))
    got = ein.matmul(a, b, order="F")
    assert got.flags.f_contiguous
    np.testing.assert_array_equal(got, a @ b)


def test_scalar_returns_match_numpy():
    v = np.arange(3.0)
    m = np.arange(9.0).reshape(3, 3)
    for fn_np, fn_ein, args in [
        (np.dot, ein.dot, (v, v)),
        (np.vdot, ein.vdot, (m, m)),
        (np.inner, ein.inner, (v, v)),
        (np.matmul, ein.matmul, (v, v)),
        (np.trace, ein.trace, (m,)),
        (np.kron, ein.kron, (np.float64(2), np.float64(3))),
        (np.dot, ein.dot, (2.0, 3.0)),
    ]:
        expected = fn_np(*args)
        got = fn_ein(*args)
        assert type(got) is type(expected), (fn_np.__name__, type(got), type(expected))
        assert got == expected


def test_python_scalars_and_lists():
    assert_matches(ein.dot([[1, 2], [3, 4]], [5, 6]), np.dot([[1, 2], [3, 4]], [5, 6]))
    assert_matches(ein.inner(2, [1.5, 2.5]), np.inner(2, [1.5, 2.5]))
    assert_matches(ein.outer([True, False], [1j, 2]), np.outer([True, False], [1j, 2]))
    assert_matches(ein.kron([1, 2], [[1], [2]]), np.kron([1, 2], [[1], [2]]))


def _np_project(b, onto):
    b = np.asarray(b)
    onto = np.asarray(onto)
    dtype = np.result_type(b, onto)
    if dtype.kind in "biu":
        dtype = np.dtype(np.float64)
    wide = np.complex128 if dtype.kind == "c" else np.float64
    b, onto = b.astype(wide), onto.astype(wide)  # bools project as 0/1 numbers, not logic
    den = np.vdot(onto, onto)
    coef = 0 if den == 0 else np.vdot(onto, b) / den
    return (coef * onto).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_project(dtype):
    rng = rng_for("project", dtype.name)
    for shape in [(3,), (2, 3), (4, 1, 2)]:
        b = make_operand(rng, shape, dtype, "negative")
        onto = make_operand(rng, shape, dtype, "strided")
        expected = _np_project(b, onto)
        got = ein.project(b, onto)
        size = int(np.prod(shape))
        bound = 8 * (_eps(expected.dtype) or 1e-16) * (size + 2) * np.abs(
            np.vdot(np.abs(onto), np.abs(b)) / max(float(np.vdot(np.abs(onto), np.abs(onto))),
                                                   1e-300)) * np.abs(onto)
        assert_matches(got, expected, bound + 1e-6 * (expected.dtype == np.float32), str(shape))
    zero = np.zeros(3, dtype)
    np.testing.assert_array_equal(ein.project(np.ones(3, dtype), zero), 0)


def _np_cosine(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    dtype = np.result_type(a, b)
    if dtype.kind in "biu":
        dtype = np.dtype(np.float64)
    wide = np.complex128 if dtype.kind == "c" else np.float64
    a64, b64 = np.broadcast_arrays(a.astype(wide), b.astype(wide))  # the vector axis too
    num = np.sum(np.conj(a64) * b64, axis=-1)
    den = np.sqrt(np.sum(np.abs(a64) ** 2, axis=-1)) * np.sqrt(np.sum(np.abs(b64) ** 2, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(den == 0, 0, num / np.where(den == 0, 1, den))
    return r.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_cosine_similarity(dtype):
    rng = rng_for("cosine", dtype.name)
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((4, 1, 5), (2, 5)), ((2, 3), (2, 1)),
                   ((0, 3), (3,))]:
        a = make_operand(rng, sa, dtype, "transposed")
        b = make_operand(rng, sb, dtype, "negative")
        expected = _np_cosine(a, b)
        got = ein.cosine_similarity(a, b)
        tol = 8 * (_eps(expected.dtype) or 1e-16) * (sa[-1] + 2) + 1e-300
        if expected.ndim == 0:
            expected = expected[()]
        assert_matches(got, expected, tol, f"{sa} {sb}")
    np.testing.assert_array_equal(ein.cosine_similarity(np.zeros(3, dtype), np.ones(3, dtype)), 0)
