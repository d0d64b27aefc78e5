// What an einops pattern means for one input shape: the elementary axes, their extents, and how
// they are grouped on each side. Built in one place for rearrange, reduce and repeat so that the
// three share einops's checks and error messages.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ein/rearrange.hpp"
#include "ein/tensor.hpp"

namespace ein::einops {

enum class Operation { Rearrange, Reduce, Repeat };

// Elementary axes are numbered 0..n-1: first those of the left side in order (the ellipsis
// expanded into one axis per dimension it covers), then axes that only the right side names
// (repeat's new axes).
struct Recipe {
  std::vector<Index> extents;  // per elementary axis
  // Input axis i is split into the elementary axes input_groups[i] (empty for a unit axis);
  // concatenated, they are 0..left_count-1 in order.
  std::vector<std::vector<int>> input_groups;
  int left_count = 0;
  // Result axis j is the merge of output_groups[j] (empty for a unit axis).
  std::vector<std::vector<int>> output_groups;
  // Left axes that the right side does not name (reduce only), in left order.
  std::vector<int> reduced;

  // Output groups' extents (the result shape).
  [[nodiscard]] Shape output_shape() const;
};

// " (pattern \"...\", input shape (2, 3), sizes {h: 2})": appended to every error message.
std::string describe_call(std::string_view op_name, std::string_view pattern,
                          std::span<const Index> shape, const AxisSizes& sizes);

// Parses and checks `pattern` for `op` and solves every extent from `shape` and `sizes`.
// `op_label` names the operation in messages ("rearrange", "reduce max", "repeat").
Recipe make_recipe(Operation op, std::string_view pattern, std::span<const Index> shape,
                   const AxisSizes& sizes, const std::string& context);

}  // namespace ein::einops
