// Elementwise arithmetic with NumPy broadcasting, and reductions.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "ein/tensor.hpp"

namespace ein {

// NumPy's broadcast shape of two shapes, or ShapeMismatch naming both.
Shape broadcast_shapes(std::span<const Index> a, std::span<const Index> b);

// The Hadamard product and friends; result dtype as NumPy (divide of integers gives float64).
Tensor multiply(const TensorView& a, const TensorView& b);
Tensor add(const TensorView& a, const TensorView& b);
Tensor subtract(const TensorView& a, const TensorView& b);
Tensor divide(const TensorView& a, const TensorView& b);
// Scalar forms: the scalar takes the tensor's dtype unless it needs a wider kind (NumPy 2's
// weak-scalar rule: an int tensor times 2.5 is float64, a float32 tensor times 2.5 stays float32).
Tensor multiply(const TensorView& a, double scalar);
Tensor add(const TensorView& a, double scalar);
Tensor subtract(const TensorView& a, double scalar);
Tensor divide(const TensorView& a, double scalar);

// Sum over `axes` (all axes when empty); dtype as NumPy's sum (bool/int32 -> int64).
Tensor sum(const TensorView& a, std::span<const int> axes = {}, bool keepdims = false);
// NumPy's trace(offset, axis1, axis2).
Tensor trace(const TensorView& a, Index offset = 0, int axis1 = 0, int axis2 = 1);
// NumPy's diagonal: a view (the diagonal is the last axis).
inline TensorView diagonal(const TensorView& a, Index offset = 0, int axis1 = 0, int axis2 = 1) {
  return a.diagonal(offset, axis1, axis2);
}

}  // namespace ein
