// The entry points of ein/beyond.hpp: each grammar is tokenized into a Pattern, resolved into
// split views and a parsed expression, planned and run by the einsum engine (the same lowering
// and executor as ein::einsum); then the output is placed on its diagonal and its groups merged.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "ein/beyond.hpp"
#include "ein/beyond/pattern.hpp"
#include "ein/beyond/resolve.hpp"
#include "ein/exec/execute.hpp"
#include "ein/lowering/plan.hpp"
#include "ein/support/checked.hpp"

namespace ein {

namespace {

void check_data(std::span<const TensorView> operands) {
  for (std::size_t i = 0; i < operands.size(); ++i) {
    if (operands[i].data() == nullptr && operands[i].numel() != 0) {
      throw Error(ErrorCode::InvalidArgument,
                  "einsum: operand " + std::to_string(i) +
                      " has no data (a default-constructed view or an invalid Tensor)");
    }
  }
}

// A zero-filled tensor from calloc: large blocks come from the OS already zeroed, so an embedded
// diagonal (mostly zeros) costs the pages its diagonal touches, not a memset of the whole output
// (Tensor::zeros: ~10x slower for '...i->...ii' on a (64, 256) input).
Tensor calloc_zeros(DType dtype, Shape shape) {
  const Index bytes = support::checked_mul(
      checked_numel(shape), static_cast<Index>(itemsize(dtype)), "einsum: output byte size");
  void* p = std::calloc(static_cast<std::size_t>(std::max<Index>(bytes, 1)), 1);
  if (p == nullptr) {
    throw Error(ErrorCode::OutOfMemory,
                "unable to allocate " + std::to_string(bytes) + " bytes for the einsum output");
  }
  std::shared_ptr<void> owner(p, std::free);  // frees p itself if its control block fails
  TensorView view(p, dtype, std::move(shape));
  return {std::move(owner), std::move(view)};
}

// Writes `core` (one element per distinct output label) into a zero-filled output of `labels`'
// extents through the view whose stride for a label is the sum of the output's strides at the
// label's positions: "i->ii" writes out[i, i].
Tensor embed_diagonal(const Tensor& core, const beyond::Resolved& r) {
  Shape shape;
  for (int l : r.output_labels) shape.push_back(r.parsed.extents[static_cast<std::size_t>(l)]);
  Tensor full = calloc_zeros(core.dtype(), std::move(shape));
  Strides strides;
  for (int l : r.parsed.output) {
    Index s = 0;
    for (std::size_t ax = 0; ax < r.output_labels.size(); ++ax) {
      if (r.output_labels[ax] == l) s += full.strides()[ax];
    }
    strides.push_back(s);
  }
  copy_into(core, TensorView(full.data(), full.dtype(), core.shape(), std::move(strides)));
  return full;
}

Tensor run(const beyond::Pattern& pattern, std::span<const TensorView> operands,
           const AxisSizes& sizes, const EinsumOptions& options) {
  check_data(operands);
  const beyond::Resolved r = beyond::resolve(pattern, operands, sizes);
  std::vector<OperandSpec> specs;
  for (const TensorView& v : r.operands) specs.push_back(OperandSpec::of(v));
  const lowering::Plan plan = lowering::lower_parsed(r.parsed, specs, options);
  Tensor result = Tensor::empty(plan.dtype, plan.output_shape);
  exec::execute(plan, r.operands, result.data());
  if (plan.result_dtype != plan.dtype) result = result.astype(plan.result_dtype);  // acc_dtype
  if (r.embeds_diagonal()) result = embed_diagonal(result, r);
  if (result.shape() != r.output_shape) result = result.reshape(r.output_shape);  // a view
  return result;
}

}  // namespace

Tensor einsum_ext(std::string_view subscripts, std::span<const TensorView> operands,
                  const AxisSizes& sizes, const EinsumOptions& options) {
  return run(beyond::parse_letters(subscripts), operands, sizes, options);
}

Tensor einsum_named(std::string_view pattern, std::span<const TensorView> operands,
                    const AxisSizes& sizes, const EinsumOptions& options) {
  return run(beyond::parse_named(pattern), operands, sizes, options);
}

Tensor einsum_sublists(std::span<const std::vector<int>> inputs,
                       const std::optional<std::vector<int>>& output,
                       std::span<const TensorView> operands, const EinsumOptions& options) {
  return run(beyond::from_sublists(inputs, output), operands, {}, options);
}

}  // namespace ein
