"""ein.einsum(..., out=out): the direct route (out of exactly the result's dtype and shape) and
the general one (promotion to out's dtype, casts, errors) must both give NumPy's results."""

import numpy as np
import pytest

import ein

RNG = np.random.default_rng(1234)


def _operands(dtype):
    a = (RNG.standard_normal((4, 5)) * 3).astype(dtype)
    b = (RNG.standard_normal((5, 6)) * 3).astype(dtype)
    return a, b


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "complex64", "int8"])
def test_exact_dtype_out_is_filled_and_returned(dtype):
    a, b = _operands(dtype)
    out = np.full((4, 6), 7, dtype)
    got = ein.einsum("ij,jk->ik", a, b, out=out)
    assert got is out
    want = np.einsum("ij,jk->ik", a, b)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_strided_and_fortran_outs():
    a, b = _operands("float64")
    big = np.zeros((8, 12))
    view = big[::2, ::2]
    assert ein.einsum("ij,jk->ik", a, b, out=view) is view
    np.testing.assert_allclose(view, a @ b)
    assert np.all(big[1::2] == 0) and np.all(big[:, 1::2] == 0)  # gaps untouched
    f = np.asfortranarray(np.zeros((4, 6)))
    ein.einsum("ij,jk->ik", a, b, out=f)
    np.testing.assert_allclose(f, a @ b)


def test_out_overlapping_an_operand_gives_numpys_result():
    x = RNG.standard_normal((5, 5))
    want = np.einsum("ij,jk->ik", x, x)
    ein.einsum("ij,jk->ik", x, x, out=x)
    np.testing.assert_allclose(x, want)


def test_wider_out_computes_in_outs_dtype_as_numpy_does():
    a = np.full(1000, 0.1, np.float32)
    out64 = np.zeros((), np.float64)
    ein.einsum("i,i->", a, a, out=out64)
    want = np.zeros((), np.float64)
    np.einsum("i,i->", a, a, out=want)
    # Summed in float64, like NumPy (a float32 sum of 1000 products of 0.1f is off by ~1e-6).
    assert abs(float(out64) - float(want)) < 1e-12


def test_zero_dimensional_out():
    a = RNG.standard_normal(7)
    out = np.zeros(())
    assert ein.einsum("i,i->", a, a, out=out) is out
    np.testing.assert_allclose(out, a @ a)


def test_errors_match_numpys_types():
    a, b = _operands("float64")
    with pytest.raises(TypeError):
        ein.einsum("ij,jk->ik", a, b, out=np.zeros((4, 6), np.float32))  # unsafe cast
    with pytest.raises(ValueError):
        ein.einsum("ij,jk->ik", a, b, out=np.zeros((6, 4)))  # wrong shape
    ro = np.zeros((4, 6))
    ro.flags.writeable = False
    with pytest.raises(ValueError):
        ein.einsum("ij,jk->ik", a, b, out=ro)


def test_out_in_a_loop_reuses_the_plan():
    a, b = _operands("float64")
    out = np.empty((4, 6))
    for _ in range(3):
        ein.einsum("ij,jk->ik", a, b, out=out)
        np.testing.assert_allclose(out, a @ b)
