#include "ein/exec/execute.hpp"

#include <cstring>

#include "ein/convert.hpp"
#include "ein/exec/workspace.hpp"
#include "ein/permute/permute.hpp"
#include "ein/reduce/reduce.hpp"
#include "ein/semiring/semiring.hpp"

namespace ein::exec {
namespace {

struct Resolver {
  const void* const* operands;
  std::byte* workspace;
  void* out;

  [[nodiscard]] void* operator()(const lowering::ValueRef& r) const {
    switch (r.kind) {
      case lowering::ValueRef::Kind::Operand:
        // Operands are only read; steps take const pointers to them.
        return const_cast<void*>(operands[r.operand]);
      case lowering::ValueRef::Kind::Workspace:
        return workspace + r.offset;
      case lowering::ValueRef::Kind::Output:
        return out;
    }
    return nullptr;
  }
};

// Negates the imaginary parts of a C-contiguous complex value (only the output of a conj=
// single-operand einsum is conjugated this way, and the output is C-contiguous).
void conjugate_in_place(const lowering::StridedStep& s, void* data) {
  Index n = 1;
  for (Index e : s.shape) n *= e;
  visit_dtype(s.dst_dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_complex_v<T>) {
      T* p = static_cast<T*>(data);
      for (Index i = 0; i < n; ++i) p[i] = T(p[i].real(), -p[i].imag());
    }
  });
}

// Steps run their compile-time kernel plans on this call's pointers: nothing here allocates.
void run_step(const lowering::StridedStep& s, const Resolver& at, int threads, Semiring sr) {
  if (s.op == lowering::StridedStep::Op::Reduce && sr != Semiring::Standard) {
    semiring::reduce(sr, s.src_dtype, s.shape, at(s.src), s.src_strides, at(s.dst), s.dst_strides,
                     /*accumulate=*/false, threads);
  } else if (s.op == lowering::StridedStep::Op::Reduce) {
    reduce::sum(s.reduce_plan, s.src_dtype, at(s.src), at(s.dst), /*accumulate=*/false, threads);
  } else if (s.op == lowering::StridedStep::Op::Conjugate) {
    conjugate_in_place(s, at(s.dst));
  } else {
    permute::execute(s.copy_plan, s.src_dtype, at(s.src), s.dst_dtype, at(s.dst), threads);
  }
}

void run_step(const lowering::GemmStep& s, const Resolver& at, int threads, Semiring sr) {
  if (sr != Semiring::Standard) {
    semiring::gemm(sr, s.problem, at(s.a), at(s.b), at(s.c), threads);
    return;
  }
  gemm::run(s.prepared, at(s.a), at(s.b), at(s.c), threads);
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
        throw Error(ErrorCode::ShapeMismatch, "operand " + std::to_string(i) + " axis " +
                                                  std::to_string(ax) + " has stride " +
                                                  std::to_string(v.strides()[ax]) +
                                                  ", the expression was compiled for stride " +
                                                  std::to_string(spec.strides[ax]));
      }
    }
  }
}

void execute_at(const lowering::Plan& plan, const void* const* operands, void* out,
                std::byte* workspace) {
  if (plan.zero_fill) {
    const Index n = checked_numel(plan.output_shape);
    if (plan.semiring != Semiring::Standard) {
      // A summed label of extent 0: every output element is an empty sum, the semiring's zero.
      semiring::fill_zero(plan.semiring, plan.dtype, out, n);
      return;
    }
    std::memset(out, 0, static_cast<std::size_t>(n) * itemsize(plan.dtype));
    return;
  }
  const Resolver at{operands, workspace, out};
  for (const auto& step : plan.steps) {
    std::visit([&](const auto& s) { run_step(s, at, plan.threads, plan.semiring); }, step);
  }
}

void execute(const lowering::Plan& plan, std::span<const TensorView> operands, void* out,
             std::byte* workspace) {
  OperandPointers ptrs(operands);
  execute_at(plan, ptrs.data(), out, workspace);
}

void execute(const lowering::Plan& plan, std::span<const TensorView> operands, void* out) {
  if (plan.zero_fill) {
    execute(plan, operands, out, nullptr);
    return;
  }
  const Workspace ws(plan.workspace_bytes);
  OperandPointers ptrs(operands);
  execute_at(plan, ptrs.data(), out, ws.data());
}

}  // namespace ein::exec
