"""ein.keras: batch_dot, dot and the Dot layer against the values Keras documents (issue 6) and
a NumPy einsum reference for random shapes and axes."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import ein
from conftest import SEED, rng_for
from ein import keras


def test_batch_dot_of_matrices_keeps_a_unit_axis():
    got = keras.batch_dot([[1, 2], [3, 4]], [[5, 6], [7, 8]], axes=1)
    assert got.shape == (2, 1)
    np.testing.assert_array_equal(got, [[17], [53]])


@pytest.mark.parametrize(
    "x_shape,y_shape,axes,expected",
    [
        ((32, 20, 1), (32, 30, 20), (1, 2), (32, 1, 30)),
        ((32, 20, 1), (32, 30, 20), [1, 2], (32, 1, 30)),
        ((100, 20), (100, 30, 20), (1, 2), (100, 30)),
        ((2, 3), (2, 3, 4), None, (2, 4)),
        ((9, 8, 7, 4, 2), (9, 8, 7, 2, 5), None, (9, 8, 7, 4, 8, 7, 5)),
    ],
)
def test_batch_dot_shapes_from_keras_docs(x_shape, y_shape, axes, expected):
    rng = rng_for("batch_dot_shape", str(x_shape), str(y_shape))
    x, y = rng.standard_normal(x_shape), rng.standard_normal(y_shape)
    got = keras.batch_dot(x, y, axes)
    assert got.shape == expected
    np.testing.assert_allclose(got, _batch_dot_reference(x, y, axes), rtol=1e-12, atol=1e-12)


def _batch_dot_reference(x, y, axes):
    """Keras's batch_dot by definition: einsum with axis 0 shared, one contracted pair, x's other
    axes then y's; (B, 1) for two matrices."""
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = (a % n for a, n in zip(axes, (x.ndim, y.ndim)))
    letters = "bcdefghijklmnopqrstuvwxyz"
    xs = ["a"] + [letters[i] for i in range(x.ndim - 1)]
    ys = ["a"] + [letters[x.ndim - 1 + i] for i in range(y.ndim - 1)]
    ys[ay] = xs[ax]
    out = ["a"] + [c for i, c in enumerate(xs) if i not in (0, ax)]
    out += [c for i, c in enumerate(ys) if i not in (0, ay)]
    result = np.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    return result.reshape(-1, 1) if x.ndim == 2 and y.ndim == 2 else result


@pytest.mark.parametrize("case", range(60))
def test_batch_dot_random_axes_match_the_definition(case):
    rng = rng_for("batch_dot", case)
    batch, k = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    x_rank, y_rank = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    ax, ay = int(rng.integers(1, x_rank)), int(rng.integers(1, y_rank))
    x_shape = [batch] + [int(e) for e in rng.integers(1, 4, size=x_rank - 1)]
    y_shape = [batch] + [int(e) for e in rng.integers(1, 4, size=y_rank - 1)]
    x_shape[ax] = y_shape[ay] = k
    if rng.random() < 0.3:  # negative axes count from the end
        ax, ay = ax - x_rank, ay - y_rank
    dtype = [np.float64, np.float32, np.int64][case % 3]
    x = (rng.standard_normal(x_shape) * 3).astype(dtype)
    y = (rng.standard_normal(y_shape) * 3).astype(dtype)
    got = keras.batch_dot(x, y, axes=(ax, ay))
    expected = _batch_dot_reference(x, y, (ax, ay))
    context = f"x {x.shape} y {y.shape} axes ({ax}, {ay}); EIN_SEED={SEED} -k 'random and {case}'"
    assert got.dtype == expected.dtype and got.shape == expected.shape, context
    tol = 8 * (np.finfo(dtype).eps if dtype != np.int64 else 0) * k * 9 * 9
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol, err_msg=context)


def test_dot_layer_from_keras_docs():
    x = np.arange(10).reshape(1, 5, 2)
    y = np.arange(10, 20).reshape(1, 2, 5)
    got = keras.Dot(axes=(1, 2))([x, y])
    np.testing.assert_array_equal(got, [[[260, 360], [320, 445]]])


def test_attention_example_from_the_issue():
    u = np.array([[1, 2, 3], [2, 3, 3]], dtype=np.float32)
    y = np.array([[[3, 2, 3], [4, 2, 3]], [[5, 2, 3], [6, 2, 3]]], dtype=np.float32)
    scores = keras.Dot(axes=-1)([y, u])
    np.testing.assert_array_equal(scores, [[16, 17], [25, 27]])
    alpha = ein.softmax(scores)
    np.testing.assert_allclose(alpha, [[0.26894143, 0.7310586], [0.11920291, 0.880797]],
                               rtol=4e-7)
    context = keras.Dot(axes=1)([y, alpha])
    np.testing.assert_allclose(context, [[3.7310586, 2, 3], [5.880797, 2, 3]], rtol=4e-7)
    # The same with integer inputs (Keras users write them as lists).
    u_list = [[1, 2, 3], [2, 3, 3]]
    y_list = [[[3, 2, 3], [4, 2, 3]], [[5, 2, 3], [6, 2, 3]]]
    np.testing.assert_array_equal(keras.Dot(axes=-1)([y_list, u_list]), [[16, 17], [25, 27]])


def test_dot_layer_normalize_is_cosine_similarity():
    rng = rng_for("cosine")
    x, y = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    got = keras.Dot(axes=1, normalize=True)([x, y])
    expected = (np.sum(x * y, axis=1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1))
    np.testing.assert_allclose(got, expected.reshape(4, 1), rtol=1e-12)
    np.testing.assert_allclose(keras.l2_normalize(x, axis=1),
                               x / np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-12)


def test_keras_dot_is_numpy_dot():
    rng = rng_for("keras_dot")
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((7, 4, 5))
    got = keras.dot(x, y)
    assert got.shape == (2, 3, 7, 5)
    np.testing.assert_allclose(got, np.dot(x, y), rtol=1e-12, atol=1e-12)


def test_errors():
    with pytest.raises(ValueError):
        keras.batch_dot(np.ones((2, 3)), np.ones((3, 3)))  # batch extents differ
    with pytest.raises(ValueError):
        keras.batch_dot(np.ones((2, 3)), np.ones((2, 4)), axes=1)  # contracted extents differ
    with pytest.raises(ValueError):
        keras.batch_dot(np.ones((2, 3)), np.ones((2, 3)), axes=(1, 2, 3))
    with pytest.raises((ValueError, IndexError)):
        keras.batch_dot(np.ones((2, 3)), np.ones((2, 3)), axes=5)
    with pytest.raises(ValueError):
        keras.Dot(axes=1)([np.ones((2, 3))])
    with pytest.raises(TypeError):
        keras.Dot(axes=1.5)


def test_docstring_examples_run():
    result = doctest.testmod(keras, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0 and result.attempted > 0
