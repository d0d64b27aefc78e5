// Keras's batch_dot, backend dot and Dot layer as einsum equations.
//
// Keras computes batch_dot by transposing the contracted axes into place, squashing the other
// axes to rank 3, calling matmul and reshaping back. In einsum terms that is one equation: axis 0
// of both inputs is a batch label, the two contracted axes share a label, and every other axis is
// a free label, x's before y's. Only the rank-2 case needs care: Keras expands x to (B, 1, F) and
// y to (B, F, 1) and squeezes only one of the two unit axes again, leaving (B, 1) when both
// inputs are matrices.
#include <array>
#include <cmath>
#include <string>
#include <type_traits>

#include "ein/einsum.hpp"
#include "ein/nn.hpp"
#include "ein/nn/common.hpp"
#include "ein/nn/rows.hpp"
#include "ein/products.hpp"

namespace ein::keras {

namespace {

// Label i of a term: a..z then A..Z.
char label(int i) {
  if (i >= 52) {
    throw Error(ErrorCode::InvalidArgument,
                "batch_dot: the inputs have more than 52 axes in total, more than einsum has "
                "letters for");
  }
  return static_cast<char>(i < 26 ? 'a' + i : 'A' + (i - 26));
}

std::string shapes_text(const TensorView& x, const TensorView& y) {
  return shape_to_string(x.shape()) + " and " + shape_to_string(y.shape());
}

int normalize_keras_axis(int axis, const TensorView& t, const char* name) {
  const int n = axis < 0 ? axis + t.rank() : axis;
  if (n < 0 || n >= t.rank()) {
    throw Error(ErrorCode::AxisError, std::string("batch_dot: axis ") + std::to_string(axis) +
                                          " of " + name + " is out of bounds for " + name +
                                          " of shape " + shape_to_string(t.shape()));
  }
  return n;
}

void check_ranks(const TensorView& x, const TensorView& y) {
  if (x.rank() < 2 || y.rank() < 2) {
    throw Error(ErrorCode::ShapeMismatch,
                "batch_dot: Cannot do batch_dot on inputs with rank < 2. Received inputs with "
                "shapes " +
                    shapes_text(x, y) + ".");
  }
  if (x.extent(0) != y.extent(0)) {
    throw Error(ErrorCode::ShapeMismatch,
                "batch_dot: Cannot do batch_dot on inputs with different batch sizes. Received "
                "inputs with shapes " +
                    shapes_text(x, y) + ".");
  }
}

// Python's a % b for b > 0 (Keras normalises the Dot layer's negative axes that way).
int python_mod(int a, int b) { return ((a % b) + b) % b; }

}  // namespace

Tensor batch_dot(const TensorView& x, const TensorView& y, std::pair<int, int> axes) {
  check_ranks(x, y);
  const int ax = normalize_keras_axis(axes.first, x, "x");
  const int ay = normalize_keras_axis(axes.second, y, "y");
  if (ax == 0 || ay == 0) {
    throw Error(ErrorCode::InvalidArgument,
                "batch_dot: Cannot perform batch_dot over axis 0 (the batch axis). If your "
                "inputs are not batched, add a dummy batch dimension to your inputs first. "
                "Received axes=(" +
                    std::to_string(axes.first) + ", " + std::to_string(axes.second) + ").");
  }
  if (x.extent(ax) != y.extent(ay)) {
    throw Error(ErrorCode::ShapeMismatch,
                "batch_dot: Cannot do batch_dot on inputs with shapes " + shapes_text(x, y) +
                    " with axes=(" + std::to_string(ax) + ", " + std::to_string(ay) +
                    "): x.shape[" + std::to_string(ax) + "] != y.shape[" + std::to_string(ay) +
                    "] (" + std::to_string(x.extent(ax)) + " != " + std::to_string(y.extent(ay)) +
                    ").");
  }
  // a: batch, b: contracted, c...: free axes of x then of y.
  std::string tx, ty, out = "a";
  int next = 2;
  for (int i = 0; i < x.rank(); ++i) {
    const char c = i == 0 ? 'a' : i == ax ? 'b' : label(next++);
    tx += c;
    if (i != 0 && i != ax) out += c;
  }
  for (int i = 0; i < y.rank(); ++i) {
    const char c = i == 0 ? 'a' : i == ay ? 'b' : label(next++);
    ty += c;
    if (i != 0 && i != ay) out += c;
  }
  const std::array<TensorView, 2> ops = {x, y};
  const Tensor r = einsum(tx + "," + ty + "->" + out, ops);
  // Two matrices: Keras keeps one of the unit axes it added.
  return x.rank() == 2 && y.rank() == 2 ? r.reshape({x.extent(0), 1}) : r;
}

Tensor batch_dot(const TensorView& x, const TensorView& y, int axes) {
  return batch_dot(x, y, std::pair{axes, axes});
}

Tensor batch_dot(const TensorView& x, const TensorView& y) {
  check_ranks(x, y);
  return batch_dot(x, y, std::pair{x.rank() - 1, y.rank() == 2 ? y.rank() - 1 : y.rank() - 2});
}

Tensor dot(const TensorView& x, const TensorView& y) { return ein::dot(x, y); }

Tensor l2_normalize(const TensorView& x, int axis, double epsilon) {
  const DType dtype = nn::compute_dtype({x.dtype()}, "l2_normalize");
  const int ax = normalize_axis(axis, x.rank(), "l2_normalize: axis");
  const Tensor in = nn::as_dtype(x, dtype);
  Tensor out = Tensor::empty(dtype, x.shape());
  const TensorView in_rows = nn::axis_last(in.view(), ax);
  const TensorView out_rows = nn::axis_last(out.view(), ax);
  const Index n = in_rows.extent(-1), is = in_rows.stride(-1), os = out_rows.stride(-1);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const T* src = static_cast<const T*>(in_rows.data());
      T* dst = static_cast<T*>(out_rows.data());
      nn::for_each_row(in_rows, out_rows, 0, [&](Index, Index io, Index oo) {
        double sq = 0;
        for (Index j = 0; j < n; ++j) {
          const double v = static_cast<double>(src[io + j * is]);
          sq += v * v;
        }
        // rsqrt(max(sum of squares, epsilon)), as tf.math.l2_normalize.
        const T inv = static_cast<T>(1.0 / std::sqrt(std::max(sq, epsilon)));
        for (Index j = 0; j < n; ++j) dst[oo + j * os] = src[io + j * is] * inv;
      });
    }
  });
  return out;
}

Tensor dot_layer(const TensorView& x, const TensorView& y, std::pair<int, int> axes,
                 bool normalize) {
  check_ranks(x, y);
  const int ax = axes.first < 0 ? python_mod(axes.first, x.rank()) : axes.first;
  const int ay = axes.second < 0 ? python_mod(axes.second, y.rank()) : axes.second;
  if (!normalize) return batch_dot(x, y, std::pair{ax, ay});
  // Validate the axes before normalising along them.
  (void)normalize_keras_axis(ax, x, "x");
  (void)normalize_keras_axis(ay, y, "y");
  return batch_dot(l2_normalize(x, ax), l2_normalize(y, ay), std::pair{ax, ay});
}

Tensor dot_layer(const TensorView& x, const TensorView& y, int axes, bool normalize) {
  return dot_layer(x, y, std::pair{axes, axes}, normalize);
}

}  // namespace ein::keras
