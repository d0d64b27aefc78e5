"""conj= per operand (issue 9): NumPy's answer on explicitly conjugated operands."""

import numpy as np
import pytest

import ein

SEED = 9


def _c(rng, shape, dtype=np.complex128):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


CASES = [
    ("i,i->", [(7,), (7,)]),
    ("ij,jk->ik", [(20, 30), (30, 10)]),
    ("ij,jk->ki", [(20, 30), (30, 10)]),
    ("ij,j->i", [(40, 50), (50,)]),
    ("i,ij->j", [(40,), (40, 50)]),
    ("bij,bjk->bik", [(3, 4, 5), (3, 5, 6)]),
    ("ij,ij->ij", [(8, 9), (8, 9)]),
    ("ijk,jil->kl", [(5, 6, 7), (6, 5, 4)]),
    ("ii,ij->j", [(6, 6), (6, 3)]),
    ("i,j->ij", [(4,), (5,)]),
]


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("flags", [(True, False), (False, True), (True, True), (False, False)])
@pytest.mark.parametrize("eq,shapes", CASES)
def test_matches_numpy_on_conjugated_copies(eq, shapes, flags, dtype):
    rng = np.random.default_rng(SEED)
    ops = [_c(rng, s, dtype) for s in shapes]
    ref_ops = [np.conj(o) if f else o for o, f in zip(ops, flags)]
    expected = np.einsum(eq, *ref_ops)
    got = ein.einsum(eq, *ops, conj=flags)
    tol = 1e-4 if dtype == np.complex64 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * 10)


def test_strided_views_and_single_operand():
    rng = np.random.default_rng(SEED)
    z = _c(rng, (6, 8))[::2, ::-1]
    np.testing.assert_allclose(ein.einsum("ij->ji", z, conj=[True]), np.conj(z).T)
    np.testing.assert_allclose(ein.einsum("ij->", z, conj=[True]), np.conj(z).sum())
    # A conjugated single-operand einsum is computed, not a view of the operand.
    r = ein.einsum("ij->ji", z, conj=[True])
    assert not np.shares_memory(r, z)


def test_vdot_and_real_operands():
    z = np.array([1 + 2j, 3 - 1j])
    assert ein.einsum("i,i->", z, z, conj=(True, False)) == np.vdot(z, z)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(ein.einsum("ij,jk->ik", x, x.T, conj=(True, True)), x @ x.T)


def test_plan_cache_keys_on_conj():
    a = np.array([[1 + 1j]])
    plain = ein.einsum("ij,jk->ik", a, a)
    conj = ein.einsum("ij,jk->ik", a, a, conj=(True, False))
    assert plain[0, 0] == 2j and conj[0, 0] == 2


def test_bad_conj_values():
    a = np.ones((2, 2), complex)
    with pytest.raises(ValueError, match="2 operands"):
        ein.einsum("ij,jk->ik", a, a, conj=(True,))
    with pytest.raises(TypeError):
        ein.einsum("ij,jk->ik", a, a, conj="yes")
    with pytest.raises(TypeError):
        ein.einsum("ij,jk->ik", a, a, conj=True)
