"""Inputs are read in place: no copies of NumPy arrays in any layout, nor of DLPack producers."""

import tracemalloc

import numpy as np
import pytest

import ein
from conftest import assert_matches, einsum_tolerance, make_operand, rng_for

BIG = (1500, 1000)  # 12 MB of float64: a copy would be obvious to tracemalloc


def _peak_traced_bytes(fn):
    """Peak bytes NumPy (and Python) allocated while fn ran; NumPy reports its data buffers to
    tracemalloc, so a copy of an input would show up here."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_pure_permutation_is_a_view_of_the_input():
    a = np.random.default_rng(0).random(BIG)
    t, peak = _peak_traced_bytes(lambda: ein.einsum("ij->ji", a))
    assert np.shares_memory(t, a)
    assert peak < a.nbytes / 10, f"{peak} bytes allocated for a view of {a.nbytes}"
    np.testing.assert_array_equal(t, a.T)
    a[0, 1] = -1.0  # a view, as NumPy's: writes show through
    assert t[1, 0] == -1.0
    assert t.flags.writeable


def test_diagonal_einsum_is_a_view_and_read_only_inputs_stay_read_only():
    a = np.arange(16.0).reshape(4, 4)
    d = ein.einsum("ii->i", a)
    assert np.shares_memory(d, a)
    np.testing.assert_array_equal(d, np.diagonal(a))
    ro = np.broadcast_to(np.arange(4.0), (4, 4))
    v = ein.einsum("ij->ji", ro)
    assert np.shares_memory(v, ro) and not v.flags.writeable


@pytest.mark.parametrize("layout", ["strided", "negative", "transposed", "fortran", "broadcast"])
def test_contractions_do_not_copy_inputs(layout):
    rng = rng_for("nocopy", layout)
    a = make_operand(rng, BIG, np.float64, layout)
    v = np.ones(BIG[1])
    expected = np.einsum("ij,j->i", a, v)
    tolerance = einsum_tolerance("ij,j->i", [a, v], np.float64)
    got, peak = _peak_traced_bytes(lambda: ein.einsum("ij,j->i", a, v))
    assert_matches(got, expected, tolerance)
    assert peak < a.nbytes / 4, f"{layout}: {peak} bytes traced while reading {a.nbytes}"
    got, peak = _peak_traced_bytes(lambda: ein.dot(a, v))
    assert_matches(got, expected, tolerance)
    assert peak < a.nbytes / 4, f"dot {layout}: {peak} bytes traced"


def test_input_buffers_are_unchanged():
    rng = rng_for("unchanged")
    ops = [make_operand(rng, s, np.float64, lay) for s, lay in
           [((30, 40), "negative"), ((40, 50), "strided"), ((50, 30), "transposed")]]
    before = [op.copy() for op in ops]
    ein.einsum("ij,jk,ki->", *ops, optimize="optimal")
    ein.einsum("ij,jk->ik", ops[0], ops[1])
    for op, old in zip(ops, before):
        np.testing.assert_array_equal(op, old)


class DLPackOnly:
    """A producer that offers nothing but the DLPack protocol (like a framework tensor)."""

    def __init__(self, array):
        self._array = array

    def __dlpack__(self, **kwargs):
        return self._array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._array.__dlpack_device__()


def test_dlpack_producers_are_shared_not_copied():
    base = np.random.default_rng(1).random(BIG)
    producer = DLPackOnly(base)
    t = ein.einsum("ij->ji", producer)
    assert np.shares_memory(t, base)
    v = np.ones(BIG[1])
    got, peak = _peak_traced_bytes(lambda: ein.einsum("ij,j->i", producer, v))
    assert_matches(got, base @ v, einsum_tolerance("ij,j->i", [base, v], np.float64))
    assert peak < base.nbytes / 4
    np.testing.assert_allclose(ein.dot(DLPackOnly(np.eye(3)), DLPackOnly(np.arange(3.0))),
                               np.arange(3.0))
    strided = DLPackOnly(base[::-3, ::2])
    assert_matches(ein.einsum("ij->i", strided), np.einsum("ij->i", base[::-3, ::2]),
                   einsum_tolerance("ij->i", [base[::-3, ::2]], np.float64))


def test_torch_cpu_tensors():
    torch = pytest.importorskip("torch")
    t = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    u = torch.ones(4, 5, dtype=torch.float32)
    got = ein.einsum("ij,jk->ik", t, u)
    assert_matches(got, (t @ u).numpy(),
                   einsum_tolerance("ij,jk->ik", [t.numpy(), u.numpy()], np.float32))
    view = ein.einsum("ij->ji", t)
    assert np.shares_memory(view, t.numpy())
    nc = t.t()  # non-contiguous torch view
    assert_matches(ein.einsum("ij->", nc), np.einsum("ij->", nc.numpy()),
                   einsum_tolerance("ij->", [nc.numpy()], np.float32))
    for dtype in (torch.bool, torch.int32, torch.int64, torch.float64, torch.complex64):
        x = torch.ones(3, dtype=dtype)
        np.testing.assert_array_equal(ein.einsum("i,i->i", x, x), np.ones(3, dtype=np.asarray(
            x.numpy()).dtype))
