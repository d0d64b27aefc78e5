#include "ein/einops/recipe.hpp"

#include <algorithm>
#include <sstream>

#include "ein/einops/pattern.hpp"
#include "ein/support/checked.hpp"

namespace ein::einops {

namespace {

constexpr Index kUnknown = -1;

[[noreturn]] void fail(ErrorCode code, const std::string& what, const std::string& context) {
  throw Error(code, what + context);
}

// "{'b', 'c'}" as einops prints sets of names (in order of appearance here, so messages are
// deterministic).
std::string name_set(const std::vector<std::string>& names) {
  std::string s = "{";
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", '" : "'") + names[i] + "'";
  return s + "}";
}

// Keys identifying elementary axes: a name, "#<id>" for an anonymous axis, "...<i>" for the
// ellipsis's i-th dimension (neither can collide with a valid name).
// (Built with += rather than "literal" + std::string&&, which trips GCC 12's -Wrestrict at -O2.)
std::string anonymous_key(const PatternAxis& a) {
  std::string key = "#";
  key += std::to_string(a.anonymous_id);
  return key;
}
std::string ellipsis_key(int i) {
  std::string key = "...";
  key += std::to_string(i);
  return key;
}
// How a key reads in a message.
std::string key_label(const std::string& key, Index anonymous_extent) {
  if (key.starts_with("#")) return std::to_string(anonymous_extent) + "-axis";
  if (key.starts_with("...")) return "...";
  return key;
}

// One side with the ellipsis expanded: groups of elementary keys.
struct ExpandedSide {
  std::vector<std::vector<std::string>> groups;
  std::vector<std::string> keys;         // all keys, in order
  std::vector<Index> anonymous_extents;  // per key: extent of an anonymous axis, else 0
  [[nodiscard]] bool has(const std::string& key) const {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
};

ExpandedSide expand(const PatternSide& side, int ellipsis_rank) {
  ExpandedSide out;
  const auto add = [&](std::vector<std::string>& group, std::string key, Index extent) {
    group.push_back(key);
    out.keys.push_back(std::move(key));
    out.anonymous_extents.push_back(extent);
  };
  for (const PatternGroup& g : side.groups) {
    const bool lone_ellipsis =
        !g.parenthesized && g.axes.size() == 1 && g.axes[0].kind == PatternAxis::Kind::Ellipsis;
    if (lone_ellipsis) {
      // An unparenthesised ellipsis is one group per dimension it covers.
      for (int i = 0; i < ellipsis_rank; ++i) {
        out.groups.emplace_back();
        add(out.groups.back(), ellipsis_key(i), 0);
      }
      continue;
    }
    out.groups.emplace_back();
    for (const PatternAxis& a : g.axes) {
      switch (a.kind) {
        case PatternAxis::Kind::Named:
          add(out.groups.back(), a.name, 0);
          break;
        case PatternAxis::Kind::Anonymous:
          add(out.groups.back(), anonymous_key(a), a.extent);
          break;
        case PatternAxis::Kind::Ellipsis:
          for (int i = 0; i < ellipsis_rank; ++i) add(out.groups.back(), ellipsis_key(i), 0);
          break;
      }
    }
  }
  return out;
}

// Names (with "..." for the ellipsis and "n-axis" for anonymous axes) of `from` missing in `in`.
std::vector<std::string> missing(const ExpandedSide& from, const ExpandedSide& in) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < from.keys.size(); ++i) {
    if (in.has(from.keys[i])) continue;
    const std::string label = key_label(from.keys[i], from.anonymous_extents[i]);
    if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(label);
  }
  return out;
}

void check_sides(Operation op, const PatternSide& left, const PatternSide& right,
                 const ExpandedSide& l, const ExpandedSide& r, const AxisSizes& sizes,
                 const std::string& context) {
  if (!left.has_ellipsis && right.has_ellipsis) {
    fail(ErrorCode::InvalidArgument, "Ellipsis found in right side, but not left side of a pattern",
         context);
  }
  if (left.has_ellipsis && left.ellipsis_parenthesized) {
    fail(ErrorCode::InvalidArgument, "Ellipsis inside parenthesis in the left side is not allowed",
         context);
  }
  switch (op) {
    case Operation::Rearrange: {
      if (left.has_anonymous || right.has_anonymous) {
        fail(ErrorCode::InvalidArgument,
             "Non-unitary anonymous axes are not supported in rearrange (exception is length 1)",
             context);
      }
      std::vector<std::string> diff = missing(l, r);
      for (const std::string& s : missing(r, l)) diff.push_back(s);
      if (!diff.empty()) {
        fail(ErrorCode::InvalidArgument,
             "Identifiers only on one side of expression (should be on both): " + name_set(diff),
             context);
      }
      break;
    }
    case Operation::Repeat: {
      const std::vector<std::string> extra = missing(l, r);
      if (!extra.empty()) {
        fail(ErrorCode::InvalidArgument,
             "Unexpected identifiers on the left side of repeat: " + name_set(extra), context);
      }
      std::vector<std::string> unsized;
      for (const std::string& name : right.names) {
        const bool sized =
            std::any_of(sizes.begin(), sizes.end(), [&](const auto& s) { return s.first == name; });
        if (!l.has(name) && !sized) unsized.push_back(name);
      }
      if (!unsized.empty()) {
        fail(ErrorCode::InvalidArgument,
             "Specify sizes for new axes in repeat: " + name_set(unsized), context);
      }
      break;
    }
    case Operation::Reduce: {
      const std::vector<std::string> extra = missing(r, l);
      if (!extra.empty()) {
        fail(ErrorCode::InvalidArgument,
             "Unexpected identifiers on the right side of reduce: " + name_set(extra), context);
      }
      break;
    }
  }
}

// The number of dimensions "..." covers, checking the input's rank.
int ellipsis_rank(const PatternSide& left, int ndim, const std::string& context) {
  const int named = static_cast<int>(left.groups.size()) - (left.has_ellipsis ? 1 : 0);
  if (left.has_ellipsis) {
    if (ndim < named) {
      fail(ErrorCode::ShapeMismatch,
           "Wrong shape: expected >=" + std::to_string(named) + " dims. Received " +
               std::to_string(ndim) + "-dim tensor.",
           context);
    }
    return ndim - named;
  }
  if (ndim != named) {
    fail(ErrorCode::ShapeMismatch,
         "Wrong shape: expected " + std::to_string(named) + " dims. Received " +
             std::to_string(ndim) + "-dim tensor.",
         context);
  }
  return 0;
}

int key_index(const std::vector<std::string>& keys, const std::string& key) {
  return static_cast<int>(std::find(keys.begin(), keys.end(), key) - keys.begin());
}

// Fills extents from the sizes given by name (unknown stays kUnknown).
void apply_sizes(const std::vector<std::string>& keys, const AxisSizes& sizes,
                 std::vector<Index>& extents, const std::string& context) {
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const auto& [name, size] = sizes[i];
    if (!valid_axis_name(name)) {
      fail(ErrorCode::InvalidArgument, "Invalid name for an axis: '" + name + "'", context);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (sizes[j].first == name) {
        fail(ErrorCode::InvalidArgument, "Size of axis " + name + " given twice", context);
      }
    }
    const int k = key_index(keys, name);
    if (k == static_cast<int>(keys.size())) {
      fail(ErrorCode::InvalidArgument, "Axis " + name + " is not used in transform", context);
    }
    if (size < 0) {
      fail(ErrorCode::InvalidArgument,
           "Size of axis " + name + " must be non-negative, got " + std::to_string(size), context);
    }
    extents[static_cast<std::size_t>(k)] = size;
  }
}

// Solves each input axis's group: checks known products and infers the one unknown extent.
void solve_left(const ExpandedSide& l, const std::vector<std::string>& keys,
                std::span<const Index> shape, std::vector<Index>& extents,
                const std::string& context) {
  // einops rejects groups with two unknowns before looking at the shape.
  for (const auto& group : l.groups) {
    std::vector<std::string> unknown;
    for (const std::string& k : group) {
      if (extents[static_cast<std::size_t>(key_index(keys, k))] == kUnknown) unknown.push_back(k);
    }
    if (unknown.size() > 1) {
      fail(ErrorCode::InvalidArgument, "Could not infer sizes for " + name_set(unknown), context);
    }
  }
  for (std::size_t i = 0; i < l.groups.size(); ++i) {
    const Index length = shape[i];
    Index known = 1;
    int unknown = -1;
    for (const std::string& k : l.groups[i]) {
      const int id = key_index(keys, k);
      const Index e = extents[static_cast<std::size_t>(id)];
      if (e == kUnknown) {
        unknown = id;
      } else {
        known = support::checked_mul(known, e, "einops axis sizes");
      }
    }
    if (unknown < 0) {
      if (length != known) {
        fail(ErrorCode::ShapeMismatch,
             "Shape mismatch, " + std::to_string(length) + " != " + std::to_string(known) +
                 " (axis " + std::to_string(i) + ")",
             context);
      }
      continue;
    }
    if (known == 0 || length % known != 0) {
      fail(ErrorCode::ShapeMismatch,
           "Shape mismatch, can't divide axis of length " + std::to_string(length) +
               " in chunks of " + std::to_string(known) + " (axis " + std::to_string(i) + ")",
           context);
    }
    extents[static_cast<std::size_t>(unknown)] = length / known;
  }
}

}  // namespace

Shape Recipe::output_shape() const {
  Shape s;
  for (const auto& g : output_groups) {
    Index n = 1;
    for (int a : g)
      n = support::checked_mul(n, extents[static_cast<std::size_t>(a)], "einops shape");
    s.push_back(n);
  }
  return s;
}

std::string describe_call(std::string_view op_name, std::string_view pattern,
                          std::span<const Index> shape, const AxisSizes& sizes) {
  std::ostringstream os;
  os << " (in " << op_name << " pattern \"" << pattern << "\", input shape "
     << shape_to_string(shape) << ", sizes {";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    os << (i ? ", " : "") << sizes[i].first << ": " << sizes[i].second;
  }
  os << "})";
  return os.str();
}

Recipe make_recipe(Operation op, std::string_view pattern, std::span<const Index> shape,
                   const AxisSizes& sizes, const std::string& context) {
  std::string_view left_text, right_text;
  split_pattern(pattern, left_text, right_text, context);
  int anonymous_ids = 0;
  const PatternSide left = parse_side(left_text, anonymous_ids, context);
  const PatternSide right = parse_side(right_text, anonymous_ids, context);
  // Checks that need no shape come first, as in einops; the ellipsis rank is only needed to
  // expand, so expand with the rank clamped and re-check the rank afterwards.
  {
    const ExpandedSide l0 = expand(left, 1), r0 = expand(right, 1);
    check_sides(op, left, right, l0, r0, sizes, context);
  }
  const int ell = ellipsis_rank(left, static_cast<int>(shape.size()), context);
  const ExpandedSide l = expand(left, ell), r = expand(right, ell);

  Recipe recipe;
  std::vector<std::string> keys = l.keys;
  std::vector<Index> extents(l.keys.size(), kUnknown);
  for (std::size_t i = 0; i < l.keys.size(); ++i) {
    if (l.anonymous_extents[i] > 0) extents[i] = l.anonymous_extents[i];
  }
  for (std::size_t i = 0; i < r.keys.size(); ++i) {
    if (l.has(r.keys[i])) continue;
    keys.push_back(r.keys[i]);
    extents.push_back(r.anonymous_extents[i] > 0 ? r.anonymous_extents[i] : kUnknown);
  }
  apply_sizes(keys, sizes, extents, context);
  solve_left(l, keys, shape, extents, context);

  recipe.left_count = static_cast<int>(l.keys.size());
  for (const auto& g : l.groups) {
    recipe.input_groups.emplace_back();
    for (const std::string& k : g) recipe.input_groups.back().push_back(key_index(keys, k));
  }
  for (const auto& g : r.groups) {
    recipe.output_groups.emplace_back();
    for (const std::string& k : g) recipe.output_groups.back().push_back(key_index(keys, k));
  }
  for (int i = 0; i < recipe.left_count; ++i) {
    if (!r.has(keys[static_cast<std::size_t>(i)])) recipe.reduced.push_back(i);
  }
  recipe.extents = std::move(extents);
  return recipe;
}

}  // namespace ein::einops
