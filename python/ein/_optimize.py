"""NumPy's ``optimize=`` argument, checked the way NumPy checks it, in ein's terms.

ein's engine contracts pairwise, with a path of ``(i, j)`` pairs (opt_einsum's format). NumPy's
paths may also name one operand, or three or more, in a step; those are rewritten into the
equivalent pairs here, so any path ``numpy.einsum_path`` returns works with ``ein.einsum``.
"""

from __future__ import annotations

import operator
from typing import NamedTuple

from . import _ein

PATH_NAMES = tuple(_ein.PATH_NAMES)


class Optimize(NamedTuple):
    finder: str  # one of PATH_NAMES
    path: list | None  # explicit (i, j) pairs, or None
    memory_limit: int | None  # in elements (NumPy's unit), or None


def _finder(name: str) -> str:
    if name not in PATH_NAMES:
        # NumPy raises KeyError for a path name it does not know.
        raise KeyError(
            f"optimize: unknown path finder {name!r}; ein knows "
            + ", ".join(repr(n) for n in PATH_NAMES)
            + ", True, False and explicit paths"
        )
    return name


def parse_optimize(optimize, num_operands: int) -> Optimize:
    """optimize= as NumPy accepts it (plus ein's finder names and plain pair lists)."""
    if optimize is True:
        return Optimize("greedy", None, None)  # NumPy's meaning of True
    if optimize is False or optimize is None:
        return Optimize("none", None, None)
    if isinstance(optimize, str):
        return Optimize(_finder(optimize), None, None)
    try:
        length = len(optimize)
    except TypeError:
        raise TypeError(f"Did not understand the path: {optimize!r}") from None
    if isinstance(optimize, dict) or length == 0:
        raise TypeError(f"Did not understand the path: {optimize!r}")
    first = optimize[0]
    if isinstance(first, str) and first == "einsum_path":
        return Optimize("none", to_pairs(list(optimize)[1:], num_operands), None)
    if (
        length == 2
        and isinstance(first, str)
        and isinstance(optimize[1], (int, float))
        and not isinstance(optimize[1], bool)
    ):
        return Optimize(_finder(first), None, int(optimize[1]))
    if all(_is_step(step) for step in optimize):
        # opt_einsum's form: the pairs without NumPy's 'einsum_path' marker.
        return Optimize("none", to_pairs(list(optimize), num_operands), None)
    raise TypeError(f"Did not understand the path: {optimize!r}")


def _is_step(step) -> bool:
    if isinstance(step, (str, bytes)):
        return False
    try:
        [operator.index(i) for i in step]
    except TypeError:
        return False
    return True


def to_pairs(steps: list, num_operands: int) -> list:
    """NumPy path steps (tuples of any length) -> ein's (i, j) pairs.

    Each NumPy step removes the operands it names and appends their contraction; ein's pair does
    the same for two. A step of k operands becomes k - 1 pairs; a step of one operand (NumPy's
    single-operand reduction) needs no pair of its own, as ein sums labels found in one operand
    before any pair. Operands are tracked by identity in both lists.
    """
    numpy_list = list(range(num_operands))
    ein_list = list(range(num_operands))
    next_id = num_operands
    pairs = []
    for step in steps:
        if isinstance(step, (str, bytes)):
            raise TypeError(f"Did not understand the path step: {step!r}")
        try:
            positions = [operator.index(i) for i in step]
        except TypeError:
            raise TypeError(f"path step {step!r} must be a tuple of operand positions") from None
        if not positions:
            raise ValueError("path step () names no operand")
        remaining = len(numpy_list)
        for p in positions:
            if not -remaining <= p < remaining:
                # NumPy raises IndexError ("pop index out of range") here.
                raise IndexError(
                    f"path step {tuple(step)} names operand {p}, but only {remaining} "
                    "operands remain at that step"
                )
        positions = [p % remaining for p in positions]
        if len(set(positions)) != len(positions):
            raise ValueError(f"path step {tuple(step)} names an operand twice")
        ids = [numpy_list[p] for p in positions]
        for p in sorted(positions, reverse=True):
            numpy_list.pop(p)
        current = ids[0]
        for other in ids[1:]:
            i, j = sorted((ein_list.index(current), ein_list.index(other)))
            pairs.append((i, j))
            ein_list.pop(j)
            ein_list.pop(i)
            ein_list.append(next_id)
            current = next_id
            next_id += 1
        numpy_list.append(current)
    if len(numpy_list) != 1:
        # NumPy's exception type and wording for an incomplete explicit path.
        raise RuntimeError(
            f"Invalid einsum_path is specified: {len(numpy_list) - 1} more operands has to be "
            "contracted."
        )
    return pairs


def memory_limit_bytes(limit_elements: int | None, itemsize: int) -> int | None:
    if limit_elements is None:
        return None
    return max(int(limit_elements), 0) * itemsize
