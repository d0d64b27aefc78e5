// What an Expression holds: the plan (sliced to its memory limit when needed) and the options
// it was compiled with (plan files store them).
#pragma once

#include "ein/einsum.hpp"
#include "ein/exec/sliced.hpp"

namespace ein {

class CompiledPlan {
 public:
  CompiledPlan(exec::SlicedPlan p, EinsumOptions o) : plan(std::move(p)), options(std::move(o)) {}
  exec::SlicedPlan plan;  // plan.whole when it fits its memory limit (or has none)
  EinsumOptions options;
};

}  // namespace ein
