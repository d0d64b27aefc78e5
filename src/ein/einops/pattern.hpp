// Parsing one side of an einops pattern ("b t (d k h)") into groups of elementary axes.
//
// Mirrors einops's ParsedExpression: a group is what one axis of the tensor is made of; "1" or
// "()" outside parentheses is an empty group (an axis of extent 1), "1" inside parentheses adds
// nothing; a number n > 1 is an anonymous axis that is distinct from every other axis, even one
// spelled with the same number.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::einops {

// One elementary axis as written: a name, an anonymous extent, or the ellipsis.
struct PatternAxis {
  enum class Kind { Named, Anonymous, Ellipsis };
  Kind kind = Kind::Named;
  std::string name;       // Named only
  Index extent = 0;       // Anonymous only (> 1)
  int anonymous_id = -1;  // Anonymous only: distinct per occurrence in the whole pattern
};

// A group of elementary axes; `parenthesized` tells "(a)" from "a" (both one axis).
struct PatternGroup {
  std::vector<PatternAxis> axes;
  bool parenthesized = false;
};

struct PatternSide {
  std::vector<PatternGroup> groups;
  bool has_ellipsis = false;
  bool ellipsis_parenthesized = false;
  bool has_anonymous = false;  // any anonymous axis of extent > 1
  // Names in order of first appearance (anonymous axes and the ellipsis excluded).
  std::vector<std::string> names;
  [[nodiscard]] bool has_name(std::string_view name) const;
};

// Whether `name` is a valid axis name: a C identifier that neither starts nor ends with '_'.
// On failure `reason` says why.
bool valid_axis_name(std::string_view name, std::string* reason = nullptr);

// Parses one side. `next_anonymous_id` numbers anonymous axes across both sides. `context` is
// appended to error messages (the whole pattern and input description).
PatternSide parse_side(std::string_view text, int& next_anonymous_id, const std::string& context);

// Splits "left -> right" (exactly one "->"); ParseError otherwise.
void split_pattern(std::string_view pattern, std::string_view& left, std::string_view& right,
                   const std::string& context);

}  // namespace ein::einops
