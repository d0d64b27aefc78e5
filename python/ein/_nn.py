"""Deep-learning front doors: softmax, attention and einops's rearrange/reduce/repeat/pack/unpack.

Inputs are viewed without copying (see _operands) and computed by ein's C++ engine with the GIL
released. einops's functions follow einops's semantics; einops's ``EinopsError`` becomes
``ValueError`` here (``TypeError`` for a dtype a reduction cannot take).
"""

from __future__ import annotations

import re

import numpy as np

from . import _ein
from ._operands import as_operand

__all__ = [
    "softmax",
    "log_softmax",
    "scaled_dot_product_attention",
    "multi_head_attention",
    "rearrange",
    "reduce",
    "repeat",
    "pack",
    "unpack",
]


def _axis(axis, name: str) -> int:
    if isinstance(axis, bool) or not hasattr(axis, "__index__"):
        raise TypeError(f"{name}: axis must be an integer, got {type(axis).__name__}")
    return axis.__index__()


def softmax(x, axis=-1):
    """exp(x - max) / sum(exp(x - max)) along ``axis``, without overflow for any finite input.

    float32 stays float32; bool and integer inputs compute in float64. A row of -inf gives zeros.

    >>> import ein
    >>> ein.softmax([[1.0, 2.0], [3.0, 5.0]]).round(4)
    array([[0.2689, 0.7311],
           [0.1192, 0.8808]])
    """
    return _ein.softmax(as_operand(x, "softmax: x"), _axis(axis, "softmax"))


def log_softmax(x, axis=-1):
    """log(softmax(x)) along ``axis``, computed without forming softmax (tiny probabilities keep
    their precision).

    >>> import ein
    >>> ein.log_softmax([0.0, 0.0]).round(4)
    array([-0.6931, -0.6931])
    """
    return _ein.log_softmax(as_operand(x, "log_softmax: x"), _axis(axis, "log_softmax"))


def _mask(mask, name):
    return None if mask is None else as_operand(mask, f"{name}: mask")


def scaled_dot_product_attention(q, k, v, mask=None, scale=None, causal=False):
    """softmax(q @ k^T * scale + mask) @ v over the last two axes.

    q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev); leading axes broadcast.
    ``scale`` defaults to 1/sqrt(E). A bool ``mask`` (broadcastable to (..., L, S)) says where to
    attend (True = attend, as PyTorch); a float mask is added to the scores. ``causal`` lets query
    i see keys j <= i only. Fully masked rows give zeros, not NaN.

    >>> import numpy as np, ein
    >>> q = k = v = np.eye(2)
    >>> ein.scaled_dot_product_attention(q, k, v, causal=True).round(2)  # row 0 sees key 0 only
    array([[1.  , 0.  ],
           [0.33, 0.67]])
    """
    name = "scaled_dot_product_attention"
    return _ein.scaled_dot_product_attention(
        as_operand(q, f"{name}: q"),
        as_operand(k, f"{name}: k"),
        as_operand(v, f"{name}: v"),
        _mask(mask, name),
        None if scale is None else float(scale),
        bool(causal),
    )


def multi_head_attention(x, w_q, w_k, w_v, w_o, heads, mask=None, causal=False):
    """Multi-head self-attention of x (..., N, D) with weights applied as ``x @ W``.

    w_q, w_k (D, E), w_v (D, F), w_o (F, D_out); ``heads`` divides E and F. Each head attends
    with scale 1/sqrt(E / heads); ``mask`` and ``causal`` as in scaled_dot_product_attention,
    broadcast to (..., heads, N, N). Returns (..., N, D_out).
    """
    name = "multi_head_attention"
    return _ein.multi_head_attention(
        as_operand(x, f"{name}: x"),
        as_operand(w_q, f"{name}: w_q"),
        as_operand(w_k, f"{name}: w_k"),
        as_operand(w_v, f"{name}: w_v"),
        as_operand(w_o, f"{name}: w_o"),
        _axis(heads, name),
        _mask(mask, name),
        bool(causal),
    )


def _sizes(sizes: dict, name: str) -> list:
    out = []
    for key, value in sizes.items():
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(
                f"{name}: size of axis {key!r} must be an integer, got {type(value).__name__}"
            )
        out.append((key, value.__index__()))
    return out


def _is_list(tensor) -> bool:
    # einops stacks a list of tensors along a new leading axis; a tuple is not a list there.
    return isinstance(tensor, list)


def _operands(tensors, name: str) -> list:
    if len(tensors) == 0:
        raise TypeError(f"{name}: cannot be applied to an empty list (as einops)")
    return [as_operand(t, f"{name}: tensor {i}") for i, t in enumerate(tensors)]


def _pattern(pattern, name: str) -> str:
    if not isinstance(pattern, str):
        raise TypeError(f"{name}: pattern must be a str, got {type(pattern).__name__}")
    return pattern


def rearrange(tensor, pattern: str, **axes_lengths):
    """einops.rearrange: transpose, split, merge, squeeze and add axes by a pattern.

    Returns a view of ``tensor`` whenever its strides allow (as einops does on NumPy), else a
    new array. A list of arrays is stacked along a new leading axis first.

    >>> import numpy as np, ein
    >>> ein.rearrange(np.arange(6).reshape(2, 3), "h (w c) -> c h w", c=1).shape
    (1, 2, 3)
    """
    pattern = _pattern(pattern, "rearrange")
    sizes = _sizes(axes_lengths, "rearrange")
    if _is_list(tensor):
        return _ein.rearrange_list(_operands(tensor, "rearrange"), pattern, sizes)
    return _ein.rearrange(as_operand(tensor, "rearrange: tensor"), pattern, sizes)


def reduce(tensor, pattern: str, reduction: str, **axes_lengths):
    """einops.reduce: reduce the axes named on the left only ('sum', 'mean', 'max', 'min',
    'prod', 'any', 'all'), then rearrange.

    >>> import numpy as np, ein
    >>> ein.reduce(np.arange(6.0).reshape(2, 3), "h w -> h", "max")
    array([2., 5.])
    """
    pattern = _pattern(pattern, "reduce")
    if not isinstance(reduction, str):
        # einops also takes a callable; ein's reductions are named ones only.
        raise TypeError(
            f"reduce: reduction must be one of 'min', 'max', 'sum', 'mean', 'prod', 'any', "
            f"'all', got {type(reduction).__name__}"
        )
    sizes = _sizes(axes_lengths, "reduce")
    if _is_list(tensor):
        result = _ein.reduce_list(_operands(tensor, "reduce"), pattern, reduction, sizes)
    else:
        result = _ein.reduce(as_operand(tensor, "reduce: tensor"), pattern, reduction, sizes)
    # einops returns NumPy's x.sum(axis=...) — a NumPy scalar for a 0-d result — but skips the
    # reduction (and returns a 0-d array) when no axis is actually reduced.
    if result.ndim == 0:
        ndim = 1 + np.ndim(tensor[0]) if _is_list(tensor) else np.ndim(tensor)
        if _reduces_an_axis(pattern, ndim):
            return result[()]
    return result


def _reduces_an_axis(pattern: str, ndim: int) -> bool:
    """Whether einops reduces some elementary axis for this (already validated) pattern."""
    left, _, right = pattern.partition("->")
    right_names = set(re.findall(r"\.\.\.|[A-Za-z_]\w*", right))
    for token in re.findall(r"\.\.\.|\w+", left):
        if token == "...":
            top_level = re.sub(r"\([^)]*\)", " G ", left).split()
            if ndim > len(top_level) - 1 and "..." not in right_names:
                return True
        elif token.isdigit():
            if int(token) > 1:
                return True
        elif token not in right_names:
            return True
    return False


def repeat(tensor, pattern: str, **axes_lengths):
    """einops.repeat: repeat along new axes named on the right (always a new array).

    >>> import numpy as np, ein
    >>> ein.repeat(np.array([1, 2]), "h -> h c", c=2)
    array([[1, 1],
           [2, 2]])
    """
    pattern = _pattern(pattern, "repeat")
    sizes = _sizes(axes_lengths, "repeat")
    if _is_list(tensor):
        return _ein.repeat_list(_operands(tensor, "repeat"), pattern, sizes)
    return _ein.repeat(as_operand(tensor, "repeat: tensor"), pattern, sizes)


def pack(tensors, pattern: str):
    """einops.pack: flatten each tensor's axes at '*' and concatenate along that axis.

    Returns (packed, packed_shapes), packed_shapes being a list of tuples for ``unpack``.

    >>> import numpy as np, ein
    >>> packed, ps = ein.pack([np.zeros((2, 3)), np.zeros((2, 3, 4))], "i *")
    >>> packed.shape, ps
    ((2, 15), [(3,), (3, 4)])
    """
    pattern = _pattern(pattern, "pack")
    arrays = [as_operand(t, f"pack: tensor {i}") for i, t in enumerate(tensors)]
    packed, shapes = _ein.pack(arrays, pattern)
    return packed, shapes


def unpack(tensor, packed_shapes, pattern: str):
    """einops.unpack: split the '*' axis back into one array per packed shape (views of
    ``tensor``); one packed shape may hold a single -1 to infer.

    >>> import numpy as np, ein
    >>> [a.shape for a in ein.unpack(np.zeros((2, 15)), [(3,), (3, 4)], "i *")]
    [(2, 3), (2, 3, 4)]
    """
    pattern = _pattern(pattern, "unpack")
    shapes = [[int(e) for e in s] for s in packed_shapes]
    return _ein.unpack(as_operand(tensor, "unpack: tensor"), shapes, pattern)
