// Options passed down the pipeline. Strategy is a parameter, never a global.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ein/dtype.hpp"

namespace ein {

// A contraction path in opt_einsum's / NumPy's form: each pair names two positions in the current
// operand list; both are removed and their contraction is appended at the end.
using ContractionPath = std::vector<std::pair<int, int>>;

// How a pairwise step feeds its GEMM (for tests that force each route; Auto picks the cheaper).
enum class GemmRoute {
  Auto,             // BLAS directly on the view when strides allow, else permute first
  DirectOnView,     // prefer calling BLAS on the operands' own strides
  PermuteThenGemm,  // always permute operands into the workspace first
};

struct EinsumOptions {
  // Path finder: "auto", "greedy", "optimal", "dp", "branch" or "none" (left to right). Ignored
  // when `path` is given.
  std::string optimize = "auto";
  // An explicit path; validated against the operand count.
  ContractionPath path;
  // NumPy's dtype=: operands are cast (casting='safe' checked) and the result has this dtype.
  std::optional<DType> dtype;
  // Upper bound in bytes on the largest intermediate the planner may create.
  std::optional<std::int64_t> memory_limit;
  GemmRoute gemm_route = GemmRoute::Auto;
  // Threads for ein's own loops and BLAS; 0 means all cores.
  int threads = 0;
};

}  // namespace ein
