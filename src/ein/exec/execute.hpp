// Runs a lowered plan: resolves each Step's values to pointers and calls the kernels.
#pragma once

#include <span>

#include "ein/lowering/plan.hpp"

namespace ein::exec {

// Runs `plan` on operands that match plan.operands (checked by the caller) into `out`, a
// C-contiguous buffer of plan.output_shape elements of plan.dtype that does not overlap them.
void execute(const lowering::Plan& plan, std::span<const TensorView> operands, void* out);

// Throws ein::Error if `operands` do not match the shapes, strides and dtypes the plan was
// compiled for.
void check_operands(const lowering::Plan& plan, std::span<const TensorView> operands);

}  // namespace ein::exec
