"""ein.einsum and ein.einsum_path: NumPy's signatures and semantics on ein's engine."""

from __future__ import annotations

import operator

import numpy as np

from . import _ein
from ._operands import SUPPORTED_DTYPES, as_operand, check_dtype, is_viewable_out
from ._optimize import memory_limit_bytes, parse_optimize

__all__ = ["einsum", "einsum_path"]

_c_einsum = _ein.einsum
_c_einsum_fast = _ein.einsum_fast  # the plain call: two parameters, no defaults to fill
_c_einsum_fast_out = _ein.einsum_fast_out
_ORDERS = ("C", "F", "A", "K")
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def einsum(
    *operands,
    out=None,
    dtype=None,
    order="K",
    casting="safe",
    optimize="auto",
    memory_limit=None,
    semiring=None,
    acc_dtype=None,
    conj=None,
):
    """Evaluates the Einstein summation convention on the operands, exactly as ``numpy.einsum``.

    ``einsum(subscripts, *operands, out=None, dtype=None, order='K', casting='safe',
    optimize='auto')``, or NumPy's sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.

    Operands are NumPy arrays of dtype bool, int8, uint8, int16, int32, int64, float16, float32,
    float64, complex64 or complex128 in any layout (read in place, never copied), Python scalars and lists, or DLPack
    producers such as PyTorch CPU tensors (shared, not copied). The result is a NumPy array, or a
    NumPy scalar where NumPy returns one; a single-operand einsum that sums nothing
    (``'ij->ji'``, ``'ii->i'``) returns a view of its operand, as NumPy does.

    ``optimize`` picks the contraction path: ``'auto'`` (the default: ein always plans, which
    changes only speed, never the result beyond rounding), ``'greedy'``, ``'optimal'``,
    ``'dp'``, ``'branch'``, ``'branch-all'``, ``'branch-2'``, ``'branch-1'``, ``True``
    (``'greedy'``),
    ``False`` (left to right), ``(name, memory_limit_in_elements)``, or an explicit path as
    ``numpy.einsum_path`` returns it (``['einsum_path', (0, 1), ...]``) or as a list of pairs.

    ``memory_limit`` (ein's extension): a budget in bytes, or ``'max_input'`` (the largest
    operand's size), for the call's intermediates and workspace. The path finder avoids larger
    intermediates, and when the chosen path still needs more, ein slices the contraction (loops
    over chunks of some labels, adding partial results) so it completes within the budget;
    ``einsum_path`` reports the slicing. A budget no slicing can meet raises ``ValueError``
    before anything is written. NumPy's ``optimize=(name, limit)`` form (limit in elements) is
    the same budget.

    ``semiring`` (ein's extension): the algebra of the sums and products, for Viterbi, shortest
    paths and log-space probabilities: ``'max_plus'`` (max over sums), ``'min_plus'`` (min over
    sums), ``'log_sum_exp'`` (log of the sum of exp of sums, computed stably), ``'max_times'``
    (max over products, for inputs >= 0), or ``'standard'`` (the default). A sum over a label of
    extent 0 gives the semiring's zero (-inf, inf, -inf, 0). float32 and float64 only (other
    dtypes raise ``TypeError``; pass ``dtype='float64'`` to convert integers). See
    docs/semirings.md.

    >>> import ein
    >>> ein.einsum('ij,jk->ik', [[0., 1.], [2., 0.]], [[0., 5.], [1., 0.]], semiring='min_plus')
    array([[0., 1.],
           [1., 0.]])

    ``conj`` (ein's extension): one flag per operand, e.g. ``conj=(True, False)``, to use that
    operand's complex conjugate without making a conjugated copy (BLAS conjugates as it
    multiplies; ein's own loops as they load). Flags on real operands change nothing.

    >>> import numpy as np, ein
    >>> z = np.array([1 + 2j, 3 - 1j])
    >>> ein.einsum('i,i->', z, z, conj=(True, False))  # np.vdot(z, z)
    np.complex128(15+0j)

    ``out`` may overlap the operands; the result is NumPy's. ``order='F'`` gives a
    Fortran-ordered result; other orders give C order. The GIL is released while computing.

    int8, uint8, int16 and float16 operands are read in place too. ein computes them in int32
    (the same wrap-around as NumPy's int8/uint8/int16 results) or float32 (rounded to float16
    once, at the end), and returns the dtype NumPy returns.

    ``acc_dtype`` (ein's extension): the dtype to accumulate in, e.g. ``'int32'`` for int8
    operands or ``'float32'`` for float16 ones. Every operand must cast to it safely (else
    ``TypeError``). The result is cast to ``dtype`` (unsafely: accumulate wide, store narrow), or
    to the operands' dtype when ``dtype`` is not given:

    >>> import numpy as np, ein
    >>> x = np.full(100, 100, np.int8)
    >>> ein.einsum('i,i', x, x)  # NumPy's int8 arithmetic: 10**6 wraps around
    np.int8(64)
    >>> ein.einsum('i,i', x, x, acc_dtype='int32', dtype='int32')
    np.int32(1000000)

    >>> import numpy as np, ein
    >>> a = np.arange(6.0).reshape(2, 3)
    >>> b = np.arange(12.0).reshape(3, 4)
    >>> ein.einsum('ij,jk->ik', a, b)
    array([[20., 23., 26., 29.],
           [56., 68., 80., 92.]])
    >>> ein.einsum('ii', np.eye(3))
    np.float64(3.0)
    >>> ein.einsum(a, [0, 1], b, [1, 2], [0, 2]).shape
    (2, 4)
    """
    if (
        dtype is None
        and order == "K"
        and casting == "safe"
        and memory_limit is None
        and acc_dtype is None
        and semiring is None
        and conj is None
    ):
        # The common calls: the compiled module does everything (out= of exactly the result's
        # dtype and shape included), or answers NotImplemented when an operand, out or optimize
        # value needs the general route below.
        if out is None:
            result = _c_einsum_fast(operands, optimize)
        else:
            result = _c_einsum_fast_out(operands, optimize, out)
        if result is not NotImplemented:
            return result
    return _einsum_general(
        operands, out, dtype, order, casting, optimize, memory_limit, acc_dtype, semiring, conj
    )


def _budget(opt, memory_limit, itemsize):
    """The byte budget: memory_limit= (bytes or 'max_input') wins over optimize=(name, elements)."""
    if memory_limit is None:
        return memory_limit_bytes(opt.memory_limit, itemsize)
    if isinstance(memory_limit, str):
        if memory_limit != "max_input":
            raise ValueError(
                f"memory_limit must be a number of bytes or 'max_input', got {memory_limit!r}"
            )
        return memory_limit
    if isinstance(memory_limit, bool) or not isinstance(memory_limit, (int, np.integer)):
        raise TypeError(
            f"memory_limit must be a number of bytes or 'max_input', got {memory_limit!r}"
        )
    if memory_limit < 0:
        raise ValueError(f"memory_limit must be >= 0 bytes, got {memory_limit}")
    return int(memory_limit)


def einsum_path(*operands, optimize="greedy", memory_limit=None, semiring=None):
    """The contraction path ein would take, and a report, like ``numpy.einsum_path``.

    Returns ``(path, report)``: ``path`` is ``['einsum_path', (i, j), ...]`` (pass it back as
    ``optimize=`` to ``ein.einsum`` or ``numpy.einsum``) and ``report`` a printable table of the
    steps with their FLOP estimates and the kernel each step uses.

    >>> import numpy as np, ein
    >>> a, b, c = np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5))
    >>> path, report = ein.einsum_path('ij,jk,kl->il', a, b, c, optimize='optimal')
    >>> path
    ['einsum_path', (0, 1), (0, 1)]
    """
    subscripts, arrays = _parse_operands(operands)
    opt = parse_optimize(optimize, len(arrays))
    arrays = tuple(as_operand(x, f"operand {i}") for i, x in enumerate(arrays))
    itemsize = np.result_type(*arrays).itemsize
    pairs, report = _ein.einsum_path(
        subscripts,
        arrays,
        opt.finder,
        opt.path,
        _budget(opt, memory_limit, itemsize),
        semiring=_semiring_name(semiring),
    )
    steps = [(0,)] if len(arrays) == 1 else [tuple(p) for p in pairs]
    return ["einsum_path", *steps], report


def _einsum_general(
    operands, out, dtype, order, casting, optimize, memory_limit=None, acc_dtype=None,
    semiring=None, conj=None,
):
    semiring = _semiring_name(semiring)
    subscripts, arrays = _parse_operands(operands)
    conj = _conj_flags(conj, len(arrays))
    opt = parse_optimize(optimize, len(arrays))
    if order not in _ORDERS:
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if casting not in _CASTINGS:
        raise ValueError(
            "casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
            f"(got {casting!r})"
        )
    arrays = [as_operand(x, f"einsum: operand {i}") for i, x in enumerate(arrays)]
    acc_name = None
    if acc_dtype is not None:
        acc_name = check_dtype(acc_dtype, "einsum: acc_dtype").name
    if acc_dtype is not None and dtype is not None:
        # dtype is only the result's type: the operands go to the accumulator (checked there).
        dtype = check_dtype(dtype, "einsum: dtype")
        result_dtype = dtype
    elif dtype is not None:
        dtype = check_dtype(dtype, "einsum: dtype")
        arrays = [_cast_operand(a, dtype, casting, i) for i, a in enumerate(arrays)]
        result_dtype = dtype
    else:
        result_dtype = np.result_type(*arrays)
        if casting in ("no", "equiv"):
            for i, a in enumerate(arrays):
                _check_cast(a.dtype, result_dtype, casting, f"operand {i}")
    args = (subscripts, *arrays)
    if out is None:
        limit = _budget(opt, memory_limit, result_dtype.itemsize)
        dtype_name = None if dtype is None else dtype.name
        return _c_einsum(
            args, opt.finder, dtype_name, None, order == "F", opt.path, limit, True, acc_name,
            semiring=semiring, conj=conj,
        )
    if not isinstance(out, np.ndarray):
        raise TypeError("keyword parameter out must be an array for einsum")
    if not out.flags.writeable:
        raise ValueError("output array is read-only")
    if dtype is None and acc_dtype is None:
        # NumPy computes in the common dtype of the operands and out (float32 operands summed
        # into a float64 out are summed in float64; bools into an int32 out are counted).
        common = np.promote_types(result_dtype, out.dtype)
        if common != result_dtype and common in SUPPORTED_DTYPES:
            result_dtype = dtype = common
    limit = _budget(opt, memory_limit, result_dtype.itemsize)
    dtype_name = None if dtype is None else dtype.name
    _check_cast(result_dtype, out.dtype, casting, "the result into out")
    if is_viewable_out(out) and np.can_cast(result_dtype, out.dtype, "safe"):
        # ein writes into out itself, also when out overlaps an operand (it computes aside).
        _c_einsum(
            args, opt.finder, dtype_name, out, False, opt.path, limit, True, acc_name,
            semiring=semiring, conj=conj,
        )
        return out
    # A cast ein does not do itself (same_kind / unsafe) or an out ein cannot view in place.
    result = _c_einsum(
        args, opt.finder, dtype_name, None, False, opt.path, limit, True, acc_name,
        semiring=semiring, conj=conj,
    )
    result = np.asarray(result)
    if result.shape != out.shape:
        raise ValueError(
            f"einsum: out has shape {out.shape}, the result has shape {result.shape}"
        )
    np.copyto(out, result, casting="unsafe")
    return out


def _conj_flags(conj, num_operands):
    """conj=: None, or one truthy/falsy flag per operand (a tuple of bools)."""
    if conj is None:
        return None
    if isinstance(conj, (str, bytes)) or not hasattr(conj, "__len__"):
        raise TypeError(f"einsum: conj must be a sequence of booleans, got {conj!r}")
    if len(conj) != num_operands:
        raise ValueError(
            f"einsum: conj has {len(conj)} flags for {num_operands} operands "
            "(give one per operand, or none)"
        )
    return tuple(bool(c) for c in conj)


SEMIRINGS = ("standard", "max_plus", "min_plus", "log_sum_exp", "max_times")


def _semiring_name(semiring):
    """semiring= checked: None or one of SEMIRINGS ('standard' is None: NumPy's einsum)."""
    if semiring is None:
        return None
    if not isinstance(semiring, str):
        raise TypeError(f"einsum: semiring must be a string such as 'max_plus', got {semiring!r}")
    if semiring not in SEMIRINGS:
        raise ValueError(
            f"einsum: unknown semiring {semiring!r}; expected one of {', '.join(SEMIRINGS)}"
        )
    return None if semiring == "standard" else semiring


def _check_cast(from_dtype, to_dtype, casting, what):
    if not np.can_cast(from_dtype, to_dtype, casting):
        raise TypeError(
            f"einsum: cannot cast {what} from dtype('{from_dtype}') to dtype('{to_dtype}') "
            f"according to the rule '{casting}'"
        )


def _cast_operand(a: np.ndarray, dtype: np.dtype, casting: str, index: int) -> np.ndarray:
    if a.dtype == dtype:
        return a
    _check_cast(a.dtype, dtype, casting, f"operand {index}")
    if np.can_cast(a.dtype, dtype, "safe"):
        return a  # ein converts safely while it computes, without a copy of the operand
    return a.astype(dtype)  # same_kind / unsafe: NumPy's conversion rules, one copy


def _parse_operands(operands):
    """(subscripts, operands) from NumPy's two calling forms."""
    if not operands:
        raise ValueError(
            "must specify the einstein sum subscripts string and at least one operand, or at "
            "least one operand and its corresponding subscripts list"
        )
    if isinstance(operands[0], str):
        if len(operands) < 2:
            raise ValueError(
                "must specify the einstein sum subscripts string and at least one operand"
            )
        return operands[0], list(operands[1:])
    num = len(operands) // 2
    arrays = [operands[2 * i] for i in range(num)]
    terms = [_sublist_term(operands[2 * i + 1]) for i in range(num)]
    subscripts = ",".join(terms)
    if len(operands) % 2 == 1:
        subscripts += "->" + _sublist_term(operands[-1])
    if num == 0:
        raise ValueError(
            "must specify the einstein sum subscripts string and at least one operand, or at "
            "least one operand and its corresponding subscripts list"
        )
    return subscripts, arrays


def _sublist_term(sublist) -> str:
    """NumPy's C mapping of sublist labels: 0-25 -> 'A'-'Z', 26-51 -> 'a'-'z', so that implicit
    outputs sort labels by their integer value."""
    term = []
    try:
        items = list(sublist)
    except TypeError:
        raise TypeError("each subscript must be either an integer or an ellipsis") from None
    for item in items:
        if item is Ellipsis:
            term.append("...")
            continue
        try:
            label = operator.index(item)
        except TypeError:
            raise TypeError("each subscript must be either an integer or an ellipsis") from None
        if not 0 <= label < 52:
            raise ValueError("subscript is not within the valid range [0, 52)")
        term.append(chr(ord("A") + label) if label < 26 else chr(ord("a") + label - 26))
    return "".join(term)

