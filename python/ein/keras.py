"""Keras's batch_dot, backend dot and Dot layer on NumPy arrays, computed by ein's engine.

``batch_dot(x, y, axes)`` follows keras.backend.batch_dot: axis 0 is the batch axis, ``axes``
names the contracted axis of each input, and the result holds the batch axis, x's other axes,
then y's ((B, 1) when both inputs are matrices). Other axes are never batched, unlike matmul:
(9,8,7,4,2)·(9,8,7,2,5) gives (9,8,7,4,8,7,5).

>>> import numpy as np
>>> from ein import keras
>>> keras.batch_dot([[1, 2], [3, 4]], [[5, 6], [7, 8]], axes=1)
array([[17],
       [53]])
"""

from __future__ import annotations

from . import _ein
from ._operands import as_operand

__all__ = ["batch_dot", "dot", "Dot", "l2_normalize"]


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{what} must be an integer, got {type(value).__name__}")
    return value.__index__()


def _axes(axes, name: str):
    """An int, or a pair (x's axis, y's axis) as Keras takes (list or tuple)."""
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError(
                f"{name}: axes must be an int or a pair of ints (one per input), got {axes!r}"
            )
        return (_int(axes[0], f"{name}: axes[0]"), _int(axes[1], f"{name}: axes[1]"))
    return _int(axes, f"{name}: axes")


def batch_dot(x, y, axes=None):
    """keras.backend.batch_dot(x, y, axes): dot product over ``axes`` for each batch entry.

    Defaults: (x.ndim - 1, y.ndim - 2), or (x.ndim - 1, y.ndim - 1) when y is a matrix.
    """
    a = as_operand(x, "batch_dot: x")
    b = as_operand(y, "batch_dot: y")
    if axes is None:
        return _ein.keras_batch_dot(a, b, None)
    axes = _axes(axes, "batch_dot")
    if isinstance(axes, tuple):
        return _ein.keras_batch_dot(a, b, axes)
    return _ein.keras_batch_dot_int(a, b, axes)


def dot(x, y):
    """keras.backend.dot: the last axis of x with the second-to-last of y (as numpy.dot)."""
    return _ein.keras_dot(as_operand(x, "dot: x"), as_operand(y, "dot: y"))


def l2_normalize(x, axis=-1, epsilon=1e-12):
    """tf.math.l2_normalize: x / sqrt(max(sum(x**2, axis), epsilon))."""
    return _ein.keras_l2_normalize(
        as_operand(x, "l2_normalize: x"), _int(axis, "l2_normalize: axis"), float(epsilon)
    )


class Dot:
    """keras.layers.Dot(axes, normalize=False): called on [x, y], gives batch_dot over ``axes``,
    after L2-normalising each input along its axis when ``normalize`` (cosine similarity).

    >>> import numpy as np
    >>> from ein import keras
    >>> x, y = np.arange(10).reshape(1, 5, 2), np.arange(10, 20).reshape(1, 2, 5)
    >>> keras.Dot(axes=(1, 2))([x, y])
    array([[[260, 360],
            [320, 445]]])
    """

    def __init__(self, axes, normalize=False):
        self.axes = _axes(axes, "Dot")
        self.normalize = bool(normalize)

    def __call__(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("Dot: a Dot layer should be called on a list of 2 inputs")
        a = as_operand(inputs[0], "Dot: inputs[0]")
        b = as_operand(inputs[1], "Dot: inputs[1]")
        if isinstance(self.axes, tuple):
            return _ein.keras_dot_layer(a, b, self.axes, self.normalize)
        return _ein.keras_dot_layer_int(a, b, self.axes, self.normalize)

    def __repr__(self) -> str:
        return f"Dot(axes={self.axes!r}, normalize={self.normalize})"
