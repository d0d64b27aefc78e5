"""Compiled einsum expressions: plan once, call many times (like opt_einsum's
``contract_expression``)."""

from __future__ import annotations

import operator

import numpy as np

from . import _ein
from ._operands import as_operand, check_dtype
from ._optimize import memory_limit_bytes, parse_optimize

__all__ = ["ContractExpression", "contract_expression"]


def _is_shape(x) -> bool:
    if isinstance(x, (np.ndarray, np.generic)) or hasattr(type(x), "__dlpack__"):
        return False
    if not isinstance(x, (tuple, list)):
        return False
    try:
        [operator.index(d) for d in x]
    except TypeError:
        return False
    return True


class ContractExpression:
    """An einsum compiled for fixed operand shapes; call it with arrays of those shapes.

    Create it with :func:`contract_expression`. Calling it costs a cache lookup, the result
    allocation and the computation: parsing, validation and path planning happened when it was
    made. Operands of other dtypes or strides than those it was prepared for are compiled on
    first use and remembered.
    """

    __slots__ = ("_impl", "_call", "_optimize")

    def __init__(self, subscripts, *operands, dtype=None, optimize="auto", memory_limit=None):
        if not isinstance(subscripts, str):
            raise TypeError("contract_expression: subscripts must be a string")
        shapes, dtypes = [], []
        for i, op in enumerate(operands):
            if _is_shape(op):
                shapes.append(tuple(operator.index(d) for d in op))
                dtypes.append(np.dtype("float64") if dtype is None else check_dtype(dtype, "dtype"))
            else:
                arr = as_operand(op, f"contract_expression: operand {i}")
                shapes.append(arr.shape)
                dtypes.append(arr.dtype)
        opt = parse_optimize(optimize, len(shapes))
        if memory_limit is not None:
            opt = opt._replace(memory_limit=memory_limit)
        dt = None if dtype is None else check_dtype(dtype, "contract_expression: dtype")
        result_dtype = dt if dt is not None else np.result_type(*dtypes) if dtypes else None
        limit = memory_limit_bytes(
            opt.memory_limit, result_dtype.itemsize if result_dtype is not None else 8
        )
        self._impl = _ein.Expression(
            subscripts, shapes, opt.finder, opt.path, limit, None if dt is None else dt.name
        )
        self._impl.prepare([d.name for d in dtypes])
        self._call = self._impl.call
        self._optimize = optimize

    def __call__(self, *operands, out=None):
        """Evaluates the expression on `operands` (the shapes it was compiled for)."""
        if out is not None and isinstance(out, np.ndarray) and not out.flags.writeable:
            raise ValueError("output array is read-only")
        result = self._call(operands, out)
        if result is NotImplemented:
            converted = tuple(as_operand(x, f"operand {i}") for i, x in enumerate(operands))
            result = self._call(converted, out, True)
        return result

    @property
    def subscripts(self) -> str:
        return self._impl.subscripts

    @property
    def shapes(self) -> list:
        return [tuple(s) for s in self._impl.shapes]

    @property
    def path(self) -> list:
        """The contraction path, in ``numpy.einsum_path``'s format."""
        if len(self._impl.shapes) == 1:
            return ["einsum_path", (0,)]
        return ["einsum_path", *self._impl.path]

    @property
    def report(self) -> str:
        """The plan report (steps, FLOP estimates, kernels), as ``einsum_path`` prints it."""
        return self._impl.report

    def __repr__(self) -> str:
        shapes = ", ".join(str(s) for s in self.shapes)
        return f"<ein.ContractExpression {self.subscripts!r} for shapes {shapes}>"

    def __str__(self) -> str:
        return self.report


def contract_expression(subscripts, *shapes, dtype=None, optimize="auto", memory_limit=None):
    """Compiles an einsum for operands of the given shapes; returns a callable.

    Each of ``shapes`` is a shape tuple (the operand is then expected as float64, C-contiguous,
    though other dtypes and layouts work too) or an example array (its dtype and layout are
    compiled for). ``dtype`` and ``optimize`` mean what they mean in :func:`ein.einsum`;
    ``memory_limit`` caps the largest intermediate, in elements. The result is called as
    ``expr(*operands, out=None)``.

    >>> import numpy as np, ein
    >>> expr = ein.contract_expression('bij,bjk->bik', (8, 2, 3), (8, 3, 4))
    >>> a, b = np.ones((8, 2, 3)), np.ones((8, 3, 4))
    >>> expr(a, b).shape
    (8, 2, 4)
    >>> float(expr(a, b)[0, 0, 0])
    3.0
    """
    return ContractExpression(
        subscripts, *shapes, dtype=dtype, optimize=optimize, memory_limit=memory_limit
    )
