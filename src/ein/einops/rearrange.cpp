// einops's rearrange, reduce and repeat: split the input's axes (a view), permute them (a view),
// reduce or broadcast, then merge the result's groups (a view when the strides allow).
#include "ein/rearrange.hpp"

#include <algorithm>
#include <array>

#include "ein/einops/recipe.hpp"
#include "ein/einops/reduction.hpp"
#include "ein/einops/views.hpp"

namespace ein {

namespace {

using einops::Operation;
using einops::Recipe;

struct Prepared {
  Recipe recipe;
  std::string context;
  // The input with every group split and the axes put in result order (kept axes in the order
  // the right side names them, then the reduced ones).
  TensorView permuted;
  int kept = 0;  // leading axes of `permuted` that the right side names
};

Prepared prepare(Operation op, std::string_view op_name, const TensorView& x,
                 std::string_view pattern, const AxisSizes& sizes) {
  Prepared p;
  p.context = einops::describe_call(op_name, pattern, x.shape(), sizes);
  p.recipe = einops::make_recipe(op, pattern, x.shape(), sizes, p.context);
  const Recipe& r = p.recipe;

  std::vector<std::vector<Index>> splits;
  for (const auto& g : r.input_groups) {
    splits.emplace_back();
    for (int a : g) splits.back().push_back(r.extents[static_cast<std::size_t>(a)]);
  }
  const TensorView split = einops::split_axes(x, splits);

  // Left axes are numbered 0..left_count-1 in split order, so an axis id is its split position.
  std::vector<int> perm;
  for (const auto& g : r.output_groups) {
    for (int a : g) {
      if (a < r.left_count) perm.push_back(a);
    }
  }
  p.kept = static_cast<int>(perm.size());
  perm.insert(perm.end(), r.reduced.begin(), r.reduced.end());
  p.permuted = split.permute(perm);
  return p;
}

// How many elementary axes each output group merges.
std::vector<int> group_counts(const Recipe& r) {
  std::vector<int> counts;
  for (const auto& g : r.output_groups) counts.push_back(static_cast<int>(g.size()));
  return counts;
}

// The rearranged view, or nullopt when a merge needs a copy.
std::optional<TensorView> rearranged_view(const Prepared& p) {
  return einops::merge_axes(p.permuted, group_counts(p.recipe));
}

Tensor rearrange_impl(const std::shared_ptr<void>& owner, const TensorView& x,
                      std::string_view pattern, const AxisSizes& sizes) {
  const Prepared p = prepare(Operation::Rearrange, "rearrange", x, pattern, sizes);
  if (std::optional<TensorView> v = rearranged_view(p)) return {owner, *v};
  // The permuted axes do not merge in place: copy them into row-major order, where they do.
  const Tensor packed = Tensor::borrow(p.permuted).copy();
  return packed.reshape(p.recipe.output_shape());
}

}  // namespace

Tensor rearrange(const Tensor& x, std::string_view pattern, const AxisSizes& sizes) {
  return rearrange_impl(x.owner(), x.view(), pattern, sizes);
}

Tensor rearrange(const TensorView& x, std::string_view pattern, const AxisSizes& sizes) {
  return rearrange_impl(nullptr, x, pattern, sizes);
}

bool rearrange_is_view(const TensorView& x, std::string_view pattern, const AxisSizes& sizes) {
  return rearranged_view(prepare(Operation::Rearrange, "rearrange", x, pattern, sizes)).has_value();
}

Reduction reduction_from_name(std::string_view name) {
  static constexpr std::array kAll = {Reduction::Sum, Reduction::Mean, Reduction::Max,
                                      Reduction::Min, Reduction::Prod, Reduction::Any,
                                      Reduction::All};
  for (Reduction r : kAll) {
    if (reduction_name(r) == name) return r;
  }
  throw Error(ErrorCode::InvalidArgument,
              "Unknown reduction " + std::string(name) +
                  ". Expect one of ('min', 'max', 'sum', 'mean', 'prod', 'any', 'all').");
}

std::string_view reduction_name(Reduction r) noexcept {
  switch (r) {
    case Reduction::Sum:
      return "sum";
    case Reduction::Mean:
      return "mean";
    case Reduction::Max:
      return "max";
    case Reduction::Min:
      return "min";
    case Reduction::Prod:
      return "prod";
    case Reduction::Any:
      return "any";
    case Reduction::All:
      return "all";
  }
  return "?";
}

Tensor reduce(const TensorView& x, std::string_view pattern, Reduction reduction,
              const AxisSizes& sizes) {
  const std::string op_name = "reduce " + std::string(reduction_name(reduction));
  const Prepared p = prepare(Operation::Reduce, op_name, x, pattern, sizes);
  const Tensor reduced = einops::reduce_trailing(p.permuted, p.kept, reduction, p.context);
  // The reduction's result is C-contiguous in the kept order, so the groups merge as a view.
  return reduced.reshape(p.recipe.output_shape());
}

Tensor reduce(const TensorView& x, std::string_view pattern, std::string_view reduction,
              const AxisSizes& sizes) {
  return reduce(x, pattern, reduction_from_name(reduction), sizes);
}

Tensor repeat(const TensorView& x, std::string_view pattern, const AxisSizes& sizes) {
  const Prepared p = prepare(Operation::Repeat, "repeat", x, pattern, sizes);
  const Recipe& r = p.recipe;
  // Lay out every elementary axis of the result: kept axes from the permuted view, new axes as
  // stride-0 broadcasts. Then one copy makes it contiguous and the groups merge as a view.
  Shape shape;
  Strides strides;
  int next_kept = 0;
  for (const auto& g : r.output_groups) {
    for (int a : g) {
      if (a < r.left_count) {
        shape.push_back(p.permuted.extent(next_kept));
        strides.push_back(p.permuted.stride(next_kept));
        ++next_kept;
      } else {
        shape.push_back(r.extents[static_cast<std::size_t>(a)]);
        strides.push_back(0);
      }
    }
  }
  const TensorView broadcast(x.data(), x.dtype(), std::move(shape), std::move(strides));
  return Tensor::borrow(broadcast).copy().reshape(r.output_shape());
}

}  // namespace ein
