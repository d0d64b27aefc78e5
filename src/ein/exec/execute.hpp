// Runs a lowered plan: resolves each Step's values to pointers and calls the kernels.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "ein/lowering/plan.hpp"

namespace ein::exec {

// Runs `plan` on operands that match plan.operands (checked by the caller) into `out`, a
// C-contiguous buffer of plan.output_shape elements of plan.dtype that does not overlap them.
void execute(const lowering::Plan& plan, std::span<const TensorView> operands, void* out);
// Same with a caller-provided workspace of at least plan.workspace_bytes() bytes.
void execute(const lowering::Plan& plan, std::span<const TensorView> operands, void* out,
             std::byte* workspace);

// The core: operands given by their data pointers (element [0, ..., 0] of views with the strides
// the plan was compiled for) and the workspace by the caller. Allocates nothing.
void execute_at(const lowering::Plan& plan, const void* const* operands, void* out,
                std::byte* workspace);

// The data pointers of a list of views, on the stack for up to 32 operands (no allocation).
class OperandPointers {
 public:
  explicit OperandPointers(std::span<const TensorView> operands) {
    if (operands.size() > small_.size()) heap_.resize(operands.size());
    const void** p = data_mut();
    for (std::size_t i = 0; i < operands.size(); ++i) p[i] = operands[i].data();
  }
  explicit OperandPointers(std::size_t n) {
    if (n > small_.size()) heap_.resize(n);
  }
  [[nodiscard]] const void* const* data() const {
    return heap_.empty() ? small_.data() : heap_.data();
  }
  const void** data_mut() { return heap_.empty() ? small_.data() : heap_.data(); }

 private:
  std::array<const void*, 32> small_{};
  std::vector<const void*> heap_;
};

// Throws ein::Error if `operands` do not match the shapes, strides and dtypes the plan was
// compiled for.
void check_operands(const lowering::Plan& plan, std::span<const TensorView> operands);

}  // namespace ein::exec
