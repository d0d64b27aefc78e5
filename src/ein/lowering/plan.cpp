// Compile-time parts of plan steps.
#include "ein/lowering/plan.hpp"

namespace ein::lowering {

void StridedStep::finalize() {
  if (op == Op::Conjugate) return;  // runs as a flat loop over the value (see execute.cpp)
  if (op == Op::Reduce) {
    reduce_plan = reduce::ReducePlan::make(shape, src_strides, dst_strides);
  } else {
    copy_plan = permute::PermutePlan::make(shape, src_strides, dst_strides);
  }
}

}  // namespace ein::lowering
