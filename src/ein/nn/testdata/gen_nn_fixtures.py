#!/usr/bin/env python3
"""Regenerates nn_fixtures.hpp: NumPy results for the nn and Keras tests, embedded so the C++
tests never need Python. Run from this directory:
    python3 gen_nn_fixtures.py > nn_fixtures.hpp

* Multi-head attention: a float64 NumPy reference (the notes' algorithm) on the documented
  deterministic inputs of ein::make_attention_inputs, rounded to float32 as the C++ side does.
* Keras batch_dot: a line-by-line NumPy transcription of tf.keras.backend.batch_dot (transpose,
  squash to rank 3, matmul, reshape, squeeze) on integer-valued inputs, so results are exact.
"""
import numpy as np

SAMPLES = 96  # elements embedded for results over 400 elements (evenly spread, last included)


# ---- inputs -------------------------------------------------------------------------------

def formula(shape, t, factor):
    """ein::make_attention_inputs's formula for tensor number t (splitmix64's mixer)."""
    z = np.arange(int(np.prod(shape)), dtype=np.uint64) * np.uint64(8) + np.uint64(t + 1)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return ((2.0 * u - 1.0) * np.sqrt(3.0) * factor).reshape(shape)


def attention_inputs(batch, seq, dim):
    w = 1.0 / np.sqrt(float(dim))
    f32 = lambda a: a.astype(np.float32)
    return (f32(formula((batch, seq, dim), 0, 1.0)), f32(formula((dim, dim), 1, w)),
            f32(formula((dim, dim), 2, w)), f32(formula((dim, dim), 3, w)),
            f32(formula((dim, dim), 4, w)))


def keras_x(shape):
    k = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((5 * k + 1) % 7) - 3).astype(np.float64).reshape(shape)


def keras_y(shape):
    k = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((3 * k + 2) % 5) - 2).astype(np.float64).reshape(shape)


# ---- references ---------------------------------------------------------------------------

def softmax(s):
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


def mha(x, wq, wk, wv, wo, heads, dtype=np.float64):
    x, wq, wk, wv, wo = (a.astype(dtype) for a in (x, wq, wk, wv, wo))
    b, n, d = x.shape
    dh = d // heads
    split = lambda t: t.reshape(b, n, heads, dh).transpose(0, 2, 1, 3)
    q, k, v = split(x @ wq), split(x @ wk), split(x @ wv)
    s = np.einsum("bhid,bhjd->bhij", q, k) / np.sqrt(dtype(dh))
    o = np.einsum("bhij,bhjd->bhid", softmax(s), v)
    return o.transpose(0, 2, 1, 3).reshape(b, n, d) @ wo


def keras_batch_dot(x, y, axes=None):
    """tf.keras.backend.batch_dot (Keras 2.x), transcribed with NumPy operations."""
    x_ndim, y_ndim = x.ndim, y.ndim
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError("rank < 2")
    if x.shape[0] != y.shape[0]:
        raise ValueError("batch sizes")
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    axes = list(axes)
    if axes[0] < 0:
        axes[0] += x_ndim
    if axes[1] < 0:
        axes[1] += y_ndim
    if 0 in axes:
        raise ValueError("axis 0")
    a0, a1 = axes
    if x.shape[a0] != y.shape[a1]:
        raise ValueError("extents")
    orig_x_ndim, orig_y_ndim = x_ndim, y_ndim
    if x_ndim == 2:
        x = np.expand_dims(x, 1)
        a0 += 1
        x_ndim += 1
    if y_ndim == 2:
        y = np.expand_dims(y, 2)
        y_ndim += 1
    if a0 != x_ndim - 1:
        pattern = list(range(x_ndim))
        for i in range(a0, x_ndim - 1):
            pattern[i] = pattern[i + 1]
        pattern[-1] = a0
        x = np.transpose(x, pattern)
    if a1 != 1:
        pattern = list(range(y_ndim))
        for i in range(a1, 1, -1):
            pattern[i] = pattern[i - 1]
        pattern[1] = a1
        y = np.transpose(y, pattern)
    x_squashed = x_ndim > 3
    if x_squashed:
        x_mid_dims = x.shape[1:-1]
        x = x.reshape(x.shape[0], -1, x.shape[-1])
    y_squashed = y_ndim > 3
    if y_squashed:
        y_trail_dims = y.shape[2:]
        y = y.reshape(y.shape[0], y.shape[1], -1)
    result = np.matmul(x, y)
    output_shape = list(result.shape)
    do_reshape = False
    if x_squashed:
        output_shape = output_shape[:1] + list(x_mid_dims) + output_shape[-1:]
        do_reshape = True
    if y_squashed:
        output_shape = output_shape[:-1] + list(y_trail_dims)
        do_reshape = True
    if do_reshape:
        result = result.reshape(output_shape)
    if orig_x_ndim == 2:
        result = np.squeeze(result, 1)
    elif orig_y_ndim == 2:
        result = np.squeeze(result, -1)
    return result


def l2_normalize(x, axis):
    return x / np.sqrt(np.maximum(np.sum(x * x, axis=axis, keepdims=True), 1e-12))


def keras_dot_layer(x, y, axes, normalize):
    if isinstance(axes, int):
        axes = [axes % x.ndim, axes % y.ndim] if axes < 0 else [axes, axes]
    else:
        axes = [a % t.ndim if a < 0 else a for a, t in zip(axes, (x, y))]
    if normalize:
        x, y = l2_normalize(x, axes[0]), l2_normalize(y, axes[1])
    return keras_batch_dot(x, y, axes)


# ---- printing -----------------------------------------------------------------------------

def cpp_shape(s):
    return "{" + ", ".join(str(int(e)) for e in s) + "}"


def wrap(items, indent):
    lines, line = [], ""
    for it in items:
        if len(line) + len(it) + 2 > 98 - indent:
            lines.append(line.rstrip())
            line = ""
        line += it + ", "
    lines.append(line.rstrip().rstrip(","))
    return ("\n" + " " * indent).join(lines)


def samples(a):
    """(C-order index, value) pairs: everything for small results, else evenly spread."""
    flat = np.asarray(a, dtype=np.float64).reshape(-1)
    n = flat.size
    idx = range(n) if n <= 400 else sorted({(k * (n - 1)) // (SAMPLES - 1)
                                                 for k in range(SAMPLES)})
    return "{" + wrap([f"{{{i}, {repr(float(flat[i]))}}}" for i in idx], 10) + "}"


out = []
p = out.append
p("// Generated by gen_nn_fixtures.py with NumPy " + np.__version__ + ". Do not edit.")
p("""#pragma once

#include <utility>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::nn::fixtures {

// (C-order index, expected value) pairs of a result.
using Samples = std::vector<std::pair<Index, double>>;

struct AttentionCase {
  Index batch, seq, dim;
  int heads;
  Shape shape;
  Samples expected;  // float64 NumPy reference on the float32 inputs
  double float32_error;  // max |NumPy float32 - NumPy float64| (for scale; not a tolerance)
};
""")
p("inline const std::vector<AttentionCase>& attention_cases() {")
p("  static const std::vector<AttentionCase> kCases = {")
for batch, seq, dim, heads in [(2, 10, 16, 8), (2, 128, 512, 8)]:
    ins = attention_inputs(batch, seq, dim)
    ref = mha(*ins, heads)
    err32 = float(np.max(np.abs(mha(*ins, heads, np.float32) - ref)))
    p(f"      {{{batch}, {seq}, {dim}, {heads}, {cpp_shape(ref.shape)},")
    p(f"       {samples(ref)},")
    p(f"       {err32!r}}},")
p("  };\n  return kCases;\n}\n")

p("""// keras.backend.batch_dot on keras_x(x_shape) and keras_y(y_shape):
//   keras_x: ((5k + 1) % 7) - 3,  keras_y: ((3k + 2) % 5) - 2  at C-order position k.
// axes_kind: 0 = None (default), 1 = int (axes.first), 2 = pair.
struct BatchDotCase {
  Shape x_shape, y_shape;
  int axes_kind;
  std::pair<int, int> axes;
  Shape out_shape;
  Samples expected;
};
""")
cases = [((2, 2), (2, 2), 1, 1), ((32, 20, 1), (32, 30, 20), 2, (1, 2)),
         ((100, 20), (100, 30, 20), 2, (1, 2)), ((2, 3), (2, 3, 4), 0, None),
         ((8, 7, 4, 2), (8, 7, 2, 5), 0, None), ((9, 8, 7, 4, 2), (9, 8, 7, 2, 5), 0, None),
         ((2, 3, 4), (2, 4), 0, None), ((2, 3, 4), (2, 3), 1, 1), ((3, 4, 5), (3, 5, 4), 2, (-1, -2)),
         ((2, 4), (2, 3, 4), 2, (1, -1))]
rng = np.random.default_rng(20240611)
while len(cases) < 40:
    rx, ry = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    b = int(rng.integers(1, 4))
    xs = [b] + [int(e) for e in rng.integers(1, 5, rx - 1)]
    ys = [b] + [int(e) for e in rng.integers(1, 5, ry - 1)]
    kind = int(rng.integers(0, 3))
    if kind == 0:
        ax, ay = rx - 1, (ry - 1 if ry == 2 else ry - 2)
        axes = None
    elif kind == 1:
        a = int(rng.integers(1, min(rx, ry)))
        ax = ay = a
        # A negative int names the same axis of both only when the ranks agree.
        axes = a - rx if rx == ry and rng.random() < 0.5 else a
    else:
        ax, ay = int(rng.integers(1, rx)), int(rng.integers(1, ry))
        axes = (ax - rx if rng.random() < 0.3 else ax, ay - ry if rng.random() < 0.3 else ay)
    ys[ay] = xs[ax]
    cases.append((tuple(xs), tuple(ys), kind, axes))
p("inline const std::vector<BatchDotCase>& batch_dot_cases() {")
p("  static const std::vector<BatchDotCase> kCases = {")
for xs, ys, kind, axes in cases:
    r = keras_batch_dot(keras_x(xs), keras_y(ys), axes)
    pair = "{0, 0}" if axes is None else (f"{{{axes}, {axes}}}" if isinstance(axes, int)
                                          else f"{{{axes[0]}, {axes[1]}}}")
    p(f"      {{{cpp_shape(xs)}, {cpp_shape(ys)}, {kind}, {pair}, {cpp_shape(r.shape)},")
    p(f"       {samples(r)}}},")
p("  };\n  return kCases;\n}\n")

# keras.layers.dot examples.
x = np.arange(10, dtype=np.float64).reshape(1, 5, 2)
y = np.arange(10, 20, dtype=np.float64).reshape(1, 2, 5)
p("// keras.layers.dot([arange(10).reshape(1,5,2), arange(10,20).reshape(1,2,5)], axes=(1, 2)),")
p("// plain and with normalize=True (cosine form).")
p("inline const Samples kDotLayerPlain =\n    " + samples(keras_dot_layer(x, y, (1, 2), False)) + ";")
p("inline const Samples kDotLayerCosine =\n    " + samples(keras_dot_layer(x, y, (1, 2), True)) + ";")
u = keras_x((3, 4))
w = keras_y((3, 2, 4))
p("// keras.layers.dot([keras_x((3, 4)), keras_y((3, 2, 4))], axes=-1, normalize=True).")
p("inline const Samples kDotLayerNegativeCosine =\n    " +
  samples(keras_dot_layer(u, w, -1, True)) + ";")
p("// keras.backend.dot(keras_x((2, 3, 4)), keras_y((7, 4, 5))): shape (2, 3, 7, 5).")
p("inline const Samples kBackendDot =\n    " + samples(np.dot(keras_x((2, 3, 4)), keras_y((7, 4, 5))))
  + ";")
p("\n}  // namespace ein::nn::fixtures")
print("\n".join(out))
