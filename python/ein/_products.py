"""NumPy's tensor products with NumPy's signatures, computed by ein's engine.

Each function views its inputs without copying (see _operands), calls ein's C++ product with the
GIL released, and hands the result buffer to NumPy without copying. ``out=``, ``dtype=`` and
NumPy's scalar returns are handled here with NumPy's rules.
"""

from __future__ import annotations

import operator

import numpy as np

from . import _ein
from ._operands import as_operand, check_dtype, scalar_if_0d

__all__ = [
    "dot",
    "vdot",
    "inner",
    "outer",
    "matmul",
    "tensordot",
    "kron",
    "trace",
    "diagonal",
    "project",
    "cosine_similarity",
]

_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _write_out(out, result: np.ndarray, casting: str, name: str):
    """NumPy's ufunc rules for out=: an array of exactly the result's shape, cast by `casting`."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name}: out must be a numpy array, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ValueError(
            f"{name}: out has shape {out.shape}, the result has shape {result.shape}"
        )
    np.copyto(out, result, casting=casting)  # raises NumPy's TypeError for a bad cast
    return out


def dot(a, b, out=None):
    """Dot product of two arrays, as ``numpy.dot``.

    1-D with 1-D: inner product (a scalar); 2-D with 2-D: matrix product; N-D with 1-D: sum over
    the last axes; N-D with M-D: sum over the last axis of ``a`` and the second-to-last of ``b``;
    a 0-D operand multiplies. ``out`` must be C-contiguous with the result's dtype and shape.

    >>> import numpy as np, ein
    >>> ein.dot([1.0, 2.0], [3.0, 4.0])
    np.float64(11.0)
    >>> ein.dot(np.eye(2), [[1, 2], [3, 4]])
    array([[1., 2.],
           [3., 4.]])
    """
    result = _ein.dot(as_operand(a, "dot: a"), as_operand(b, "dot: b"))
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"dot: out must be a numpy array, got {type(out).__name__}")
        if (
            out.dtype != result.dtype
            or out.shape != result.shape
            or not out.flags.c_contiguous
        ):
            raise ValueError(
                "output array is not acceptable (must have the right datatype, number of "
                f"dimensions, and be a C-Array): dot gives {result.dtype} {result.shape}, out is "
                f"{out.dtype} {out.shape}"
            )
        np.copyto(out, result)
        return out
    return scalar_if_0d(result)


def vdot(a, b):
    """Dot product of the flattened arrays, conjugating ``a`` if complex, as ``numpy.vdot``.

    >>> import numpy as np, ein
    >>> ein.vdot([1 + 2j, 3j], [1j, 2.0])
    np.complex128(2-5j)
    """
    return scalar_if_0d(_ein.vdot(as_operand(a, "vdot: a"), as_operand(b, "vdot: b")))


def inner(a, b):
    """Inner product over the last axes, as ``numpy.inner``.

    >>> import numpy as np, ein
    >>> ein.inner(np.arange(6).reshape(2, 3), [1, 0, 1])
    array([2, 8])
    """
    return scalar_if_0d(_ein.inner(as_operand(a, "inner: a"), as_operand(b, "inner: b")))


def outer(a, b, out=None):
    """Outer product of the flattened arrays, as ``numpy.outer``.

    >>> import ein
    >>> ein.outer([1, 2], [1, 10, 100])
    array([[  1,  10, 100],
           [  2,  20, 200]])
    """
    result = _ein.outer(as_operand(a, "outer: a"), as_operand(b, "outer: b"))
    if out is not None:
        return _write_out(out, result, "same_kind", "outer")
    return result


def matmul(x1, x2, /, out=None, *, casting="same_kind", order="K", dtype=None, subok=True):
    """Matrix product with broadcasting of the batch axes, as ``numpy.matmul`` (``@``).

    ``dtype=`` computes in that dtype (inputs cast under ``casting``); ``out=`` follows NumPy's
    ufunc rules; ``order='F'`` gives a Fortran-ordered result. ``subok`` is accepted for
    compatibility (results are always base-class arrays).

    >>> import numpy as np, ein
    >>> ein.matmul(np.ones((5, 2, 3)), np.ones((3, 4))).shape
    (5, 2, 4)
    """
    del subok
    if casting not in _CASTINGS:
        raise ValueError(
            "casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
            f"(got {casting!r})"
        )
    if order not in ("C", "F", "A", "K"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    a = as_operand(x1, "matmul: x1")
    b = as_operand(x2, "matmul: x2")
    if dtype is not None:
        dt = check_dtype(dtype, "matmul: dtype")
        for i, x in enumerate((a, b)):
            if not np.can_cast(x.dtype, dt, casting):
                raise TypeError(
                    f"Cannot cast ufunc 'matmul' input {i} from dtype('{x.dtype}') to "
                    f"dtype('{dt}') with casting rule '{casting}'"
                )
        a = a if a.dtype == dt else a.astype(dt)
        b = b if b.dtype == dt else b.astype(dt)
    result = _ein.matmul(a, b)
    if out is not None:
        return _write_out(out, result, casting, "matmul")
    if order == "F" and result.ndim > 1:
        result = np.asfortranarray(result)
    return scalar_if_0d(result)


def _axes_list(axes):
    try:
        return [operator.index(x) for x in axes]
    except TypeError:
        return [operator.index(axes)]


def tensordot(a, b, axes=2):
    """Sum of products over the given axes, as ``numpy.tensordot``.

    ``axes`` is an int N (the last N axes of ``a`` with the first N of ``b``) or a pair of axis
    lists. Returns an array (0-D when everything is summed), as NumPy does.

    >>> import numpy as np, ein
    >>> a, b = np.ones((3, 4, 5)), np.ones((4, 3, 2))
    >>> ein.tensordot(a, b, axes=([1, 0], [0, 1])).shape
    (5, 2)
    """
    a = as_operand(a, "tensordot: a")
    b = as_operand(b, "tensordot: b")
    try:
        iter(axes)
    except TypeError:
        return _ein.tensordot(a, b, operator.index(axes))
    try:
        axes_a, axes_b = axes
    except ValueError:
        raise ValueError("tensordot: axes must be an int or a pair of axis lists") from None
    return _ein.tensordot_axes(a, b, _axes_list(axes_a), _axes_list(axes_b))


def kron(a, b):
    """Kronecker product, as ``numpy.kron``.

    >>> import numpy as np, ein
    >>> ein.kron(np.eye(2, dtype=int), [[1, 2], [3, 4]])
    array([[1, 2, 0, 0],
           [3, 4, 0, 0],
           [0, 0, 1, 2],
           [0, 0, 3, 4]])
    """
    return scalar_if_0d(_ein.kron(as_operand(a, "kron: a"), as_operand(b, "kron: b")))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal, as ``numpy.trace``.

    The sum has NumPy's dtype (bool and int32 sum to int64) unless ``dtype`` is given; ``out``
    receives the result cast as NumPy's reductions cast.

    >>> import numpy as np, ein
    >>> ein.trace(np.arange(9).reshape(3, 3))
    np.int64(12)
    >>> ein.trace(np.ones((2, 3, 3)), axis1=1, axis2=2)
    array([3., 3.])
    """
    arr = as_operand(a, "trace: a")
    offset = operator.index(offset)
    axis1 = operator.index(axis1)
    axis2 = operator.index(axis2)
    if dtype is None:
        result = _ein.trace(arr, offset, axis1, axis2)
    else:
        dt = check_dtype(dtype, "trace: dtype")
        diag = _ein.diagonal(arr, offset, axis1, axis2)
        summed = _ein.einsum(("...i->...", diag.astype(dt)), "none", strict=True)
        result = np.asarray(summed)
    if out is not None:
        return _write_out(out, result, "unsafe", "trace")
    return scalar_if_0d(result)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal as a read-only view, as ``numpy.diagonal`` (the diagonal is the last axis).

    >>> import numpy as np, ein
    >>> ein.diagonal(np.arange(9).reshape(3, 3), offset=1)
    array([1, 5])
    """
    arr = as_operand(a, "diagonal: a")
    return _ein.diagonal(arr, operator.index(offset), operator.index(axis1), operator.index(axis2))


def project(b, onto):
    """The projection of ``b`` onto ``onto``: ``(onto·b / onto·onto) * onto``.

    Uses ``vdot`` (conjugating ``onto``) for complex vectors. Projecting onto a zero vector gives
    zeros.

    >>> import ein
    >>> ein.project([2.0, 3.0], onto=[1.0, 0.0])
    array([2., 0.])
    """
    return _ein.project(as_operand(b, "project: b"), as_operand(onto, "project: onto"))


def cosine_similarity(a, b):
    """Cosine similarity ``a·b / (|a| |b|)`` over the last axis, broadcasting the others.

    Zero vectors give 0. 1-D inputs give a NumPy scalar.

    >>> import ein
    >>> ein.cosine_similarity([1.0, 0.0], [1.0, 1.0])
    np.float64(0.7071067811865475)
    """
    return scalar_if_0d(
        _ein.cosine_similarity(
            as_operand(a, "cosine_similarity: a"), as_operand(b, "cosine_similarity: b")
        )
    )
