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

// The 2-norm of the flattened tensor (Frobenius for matrices) as a 0-D tensor: float32 for
// float32/complex64 input, float64 otherwise (as numpy.linalg.norm). A float32 sum of squares that
// overflows or underflows is redone in float64, and float64 data whose squares would overflow or
// underflow is rescaled by a power of two, so no finite input gives inf or a spurious 0.
Tensor norm(const TensorView& a);
// (a·b / a·a) a with a = onto, using vdot (a conjugated) so complex vectors project correctly.
// Flattened like vdot (same number of elements); the result has onto's shape and the promoted
// dtype (float64 for bool/integers). A zero `onto` (a·a == 0) gives zeros, not NaN.
Tensor project(const TensorView& b, const TensorView& onto);
// conj(a)·b / (|a| |b|) over the last axis, all axes broadcast like NumPy; the result drops the
// last axis. A zero vector gives 0, not NaN. Computed in double precision, returned in the
// promoted dtype (float64 for bool/integers). See docs/products.md.
Tensor cosine_similarity(const TensorView& a, const TensorView& b);

}  // namespace ein
