// The lowered plan: a flat list of Steps over operands, a workspace and the output.
//
// Everything here is decided at compile time: which operands are converted or copied, which
// labels each GEMM folds into m, n, k and batch, and where each intermediate lives in the
// workspace. Running a Plan only resolves ValueRefs to pointers and calls kernels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/expr/parse.hpp"
#include "ein/gemm/gemm.hpp"
#include "ein/permute/plan.hpp"
#include "ein/reduce/reduce.hpp"

namespace ein::lowering {

// Where a value lives: a caller's operand, a byte offset into the workspace, or the output.
struct ValueRef {
  enum class Kind : std::uint8_t { Operand, Workspace, Output };
  Kind kind = Kind::Workspace;
  int operand = -1;        // for Kind::Operand
  std::size_t offset = 0;  // bytes, for Kind::Workspace
};

// A strided single-operand step: copy (with dtype conversion when dtypes differ) or a sum over
// the axes where dst_strides is 0 and src_strides is not.
struct StridedStep {
  // Conjugate: dst (== src) is conjugated in place (complex dtypes only).
  enum class Op : std::uint8_t { Copy, Reduce, Conjugate };
  Op op = Op::Copy;
  Shape shape;
  ValueRef src;
  DType src_dtype = DType::Float64;
  Strides src_strides;
  ValueRef dst;
  DType dst_dtype = DType::Float64;
  Strides dst_strides;
  std::string describe;  // for the report, e.g. "copy ikj -> ijk"
  // The kernel's loop nest, planned at compile time so running allocates nothing (one of the
  // two, by op; see finalize()).
  permute::PermutePlan copy_plan;
  reduce::ReducePlan reduce_plan;

  // Plans the kernel loop nest from shape and strides; called once the strides are final.
  void finalize();
};

// A pairwise contraction: C = A * B in gemm's (batch, m, n, k) form; pointers are filled at run.
struct GemmStep {
  ValueRef a, b, c;
  gemm::GemmProblem problem;
  gemm::PreparedProblem prepared;  // `problem` canonicalised and routed once (standard semiring)
};

using Step = std::variant<StridedStep, GemmStep>;

struct Plan {
  expr::ParsedExpression expr;
  std::vector<OperandSpec> operands;
  DType dtype = DType::Float64;  // computation dtype, and the dtype of the plan's output buffer
  // The dtype of einsum's result: dtype unless the operands or the result are storage dtypes or
  // an acc_dtype was asked for; the front doors convert the plan's output to it.
  DType result_dtype = DType::Float64;
  Shape output_shape;
  Strides output_strides;  // C-contiguous: the plan writes a fresh or contiguous output
  bool zero_fill = false;  // a label has extent 0: the output is all zeros, nothing to run
  std::vector<Step> steps;
  std::size_t workspace_bytes = 0;
  PathInfo info;
  // The complete pairwise path the steps follow (info.path may stop early under a memory limit;
  // the rest is contracted left to right). Sliced plans lower their chunks along this path.
  ContractionPath executed_path;
  int threads = 0;
  // Reduce and GemmStep steps run semiring::reduce / semiring::gemm when not Standard.
  Semiring semiring = Semiring::Standard;
};

// options.memory_limit in bytes for this plan ('max_input' resolved); nullopt when unset.
// Throws ein::Error(InvalidArgument) on a negative limit.
std::optional<std::int64_t> memory_limit_bytes(const Plan& plan, const EinsumOptions& options);

// Validates everything and builds the plan. Throws ein::Error on bad input.
Plan lower(std::string_view subscripts, std::span<const OperandSpec> operands,
           const EinsumOptions& options);
// Same for NumPy's sublist form (already parsed).
Plan lower_parsed(expr::ParsedExpression parsed, std::span<const OperandSpec> operands,
                  const EinsumOptions& options);

}  // namespace ein::lowering
