// The public einsum entry points: einsum, einsum_into, einsum_path, Expression.
#include "ein/einsum.hpp"

#include <cstdint>
#include <string>

#include "ein/exec/execute.hpp"
#include "ein/lowering/layout.hpp"
#include "ein/lowering/plan.hpp"

namespace ein {

class CompiledPlan {
 public:
  explicit CompiledPlan(lowering::Plan p) : plan(std::move(p)) {}
  lowering::Plan plan;
};

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

Tensor run_fresh(const lowering::Plan& plan, std::span<const TensorView> operands) {
  Tensor out = Tensor::empty(plan.dtype, plan.output_shape);
  exec::execute(plan, operands, out.data());
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
  for (int ax = 0; ax < out.rank() && out.numel() > 0; ++ax) {
    if (out.shape()[ax] > 1 && out.strides()[ax] == 0) {
      throw Error(ErrorCode::InvalidArgument, "einsum: out axis " + std::to_string(ax) +
                                                  " is broadcast (stride 0 over extent " +
                                                  std::to_string(out.shape()[ax]) +
                                                  "); out must have one element per result");
    }
  }
  if (!can_cast_safely(plan.dtype, out.dtype())) {
    throw Error(ErrorCode::DTypeMismatch,
                "einsum: cannot cast the result from dtype('" + std::string(dtype_name(plan.dtype)) +
                    "') to out's dtype('" + std::string(dtype_name(out.dtype())) +
                    "') according to the rule 'safe'");
  }
}

void run_into(const lowering::Plan& plan, std::span<const TensorView> operands,
              const TensorView& out) {
  check_out(plan, out);
  check_data(out, "out", SIZE_MAX);
  bool direct = out.dtype() == plan.dtype && out.is_contiguous();
  for (const auto& op : operands) direct = direct && !op.may_overlap(out);
  if (direct) {
    exec::execute(plan, operands, out.data());
    return;
  }
  // Aliasing or a layout the plan was not compiled for: compute aside, then copy (NumPy's
  // result even when out overlaps an input).
  Tensor tmp = run_fresh(plan, operands);
  copy_into(tmp, out);
}

}  // namespace

Tensor einsum(std::string_view subscripts, std::span<const TensorView> operands,
              const EinsumOptions& options) {
  const auto specs = specs_of(operands);
  const lowering::Plan plan = lowering::lower(subscripts, specs, options);
  return run_fresh(plan, operands);
}

void einsum_into(std::string_view subscripts, std::span<const TensorView> operands,
                 const TensorView& out, const EinsumOptions& options) {
  const auto specs = specs_of(operands);
  const lowering::Plan plan = lowering::lower(subscripts, specs, options);
  run_into(plan, operands, out);
}

PathInfo einsum_path(std::string_view subscripts, std::span<const OperandSpec> operands,
                     const EinsumOptions& options) {
  return lowering::lower(subscripts, operands, options).info;
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
  e.plan_ = std::make_shared<const CompiledPlan>(lowering::lower(subscripts, operands, options));
  return e;
}

namespace {
// A default-constructed Expression has no plan; using it is a caller's mistake, not a crash.
const lowering::Plan& plan_of(const std::shared_ptr<const CompiledPlan>& p) {
  if (!p) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression: not compiled (use Expression::compile to create one)");
  }
  return p->plan;
}
}  // namespace

Tensor Expression::operator()(std::span<const TensorView> operands) const {
  exec::check_operands(plan_of(plan_), operands);
  check_data(operands);
  return run_fresh(plan_->plan, operands);
}

void Expression::run(std::span<const TensorView> operands, const TensorView& out) const {
  exec::check_operands(plan_of(plan_), operands);
  check_data(operands);
  run_into(plan_->plan, operands, out);
}

const Shape& Expression::output_shape() const { return plan_of(plan_).output_shape; }
DType Expression::output_dtype() const { return plan_of(plan_).dtype; }
const PathInfo& Expression::info() const { return plan_of(plan_).info; }
std::size_t Expression::workspace_bytes() const { return plan_of(plan_).workspace_bytes; }

}  // namespace ein
