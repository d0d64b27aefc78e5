"""Every mistake NumPy rejects, ein rejects with the same exception type (and its own, precise
message)."""

import numpy as np
import pytest

import ein
from conftest import assert_same_error

A = np.ones((3, 3))
B43 = np.ones((4, 3))
V3 = np.ones(3)
V4 = np.ones(4)
A3 = np.ones((2, 3, 4))

# (id, call) pairs, each called with numpy and with ein as `mod`.
EINSUM_ERRORS = [
    ("no operands", lambda mod: mod.einsum()),
    ("subscripts without operand", lambda mod: mod.einsum("i")),
    ("invalid character", lambda mod: mod.einsum("i1", A)),
    ("two arrows", lambda mod: mod.einsum("i->i->i", V3)),
    ("dangling arrow", lambda mod: mod.einsum("i-", V3)),
    ("too many subscripts", lambda mod: mod.einsum("ijk", A)),
    ("too few subscripts", lambda mod: mod.einsum("i", A)),
    ("extent mismatch", lambda mod: mod.einsum("ij,jk", A, B43)),
    ("extent mismatch optimized", lambda mod: mod.einsum("ij,jk", A, B43, optimize=True)),
    ("extent mismatch three", lambda mod: mod.einsum("ij,jk,kl", A, A, B43, optimize=True)),
    ("repeated output label", lambda mod: mod.einsum("ij->ii", A)),
    ("output label not in input", lambda mod: mod.einsum("ij->k", A)),
    ("more operands than terms", lambda mod: mod.einsum("ij", A, A)),
    ("fewer operands than terms", lambda mod: mod.einsum("ij,jk", A)),
    ("broken ellipsis", lambda mod: mod.einsum("..i", V3)),
    ("two ellipses in a term", lambda mod: mod.einsum("...i...", A)),
    ("ellipsis dims missing from output", lambda mod: mod.einsum("...i->i", A3)),
    ("diagonal of unequal extents", lambda mod: mod.einsum("ii", np.ones((2, 3)))),
    ("ellipsis broadcast mismatch", lambda mod: mod.einsum("...,...", np.ones(2), np.ones(3))),
    ("sublist with a string label", lambda mod: mod.einsum(A, [0, "a"])),
    ("sublist label out of range", lambda mod: mod.einsum(A, [0, 60])),
    ("sublist negative label", lambda mod: mod.einsum(A, [0, -1])),
    ("sublist extent mismatch", lambda mod: mod.einsum(A, [0, 1], B43, [1, 2], [0, 2])),
    ("out is a list", lambda mod: mod.einsum("i", V3, out=[0.0, 0.0, 0.0])),
    ("out of the wrong shape", lambda mod: mod.einsum("i,i->i", V3, V3, out=np.empty(4))),
    ("out of a narrower dtype", lambda mod: mod.einsum("i,i->i", V3, V3,
                                                        out=np.empty(3, np.float32))),
    ("out read-only", lambda mod: mod.einsum("i,i->i", V3, V3,
                                             out=np.broadcast_to(np.empty(1), (3,)))),
    ("dtype needs unsafe cast", lambda mod: mod.einsum("i,i->i", V3, V3, dtype=np.float32)),
    ("dtype not understood", lambda mod: mod.einsum("i,i->i", V3, V3, dtype="foo")),
    ("bad order", lambda mod: mod.einsum("i,i->i", V3, V3, order="X")),
    ("bad casting", lambda mod: mod.einsum("i,i->i", V3, V3, casting="foo")),
    ("unknown keyword", lambda mod: mod.einsum("i", V3, foo=1)),
    ("optimize unknown name", lambda mod: mod.einsum("ij,jk,kl", A, A, A, optimize="foo")),
    ("optimize an int", lambda mod: mod.einsum("ij,jk,kl", A, A, A, optimize=5)),
    ("optimize a dict", lambda mod: mod.einsum("ij,jk,kl", A, A, A, optimize={})),
    ("optimize an empty list", lambda mod: mod.einsum("ij,jk,kl", A, A, A, optimize=[])),
    ("optimize tuple with bad limit", lambda mod: mod.einsum("ij,jk,kl", A, A, A,
                                                             optimize=("greedy", "x"))),
    ("optimize tuple with unknown name", lambda mod: mod.einsum("ij,jk,kl", A, A, A,
                                                                optimize=("foo", 100))),
    ("path index out of range", lambda mod: mod.einsum("ij,jk,kl", A, A, A,
                                                       optimize=["einsum_path", (0, 5)])),
    ("path incomplete", lambda mod: mod.einsum("ij,jk,kl", A, A, A,
                                               optimize=["einsum_path", (0, 1)])),
    ("path with a string step", lambda mod: mod.einsum("ij,jk,kl", A, A, A,
                                                       optimize=["einsum_path", "x"])),
    ("einsum_path unknown name", lambda mod: mod.einsum_path("ij,jk,kl", A, A, A,
                                                             optimize="foo")),
    ("einsum_path an int", lambda mod: mod.einsum_path("ij,jk,kl", A, A, A, optimize=5)),
    ("einsum_path extent mismatch", lambda mod: mod.einsum_path("ij,jk", A, B43)),
    ("einsum_path bad subscripts", lambda mod: mod.einsum_path("ij->ii", A)),
]


@pytest.mark.parametrize("call", [c for _, c in EINSUM_ERRORS], ids=[n for n, _ in EINSUM_ERRORS])
def test_einsum_error_types_match_numpy(call):
    assert_same_error(lambda: call(np), lambda: call(ein))


PRODUCT_ERRORS = [
    ("dot not aligned", lambda mod: mod.dot(A, V4)),
    ("dot 2d not aligned", lambda mod: mod.dot(A, B43)),
    ("dot out of wrong dtype", lambda mod: mod.dot(A, A, out=np.empty((3, 3), np.float32))),
    ("dot out Fortran", lambda mod: mod.dot(A, A, out=np.empty((3, 3), order="F"))),
    ("dot out wrong shape", lambda mod: mod.dot(A, A, out=np.empty((3, 4)))),
    ("vdot size mismatch", lambda mod: mod.vdot(A, V4)),
    ("inner not aligned", lambda mod: mod.inner(A, V4)),
    ("outer out wrong dtype", lambda mod: mod.outer(V3, V3, out=np.empty((3, 3), np.int64))),
    ("outer out wrong shape", lambda mod: mod.outer(V3, V3, out=np.empty((3, 4)))),
    ("matmul 0-d", lambda mod: mod.matmul(2.0, A)),
    ("matmul core mismatch", lambda mod: mod.matmul(A, V4)),
    ("matmul batch mismatch", lambda mod: mod.matmul(np.ones((2, 3, 3)), np.ones((4, 3, 3)))),
    ("matmul out wrong dtype", lambda mod: mod.matmul(A, A, out=np.empty((3, 3), np.int64))),
    ("matmul out wrong shape", lambda mod: mod.matmul(A, A, out=np.empty((3, 4)))),
    ("matmul dtype not castable", lambda mod: mod.matmul(A, A, dtype=np.int64)),
    ("matmul bad casting", lambda mod: mod.matmul(A, A, casting="foo")),
    ("tensordot sum mismatch", lambda mod: mod.tensordot(np.ones((2, 3)), np.ones((4, 5)), 1)),
    ("tensordot axes too many", lambda mod: mod.tensordot(A, V3, axes=2)),
    ("tensordot axes lists of unequal length",
     lambda mod: mod.tensordot(A3, A3, axes=([0, 1], [0]))),
    ("tensordot axes pair mismatch", lambda mod: mod.tensordot(A3, A3, axes=([0], [1]))),
    ("trace axis out of bounds", lambda mod: mod.trace(A, axis1=5)),
    ("trace equal axes", lambda mod: mod.trace(A, axis1=1, axis2=1)),
    ("trace 1-d", lambda mod: mod.trace(V3)),
    ("diagonal equal axes", lambda mod: mod.diagonal(A, axis1=0, axis2=0)),
    ("diagonal axis out of bounds", lambda mod: mod.diagonal(A, axis2=-3)),
    ("diagonal 1-d", lambda mod: mod.diagonal(V3)),
]


@pytest.mark.parametrize("call", [c for _, c in PRODUCT_ERRORS],
                         ids=[n for n, _ in PRODUCT_ERRORS])
def test_product_error_types_match_numpy(call):
    assert_same_error(lambda: call(np), lambda: call(ein))


def test_messages_are_eins_own_and_precise():
    with pytest.raises(ValueError) as info:
        ein.einsum("ij,jk->ik", A, B43)
    message = str(info.value)
    assert "j" in message and "3" in message and "4" in message, message
    with pytest.raises(ValueError) as info:
        ein.einsum("ij->ik", A)
    assert "k" in str(info.value), str(info.value)
    with pytest.raises(KeyError) as info:
        ein.einsum("ij,jk,kl", A, A, A, optimize="foo")
    assert "foo" in str(info.value) and "greedy" in str(info.value)


def test_unsupported_dtype_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="uint16"):
        ein.einsum("i,i->", np.ones(3, np.uint16), np.ones(3, np.uint16))
    with pytest.raises(TypeError, match="uint32"):
        ein.dot(np.ones(3, np.uint32), np.ones(3))
    with pytest.raises(TypeError, match="object"):
        ein.einsum("i", np.array([1, "a"], dtype=object))


def test_errors_leave_out_untouched():
    out = np.full((3, 3), 7.0)
    with pytest.raises(ValueError):
        ein.einsum("ij,jk->ik", A, B43.T[:2], out=out)
    assert np.all(out == 7.0)
