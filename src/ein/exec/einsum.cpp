// The public einsum entry points: einsum, einsum_into, einsum_path, Expression.
#include "ein/einsum.hpp"

#include <cstdint>
#include <string>

#include "ein/exec/compiled_plan.hpp"
#include "ein/exec/execute.hpp"
#include "ein/exec/sliced.hpp"
#include "ein/exec/workspace.hpp"
#include "ein/lowering/layout.hpp"
#include "ein/lowering/plan.hpp"

namespace ein {

namespace {

// A default-constructed view (null data, rank 0, one element) would be dereferenced: refuse it.
void check_data(const TensorView& v, const char* what, std::size_t i) {
  if (v.data() == nullptr && v.numel() != 0) {
    throw Error(ErrorCode::InvalidArgument,
                "einsum: " + std::string(what) + (i == SIZE_MAX ? "" : " " + std::to_string(i)) +
                    " has no data (a default-constructed view or an invalid Tensor)");
  }
}

void check_data(std::span<const TensorView> operands) {
  for (std::size_t i = 0; i < operands.size(); ++i) check_data(operands[i], "operand", i);
}

std::vector<OperandSpec> specs_of(std::span<const TensorView> operands) {
  check_data(operands);
  std::vector<OperandSpec> specs;
  specs.reserve(operands.size());
  for (const auto& v : operands) specs.push_back(OperandSpec::of(v));
  return specs;
}

// Lowers and fits the memory limit (slicing when the plan needs more workspace).
exec::SlicedPlan plan_for(std::string_view subscripts, std::span<const OperandSpec> specs,
                          const EinsumOptions& options) {
  return exec::fit_memory_limit(lowering::lower(subscripts, specs, options), options);
}

// Runs into a view of the output shape and the plan's dtype that overlaps no operand;
// `workspace`: the caller's (at least sp.workspace_bytes), or null for the thread's own.
void run_direct(const exec::SlicedPlan& sp, std::span<const TensorView> operands,
                const TensorView& out, std::byte* workspace) {
  // The caller's workspace, else the thread's own (a zero-byte Workspace allocates nothing).
  const exec::Workspace own(workspace != nullptr ? 0 : sp.workspace_bytes);
  std::byte* ws = workspace != nullptr ? workspace : own.data();
  if (sp.sliced()) {
    exec::execute_sliced(sp, operands, out, ws);
  } else {
    exec::execute(sp.whole, operands, out.data(), ws);
  }
}

Tensor run_fresh(const exec::SlicedPlan& sp, std::span<const TensorView> operands) {
  Tensor out = Tensor::empty(sp.whole.dtype, sp.whole.output_shape);
  run_direct(sp, operands, out, nullptr);
  // Storage dtypes and acc_dtype: the plan computed in a wider dtype; cast once, at the end.
  if (sp.whole.result_dtype != sp.whole.dtype) return out.astype(sp.whole.result_dtype);
  return out;
}

// NumPy's out= rules, checked before anything is written.
void check_out(const lowering::Plan& plan, const TensorView& out) {
  if (out.shape() != plan.output_shape) {
    throw Error(ErrorCode::ShapeMismatch, "einsum: out has shape " + shape_to_string(out.shape()) +
                                              ", the result has shape " +
                                              shape_to_string(plan.output_shape));
  }
  // A broadcast out (stride 0 on an axis of extent > 1) would receive several results in one
  // element, from several threads at once; NumPy refuses such outputs as read-only.
  // An empty out has no elements to collide (NumPy gives empty arrays zero strides).
  const bool empty = out.numel() == 0;
  for (int ax = 0; ax < out.rank() && !empty; ++ax) {
    if (out.shape()[ax] > 1 && out.strides()[ax] == 0) {
      throw Error(ErrorCode::InvalidArgument, "einsum: out axis " + std::to_string(ax) +
                                                  " is broadcast (stride 0 over extent " +
                                                  std::to_string(out.shape()[ax]) +
                                                  "); out must have one element per result");
    }
  }
  if (!can_cast_safely(plan.result_dtype, out.dtype())) {
    throw Error(ErrorCode::DTypeMismatch,
                "einsum: cannot cast the result from dtype('" +
                    std::string(dtype_name(plan.result_dtype)) + "') to out's dtype('" +
                    std::string(dtype_name(out.dtype())) + "') according to the rule 'safe'");
  }
}

// `workspace`: the caller's (at least sp.workspace_bytes), or null for the thread's own.
void run_into(const exec::SlicedPlan& sp, std::span<const TensorView> operands,
              const TensorView& out, std::byte* workspace = nullptr) {
  check_out(sp.whole, out);
  check_data(out, "out", SIZE_MAX);
  // Sliced plans write blocks through strided copies, so any layout of out works for them.
  // (A plan computing in a wider dtype than its result's is cast through the result's dtype.)
  bool direct = out.dtype() == sp.whole.dtype && sp.whole.result_dtype == sp.whole.dtype &&
                (sp.sliced() || out.is_contiguous());
  for (const auto& op : operands) direct = direct && !op.may_overlap(out);
  if (direct) {
    run_direct(sp, operands, out, workspace);
    return;
  }
  // Aliasing or a layout the plan was not compiled for: compute aside, then copy (NumPy's
  // result even when out overlaps an input).
  Tensor tmp = run_fresh(sp, operands);
  copy_into(tmp, out);
}

}  // namespace

Tensor einsum(std::string_view subscripts, std::span<const TensorView> operands,
              const EinsumOptions& options) {
  const auto specs = specs_of(operands);
  return run_fresh(plan_for(subscripts, specs, options), operands);
}

void einsum_into(std::string_view subscripts, std::span<const TensorView> operands,
                 const TensorView& out, const EinsumOptions& options) {
  const auto specs = specs_of(operands);
  run_into(plan_for(subscripts, specs, options), operands, out);
}

PathInfo einsum_path(std::string_view subscripts, std::span<const OperandSpec> operands,
                     const EinsumOptions& options) {
  return plan_for(subscripts, operands, options).whole.info;
}

std::optional<TensorView> einsum_view(std::string_view subscripts, const TensorView& operand) {
  const std::vector<Shape> shapes{operand.shape()};
  const expr::ParsedExpression e = expr::parse(subscripts, shapes);
  // Every label of the operand must reach the output (nothing summed).
  for (int l : e.inputs[0]) {
    if (!e.in_output(l) && e.extents[l] != 1) return std::nullopt;
  }
  const lowering::Layout in = lowering::operand_layout(e, 0, operand.shape(), operand.strides());
  Shape shape = e.output_shape();
  Strides strides;
  for (int l : e.output) strides.push_back(in.has(l) ? in.stride_of(l) : 0);
  return TensorView(operand.data(), operand.dtype(), std::move(shape), std::move(strides));
}

Expression Expression::compile(std::string_view subscripts, std::span<const OperandSpec> operands,
                               const EinsumOptions& options) {
  Expression e;
  e.plan_ = std::make_shared<const CompiledPlan>(plan_for(subscripts, operands, options), options);
  return e;
}

namespace {
// A default-constructed Expression has no plan; using it is a caller's mistake, not a crash.
const exec::SlicedPlan& plan_of(const std::shared_ptr<const CompiledPlan>& p) {
  if (!p) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression: not compiled (use Expression::compile to create one)");
  }
  return p->plan;
}
}  // namespace

Tensor Expression::operator()(std::span<const TensorView> operands) const {
  exec::check_operands(plan_of(plan_).whole, operands);
  check_data(operands);
  return run_fresh(plan_->plan, operands);
}

void Expression::run(std::span<const TensorView> operands, const TensorView& out) const {
  exec::check_operands(plan_of(plan_).whole, operands);
  check_data(operands);
  run_into(plan_->plan, operands, out);
}

void Expression::run(std::span<const TensorView> operands, const TensorView& out,
                     std::span<std::byte> workspace) const {
  const exec::SlicedPlan& sp = plan_of(plan_);
  const lowering::Plan& plan = sp.whole;
  exec::check_operands(plan, operands);
  check_data(operands);
  if (workspace.size() < sp.workspace_bytes) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression::run: the workspace has " + std::to_string(workspace.size()) +
                    " bytes, the plan needs " + std::to_string(sp.workspace_bytes));
  }
  // Intermediates are laid out at multiples of their element size from the workspace start.
  const auto align = static_cast<std::uintptr_t>(itemsize(plan.dtype));
  if (sp.workspace_bytes > 0 && reinterpret_cast<std::uintptr_t>(workspace.data()) % align != 0) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression::run: the workspace must be aligned to " + std::to_string(align) +
                    " bytes (the element size of " + std::string(dtype_name(plan.dtype)) + ")");
  }
  run_into(sp, operands, out, sp.workspace_bytes > 0 ? workspace.data() : nullptr);
}

const Shape& Expression::output_shape() const { return plan_of(plan_).whole.output_shape; }
DType Expression::output_dtype() const { return plan_of(plan_).whole.result_dtype; }
const PathInfo& Expression::info() const { return plan_of(plan_).whole.info; }
std::size_t Expression::workspace_bytes() const { return plan_of(plan_).workspace_bytes; }

}  // namespace ein
