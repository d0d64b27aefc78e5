// The reductions einops offers, over the trailing axes of a strided view.
#pragma once

#include <string>

#include "ein/rearrange.hpp"
#include "ein/tensor.hpp"

namespace ein::einops {

// Reduces axes kept..rank-1 of `v` with `op`; the result is C-contiguous with shape
// v.shape()[0:kept]. sum goes through the einsum engine (ein::sum); mean is that sum divided by
// the count; max/min/prod/any/all are strided loops here. `context` ends error messages.
Tensor reduce_trailing(const TensorView& v, int kept, Reduction op, const std::string& context);

}  // namespace ein::einops
