"""memory_limit=: sliced contractions give NumPy's answer within the budget (issue 8)."""

import numpy as np
import pytest

import ein

RNG_SEED = 20261122


def _rng():
    return np.random.default_rng(RNG_SEED)


CASES = [
    ("ijk,jil->kl", [(24, 20, 32), (20, 24, 28)]),
    ("ij,jk,kl->il", [(64, 2), (2, 64), (64, 3)]),
    ("bij,bjk->bik", [(6, 20, 30), (6, 30, 10)]),
    ("ab,bc,cd,de->ae", [(10, 30), (30, 40), (40, 30), (30, 10)]),
    ("ii,ij->j", [(30, 30), (30, 40)]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.complex128, np.bool_])
@pytest.mark.parametrize("eq,shapes", CASES)
@pytest.mark.parametrize("limit", [2048, 4096, "max_input"])
def test_sliced_results_match_numpy(eq, shapes, dtype, limit):
    rng = _rng()
    ops = [(rng.standard_normal(s) * 3).astype(dtype) for s in shapes]
    expected = np.einsum(eq, *ops)
    got = ein.einsum(eq, *ops, memory_limit=limit)
    assert got.dtype == expected.dtype
    if np.issubdtype(dtype, np.inexact):
        # Chunked sums add in another order: errors scale with the largest magnitude.
        tol = 1e-4 if dtype in (np.float32,) else 1e-10
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * np.abs(expected).max())
    else:
        np.testing.assert_array_equal(got, expected)


def test_report_shows_slicing():
    a = np.ones((24, 20, 32))
    b = np.ones((20, 24, 28))
    _, report = ein.einsum_path("ijk,jil->kl", a, b, memory_limit=4096)
    assert "Memory limit:  4096 bytes" in report
    assert "Sliced label" in report
    _, whole = ein.einsum_path("ijk,jil->kl", a, b)
    assert "Sliced label" not in whole


def test_numpy_tuple_form_is_the_same_budget_in_elements():
    a = np.arange(64 * 2.0).reshape(64, 2)
    b = np.arange(2 * 64.0).reshape(2, 64)
    c = np.arange(64 * 3.0).reshape(64, 3)
    expected = np.einsum("ij,jk,kl->il", a, b, c)
    got = ein.einsum("ij,jk,kl->il", a, b, c, optimize=("greedy", 200))
    np.testing.assert_allclose(got, expected)


def test_out_and_memory_limit():
    rng = _rng()
    a = rng.standard_normal((30, 40))
    b = rng.standard_normal((40, 30))
    out = np.zeros((30, 30)).T  # a strided out
    ein.einsum("ij,jk->ik", a, b, out=out, memory_limit=1024)
    np.testing.assert_allclose(out, a @ b)


def test_impossible_budget_is_a_value_error_and_out_untouched():
    a = np.ones((24, 20, 32))
    b = np.ones((20, 24, 28))
    out = np.full((32, 28), 7.0)
    with pytest.raises(ValueError, match="cannot be met"):
        ein.einsum("ijk,jil->kl", a, b, out=out, memory_limit=1)
    assert (out == 7.0).all()


@pytest.mark.parametrize("bad", [-1, "lots", 1.5, True])
def test_bad_memory_limit_values(bad):
    a = np.ones((3, 3))
    with pytest.raises((ValueError, TypeError)):
        ein.einsum("ij,jk->ik", a, a, memory_limit=bad)
