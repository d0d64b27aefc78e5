#include "ein/elementwise/loop.hpp"

namespace ein::elementwise {

Index LoopPlan::rows() const {
  Index rows = 1;
  for (std::size_t i = 0; i + 1 < shape.size(); ++i) rows *= shape[i];
  // An empty inner axis means there is nothing to do at all.
  return shape.empty() || shape.back() != 0 ? rows : 0;
}

LoopPlan plan_loop(std::span<const Index> shape, std::span<const Strides* const> strides) {
  LoopPlan plan;
  plan.operands = static_cast<int>(strides.size());
  if (plan.operands > kMaxLoopOperands) {
    throw Error(ErrorCode::Internal, "plan_loop: too many operands");
  }
  for (Index e : shape) {
    if (e == 0) {
      // Nothing is read or written; one empty axis says so.
      plan.shape = {0};
      for (int k = 0; k < plan.operands; ++k) plan.strides[k] = {0};
      return plan;
    }
  }
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;  // contributes no iteration; its stride is irrelevant
    if (!plan.shape.empty()) {
      // Merge axis i into the previous kept axis when that is one row-major block for everyone:
      // stride(prev) == stride(i) * extent(i).
      bool mergeable = true;
      for (int k = 0; k < plan.operands && mergeable; ++k) {
        mergeable = plan.strides[k].back() == (*strides[k])[i] * shape[i];
      }
      if (mergeable) {
        plan.shape.back() *= shape[i];
        for (int k = 0; k < plan.operands; ++k) plan.strides[k].back() = (*strides[k])[i];
        continue;
      }
    }
    plan.shape.push_back(shape[i]);
    for (int k = 0; k < plan.operands; ++k) plan.strides[k].push_back((*strides[k])[i]);
  }
  return plan;
}

}  // namespace ein::elementwise
