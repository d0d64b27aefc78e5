// Elementwise arithmetic with NumPy broadcasting, and reductions.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
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
// Scalar-first forms: scalar - a and scalar / a (same dtype rule).
Tensor subtract(double scalar, const TensorView& a);
Tensor divide(double scalar, const TensorView& a);

// Complex scalar forms (a Python complex): bool/int/float64 tensors give complex128, float32
// gives complex64, complex tensors keep their dtype.
Tensor multiply(const TensorView& a, complex128 scalar);
Tensor add(const TensorView& a, complex128 scalar);
Tensor subtract(const TensorView& a, complex128 scalar);
Tensor divide(const TensorView& a, complex128 scalar);

// Integer scalar forms (a Python int): integer tensors keep their dtype (ein::Error(Overflow) if
// the value does not fit, as NumPy 2 raises OverflowError), bool tensors give int64, inexact
// tensors keep theirs; divide gives float64 for bool/integer tensors. Integer arguments of any
// C++ type reach these through the templates below, so `multiply(t, 2)` keeps an int32 tensor
// int32 instead of going through the double overload.
struct IntScalar {
  std::int64_t value = 0;
};
Tensor multiply(const TensorView& a, IntScalar scalar);
Tensor add(const TensorView& a, IntScalar scalar);
Tensor subtract(const TensorView& a, IntScalar scalar);
Tensor divide(const TensorView& a, IntScalar scalar);
Tensor subtract(IntScalar scalar, const TensorView& a);
Tensor divide(IntScalar scalar, const TensorView& a);

namespace detail {
template <class I>
concept integer_scalar = std::integral<I> && !std::same_as<I, bool>;
template <integer_scalar I>
IntScalar to_int_scalar(I v) {
  if (!std::in_range<std::int64_t>(v)) {
    throw Error(ErrorCode::Overflow, "integer scalar " + std::to_string(v) + " does not fit int64");
  }
  return {static_cast<std::int64_t>(v)};
}
}  // namespace detail
template <detail::integer_scalar I>
Tensor multiply(const TensorView& a, I scalar) {
  return multiply(a, detail::to_int_scalar(scalar));
}
template <detail::integer_scalar I>
Tensor add(const TensorView& a, I scalar) {
  return add(a, detail::to_int_scalar(scalar));
}
template <detail::integer_scalar I>
Tensor subtract(const TensorView& a, I scalar) {
  return subtract(a, detail::to_int_scalar(scalar));
}
template <detail::integer_scalar I>
Tensor divide(const TensorView& a, I scalar) {
  return divide(a, detail::to_int_scalar(scalar));
}
template <detail::integer_scalar I>
Tensor subtract(I scalar, const TensorView& a) {
  return subtract(detail::to_int_scalar(scalar), a);
}
template <detail::integer_scalar I>
Tensor divide(I scalar, const TensorView& a) {
  return divide(detail::to_int_scalar(scalar), a);
}

// The complex conjugate (a copy; real dtypes are copied unchanged, as NumPy's conj).
Tensor conj(const TensorView& a);

// Sum over `axes` (all axes when empty); dtype as NumPy's sum (bool/int32 -> int64).
Tensor sum(const TensorView& a, std::span<const int> axes = {}, bool keepdims = false);
// NumPy's trace(offset, axis1, axis2).
Tensor trace(const TensorView& a, Index offset = 0, int axis1 = 0, int axis2 = 1);
// NumPy's diagonal: a view (the diagonal is the last axis).
inline TensorView diagonal(const TensorView& a, Index offset = 0, int axis1 = 0, int axis2 = 1) {
  return a.diagonal(offset, axis1, axis2);
}

}  // namespace ein
