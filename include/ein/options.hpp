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

// The algebra einsum computes in: its "sum" and its "product" (see docs/semirings.md).
//   Standard   sum, product                      (NumPy's einsum)
//   MaxPlus    max, +      zero -inf             (Viterbi, longest paths)
//   MinPlus    min, +      zero +inf             (shortest paths)
//   LogSumExp  log(sum(exp)), +   zero -inf      (log-space probabilities; computed stably)
//   MaxTimes   max, *      zero 0                (Viterbi on probabilities; inputs >= 0)
// A sum over no terms (a summed label of extent 0) is the semiring's zero. Non-standard
// semirings take float32 and float64 only (other dtypes: ein::Error(DTypeMismatch)).
enum class Semiring { Standard, MaxPlus, MinPlus, LogSumExp, MaxTimes };

struct EinsumOptions {
  // Path finder: "auto", "greedy", "optimal", "dp", "branch" or "none" (left to right). Ignored
  // when `path` is given.
  std::string optimize = "auto";
  // An explicit path; validated against the operand count.
  ContractionPath path;
  // NumPy's dtype=: operands are cast (casting='safe' checked) and the result has this dtype.
  std::optional<DType> dtype;
  // The accumulator: the dtype the whole contraction computes in (every operand must cast to it
  // safely, and it must be a compute dtype: not int8/uint8/int16/float16/bfloat16). The result
  // is then cast to `dtype` (casting='unsafe': accumulate wide, store narrow; the operands are not
  // checked against `dtype`), or to the operands' promoted dtype when `dtype` is not given.
  // Without it, storage dtypes compute in int32 (int8, uint8, int16: the same wrap-around as
  // NumPy's) or float32 (float16, bfloat16: rounded once at the end).
  std::optional<DType> acc_dtype;
  // The memory budget in bytes for one call's intermediates and workspace (the output and the
  // operands themselves do not count). The path finder avoids intermediates above it (as
  // NumPy's and opt_einsum's memory_limit do); when the chosen path still needs more workspace,
  // the executor slices the contraction: it loops over chunks of one or more labels, adding up
  // partial results for summed labels, so the call completes within the budget. A budget no
  // slicing can meet is an ein::Error(MemoryLimit) raised before anything is allocated or
  // written. kMaxInput means the largest operand's size (in the computation dtype), NumPy's
  // 'max_input'.
  std::optional<std::int64_t> memory_limit;
  static constexpr std::int64_t kMaxInput = -1;
  GemmRoute gemm_route = GemmRoute::Auto;
  // Threads for ein's own loops and BLAS; 0 means all cores.
  int threads = 0;
  // The semiring of the einsum's sums and products; paths are planned the same way.
  Semiring semiring = Semiring::Standard;
  // Per operand: use its complex conjugate (empty: none; else one flag per operand). No copy is
  // made: BLAS gets its conjugating transpose flags and ein's loops conjugate as they load.
  // Flags on real operands change nothing.
  std::vector<bool> conj;
};

}  // namespace ein
