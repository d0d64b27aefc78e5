// NumPy's tensor products with NumPy's exact semantics, lowered to the einsum engine.
#pragma once

#include <span>
#include <vector>

#include "ein/tensor.hpp"

namespace ein {

Tensor dot(const TensorView& a, const TensorView& b);
// Flattens both; conjugates the first for complex input.
Tensor vdot(const TensorView& a, const TensorView& b);
Tensor inner(const TensorView& a, const TensorView& b);
// Flattens both: out[i, j] = a.flat[i] * b.flat[j].
Tensor outer(const TensorView& a, const TensorView& b);
Tensor matmul(const TensorView& a, const TensorView& b);
// tensordot(a, b, axes=n): last n axes of a with first n axes of b.
Tensor tensordot(const TensorView& a, const TensorView& b, int axes = 2);
// tensordot(a, b, axes=(a_axes, b_axes)); negative axes allowed.
Tensor tensordot(const TensorView& a, const TensorView& b, std::span<const int> a_axes,
                 std::span<const int> b_axes);
Tensor kron(const TensorView& a, const TensorView& b);

// The 2-norm of the flattened tensor (Frobenius for matrices); float64 or float32 result as NumPy.
Tensor norm(const TensorView& a);
// (a·b / a·a) a, with vdot for complex vectors; a zero `a` gives zeros (documented).
Tensor project(const TensorView& b, const TensorView& onto);
// a·b / (|a| |b|) over the last axis (broadcast); zero vectors give 0.
Tensor cosine_similarity(const TensorView& a, const TensorView& b);

}  // namespace ein
