// Dtype rules shared by the nn front doors.
#pragma once

#include <initializer_list>

#include "ein/tensor.hpp"

namespace ein::nn {

// The dtype a front door computes in: the NumPy promotion of the inputs' dtypes, with bool and
// integers computed in float64; complex inputs are rejected (DTypeMismatch naming `what`).
DType compute_dtype(std::initializer_list<DType> dtypes, const char* what);

// `v` itself (borrowed) when it already has `dtype`, else a converted contiguous copy.
Tensor as_dtype(const TensorView& v, DType dtype);

}  // namespace ein::nn
