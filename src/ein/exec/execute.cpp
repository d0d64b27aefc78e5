#include "ein/exec/execute.hpp"

#include <cstring>

#include "ein/exec/workspace.hpp"
#include "ein/permute/permute.hpp"
#include "ein/reduce/reduce.hpp"

namespace ein::exec {
namespace {

struct Resolver {
  std::span<const TensorView> operands;
  std::byte* workspace;
  void* out;

  [[nodiscard]] void* operator()(const lowering::ValueRef& r) const {
    switch (r.kind) {
      case lowering::ValueRef::Kind::Operand: return operands[r.operand].data();
      case lowering::ValueRef::Kind::Workspace: return workspace + r.offset;
      case lowering::ValueRef::Kind::Output: return out;
    }
    return nullptr;
  }
};

void run_step(const lowering::StridedStep& s, const Resolver& at, int threads) {
  TensorView src(at(s.src), s.src_dtype, s.shape, s.src_strides);
  TensorView dst(at(s.dst), s.dst_dtype, s.shape, s.dst_strides);
  if (s.op == lowering::StridedStep::Op::Reduce) {
    reduce::sum(src, dst, /*accumulate=*/false, threads);
  } else if (s.src_dtype == s.dst_dtype) {
    permute::copy(src, dst, threads);
  } else {
    permute::convert(src, dst, threads);
  }
}

void run_step(const lowering::GemmStep& s, const Resolver& at, int threads) {
  gemm::GemmProblem p = s.problem;
  p.a = at(s.a);
  p.b = at(s.b);
  p.c = at(s.c);
  gemm::run(p, threads);
}

}  // namespace

void check_operands(const lowering::Plan& plan, std::span<const TensorView> operands) {
  if (operands.size() != plan.operands.size()) {
    throw Error(ErrorCode::InvalidArgument,
                "expression compiled for " + std::to_string(plan.operands.size()) +
                    " operands was given " + std::to_string(operands.size()));
  }
  for (std::size_t i = 0; i < operands.size(); ++i) {
    const auto& spec = plan.operands[i];
    const auto& v = operands[i];
    if (v.dtype() != spec.dtype || v.shape() != spec.shape) {
      throw Error(ErrorCode::ShapeMismatch,
                  "operand " + std::to_string(i) + " has shape " + shape_to_string(v.shape()) +
                      " and dtype " + std::string(dtype_name(v.dtype())) +
                      ", the expression was compiled for shape " + shape_to_string(spec.shape) +
                      " and dtype " + std::string(dtype_name(spec.dtype)));
    }
    for (int ax = 0; ax < v.rank(); ++ax) {
      // Strides matter only on axes with more than one element.
      if (v.shape()[ax] > 1 && v.strides()[ax] != spec.strides[ax]) {
        throw Error(ErrorCode::ShapeMismatch,
                    "operand " + std::to_string(i) + " axis " + std::to_string(ax) +
                        " has stride " + std::to_string(v.strides()[ax]) +
                        ", the expression was compiled for stride " +
                        std::to_string(spec.strides[ax]));
      }
    }
  }
}

void execute(const lowering::Plan& plan, std::span<const TensorView> operands, void* out) {
  if (plan.zero_fill) {
    const Index n = checked_numel(plan.output_shape);
    std::memset(out, 0, static_cast<std::size_t>(n) * itemsize(plan.dtype));
    return;
  }
  Workspace ws(plan.workspace_bytes);
  const Resolver at{operands, ws.data(), out};
  for (const auto& step : plan.steps) {
    std::visit([&](const auto& s) { run_step(s, at, plan.threads); }, step);
  }
}

}  // namespace ein::exec
