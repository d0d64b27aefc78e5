"""einsum beyond NumPy's grammar: ein.einsum_ext and ein.einsum_named.

``ein.einsum`` stays exactly ``numpy.einsum``; these entry points accept what NumPy refuses:

* repeated output labels, a diagonal embedding (``'i->ii'`` is ``np.diag``; elements off the
  diagonal are zero);
* einops groups: ``'(ij)k,kl->ijl'`` splits an input axis (sizes by name, ``i=2``),
  ``'ab,abcd->(cd)'`` merges output axes, row-major;
* any number of labels: ``einsum_named`` takes names separated by spaces (einops.einsum's
  grammar and argument order), ``einsum_ext`` takes NumPy's sublist form with any non-negative
  ints (NumPy stops at 52).

Every einsum NumPy accepts gives NumPy's result here too. Errors are ``ValueError`` (bad
subscripts, sizes or shapes) and ``TypeError`` (arguments of the wrong type), with einops's
wording where einops has the same error.
"""

from __future__ import annotations

import operator

import numpy as np

from . import _ein
from ._operands import as_operand, check_dtype
from ._optimize import memory_limit_bytes, parse_optimize

__all__ = ["einsum_ext", "einsum_named"]

_MAX_LABEL = 2**31 - 1


def einsum_ext(*operands, dtype=None, optimize="auto", sizes=None, **axes_lengths):
    """``numpy.einsum`` with repeated output labels, einops groups and unlimited sublist labels.

    ``einsum_ext(subscripts, *operands, dtype=None, optimize='auto', sizes=None, **axes_lengths)``
    or the sublist form ``einsum_ext(a, [0, 1], b, [1, 2], [0, 2])`` (any ints >= 0, ``...`` for
    an ellipsis). Sizes of labels in input groups are given as keywords (``i=2``) or as
    ``sizes={'i': 2}``; at most one size per group may be left to infer.

    >>> import numpy as np, ein
    >>> ein.einsum_ext('i->ii', np.array([1, 2]))
    array([[1, 0],
           [0, 2]])
    >>> ein.einsum_ext('(ij)k,kl->ijl', np.ones((6, 4)), np.ones((4, 5)), i=2).shape
    (2, 3, 5)
    >>> ein.einsum_ext('ab,abcd->(cd)', np.ones((2, 3)), np.ones((2, 3, 4, 5))).shape
    (20,)
    >>> ein.einsum_ext(np.ones((2, 3)), [100, 7], [7, 100]).shape
    (3, 2)
    """
    if not operands:
        raise ValueError("einsum_ext: expected subscripts and at least one operand")
    if isinstance(operands[0], str):
        return _run_text(operands[0], False, operands[1:], dtype, optimize, sizes, axes_lengths)
    if sizes or axes_lengths:
        raise TypeError("einsum_ext: sizes apply to groups, which the sublist form cannot write")
    num = len(operands) // 2
    if num == 0:
        raise ValueError("einsum_ext: expected at least one operand and its sublist")
    arrays = [operands[2 * i] for i in range(num)]
    inputs = [_sublist(operands[2 * i + 1], f"operand {i}") for i in range(num)]
    output = _sublist(operands[-1], "the output") if len(operands) % 2 == 1 else None
    arrays, opt, limit, dtype_name = _prepare("einsum_ext", arrays, dtype, optimize)
    return _ein.einsum_sublists(inputs, output, arrays, opt.finder, opt.path, limit, dtype_name)


def einsum_named(*tensors_and_pattern, dtype=None, optimize="auto", sizes=None, **axes_lengths):
    """einsum with multi-letter axis names, in einops.einsum's order: tensors first, then the
    pattern.

    Names are identifiers separated by spaces, terms are separated by ``,`` and the output
    follows ``->`` (required); ``...``, groups ``(a b)``, ``()`` and repeated output names
    (a diagonal embedding) work as in ``einsum_ext``. There is no limit on the number of names.
    Sizes for groups are keywords or ``sizes={...}`` (use ``sizes`` for a name that is also a
    keyword of this function, such as ``dtype``).

    >>> import numpy as np, ein
    >>> q, k = np.ones((2, 4, 3, 8)), np.ones((2, 4, 5, 8))
    >>> ein.einsum_named(q, k, 'batch head i d, batch head j d -> batch head i j').shape
    (2, 4, 3, 5)
    >>> ein.einsum_named(np.ones((6, 8)), '(h w) c -> h (w c)', h=2).shape
    (2, 24)
    """
    if not tensors_and_pattern or not isinstance(tensors_and_pattern[-1], str):
        raise TypeError(
            "einsum_named: the pattern string comes last, after the tensors "
            "(einsum_named(x, y, 'a b, b c -> a c'))"
        )
    pattern = tensors_and_pattern[-1]
    return _run_text(pattern, True, tensors_and_pattern[:-1], dtype, optimize, sizes, axes_lengths)


def _run_text(text, named, arrays, dtype, optimize, sizes, axes_lengths):
    function = "einsum_named" if named else "einsum_ext"
    pairs = _sizes(sizes, axes_lengths, function)
    arrays, opt, limit, dtype_name = _prepare(function, arrays, dtype, optimize)
    return _ein.einsum_ext(text, named, arrays, pairs, opt.finder, opt.path, limit, dtype_name)


def _prepare(function, arrays, dtype, optimize):
    opt = parse_optimize(optimize, len(arrays))
    arrays = tuple(as_operand(x, f"{function}: operand {i}") for i, x in enumerate(arrays))
    if dtype is not None:
        dtype = check_dtype(dtype, f"{function}: dtype")
    limit = None
    if opt.memory_limit is not None:  # in elements of the result dtype
        itemsize = dtype.itemsize if dtype is not None else np.result_type(*arrays).itemsize
        limit = memory_limit_bytes(opt.memory_limit, itemsize)
    return arrays, opt, limit, None if dtype is None else dtype.name


# numpy.einsum's keywords that these functions do not take: an error, not a size named "out".
_NOT_SIZES = ("out", "order", "casting")


def _sizes(sizes, axes_lengths, function):
    for name in _NOT_SIZES:
        if name in axes_lengths:
            raise TypeError(
                f"{function}() does not take {name}= (for an axis named {name!r}, pass "
                f"sizes={{{name!r}: n}})"
            )
    merged = {}
    if sizes is not None:
        if not hasattr(sizes, "items"):
            raise TypeError(f"{function}: sizes must be a mapping of names to ints")
        merged.update(sizes)
    for name, value in axes_lengths.items():
        if name in merged:
            raise ValueError(f"{function}: size of axis {name} given twice")
        merged[name] = value
    out = []
    for name, value in merged.items():
        if not isinstance(name, str):
            raise TypeError(f"{function}: axis names must be strings, got {type(name).__name__}")
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(
                f"{function}: size of axis {name!r} must be an integer, got {type(value).__name__}"
            )
        out.append((name, operator.index(value)))
    return out


def _sublist(sublist, where):
    try:
        items = list(sublist)
    except TypeError:
        raise TypeError(
            f"einsum_ext: the sublist of {where} must be a sequence of ints and ...; "
            f"got {type(sublist).__name__}"
        ) from None
    labels = []
    for i, item in enumerate(items):
        if item is Ellipsis:
            labels.append(-1)
            continue
        if isinstance(item, bool) or not hasattr(item, "__index__"):
            raise TypeError(
                f"einsum_ext: sublist label at position {i} of {where} must be an int or ..., "
                f"got {type(item).__name__}"
            )
        label = operator.index(item)
        if not 0 <= label <= _MAX_LABEL:
            raise ValueError(
                f"einsum_ext: sublist label {label} at position {i} of {where} is outside "
                f"[0, {_MAX_LABEL}]"
            )
        labels.append(label)
    return labels
