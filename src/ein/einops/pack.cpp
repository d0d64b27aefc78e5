// einops's pack and unpack: concatenation along the flattened '*' axes, and its inverse as
// views.
#include <algorithm>
#include <string>
#include <vector>

#include "ein/einops/pattern.hpp"
#include "ein/einops/views.hpp"
#include "ein/rearrange.hpp"
#include "ein/support/checked.hpp"

namespace ein {

namespace {

// Where '*' sits in a pack pattern such as "i j * k".
struct StarPattern {
  int before = 0;  // axes named before '*'
  int after = 0;   // axes named after '*'
};

StarPattern analyze(std::string_view pattern, const char* op) {
  const std::string where = std::string(" in ") + op + "(..., \"" + std::string(pattern) + "\")";
  std::vector<std::string> axes;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == ' ') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(pattern.find(' ', i), pattern.size());
    axes.emplace_back(pattern.substr(i, end - i));
    i = end;
  }
  StarPattern s;
  int stars = 0;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    for (std::size_t j = 0; j < k; ++j) {
      if (axes[j] == axes[k]) {
        throw Error(ErrorCode::ParseError, "Duplicates in axes names" + where);
      }
    }
    if (axes[k] == "*") {
      ++stars;
      s.before = static_cast<int>(k);
    } else if (!einops::valid_axis_name(axes[k])) {
      throw Error(ErrorCode::ParseError, "Invalid axis name " + axes[k] + where);
    }
  }
  if (stars == 0) throw Error(ErrorCode::ParseError, "No *-axis" + where);
  s.after = static_cast<int>(axes.size()) - s.before - 1;
  return s;
}

// Axis `axis` of v split into `parts` (a view; the other axes stay).
TensorView split_one(const TensorView& v, int axis, const Shape& parts) {
  std::vector<std::vector<Index>> splits;
  for (int a = 0; a < v.rank(); ++a) {
    splits.push_back(a == axis ? parts : std::vector<Index>{v.extent(a)});
  }
  return einops::split_axes(v, splits);
}

Index product(std::span<const Index> shape) {
  Index n = 1;
  for (Index e : shape) n = support::checked_mul(n, e, "unpack shape");
  return n;
}

std::vector<Tensor> unpack_impl(const std::shared_ptr<void>& owner, const TensorView& x,
                                std::span<const Shape> packed_shapes, std::string_view pattern) {
  const StarPattern s = analyze(pattern, "unpack");
  if (x.rank() != s.before + 1 + s.after) {
    throw Error(ErrorCode::ShapeMismatch, "unpack(..., \"" + std::string(pattern) +
                                              "\") received input of wrong dim with shape " +
                                              shape_to_string(x.shape()));
  }
  const Index total = x.extent(s.before);
  const auto fail = [&] {
    std::string shapes;
    for (const Shape& ps : packed_shapes)
      shapes += (shapes.empty() ? "" : ", ") + shape_to_string(ps);
    return Error(ErrorCode::ShapeMismatch, "Error during unpack(..., \"" + std::string(pattern) +
                                               "\"): could not split axis of size " +
                                               std::to_string(total) + " into requested [" +
                                               shapes + "]");
  };
  // Lengths along the packed axis; at most one shape may hold a single -1 to infer.
  std::vector<Index> lengths;
  int unknown = -1;
  Index known_sum = 0;
  for (std::size_t i = 0; i < packed_shapes.size(); ++i) {
    const Shape& ps = packed_shapes[i];
    const auto minus = std::count(ps.begin(), ps.end(), Index{-1});
    if (minus > 1 || std::any_of(ps.begin(), ps.end(), [](Index e) { return e < -1; }))
      throw fail();
    if (minus == 1) {
      if (unknown >= 0) {
        throw Error(ErrorCode::InvalidArgument,
                    "unpack(..., \"" + std::string(pattern) +
                        "\") received more than one -1 in packed shapes and can't infer "
                        "dimensions");
      }
      unknown = static_cast<int>(i);
      lengths.push_back(-1);
      continue;
    }
    lengths.push_back(product(ps));
    known_sum = support::checked_add(known_sum, lengths.back(), "unpack shape");
  }
  Shape resolved_unknown;
  if (unknown >= 0) {
    // The -1 takes what the others leave, divided by the rest of its own shape.
    const Shape& ps = packed_shapes[static_cast<std::size_t>(unknown)];
    Index rest = 1;
    for (Index e : ps) rest = e == -1 ? rest : support::checked_mul(rest, e, "unpack shape");
    const Index left = total - known_sum;
    if (left < 0 || rest == 0 || left % rest != 0) throw fail();
    lengths[static_cast<std::size_t>(unknown)] = left;
    resolved_unknown = ps;
    std::replace(resolved_unknown.begin(), resolved_unknown.end(), Index{-1}, left / rest);
  } else if (known_sum != total) {
    throw fail();
  }
  std::vector<Tensor> out;
  Index start = 0;
  for (std::size_t i = 0; i < packed_shapes.size(); ++i) {
    const TensorView part = x.slice(s.before, start, start + lengths[i]);
    start += lengths[i];
    const Shape& ps = static_cast<int>(i) == unknown ? resolved_unknown : packed_shapes[i];
    out.emplace_back(owner, split_one(part, s.before, ps));
  }
  return out;
}

}  // namespace

Packed pack(std::span<const TensorView> tensors, std::string_view pattern) {
  const StarPattern s = analyze(pattern, "pack");
  if (tensors.empty()) {
    throw Error(ErrorCode::InvalidArgument, "pack: needs at least one tensor to pack");
  }
  Packed result;
  DType dtype = tensors[0].dtype();
  Index packed_extent = 0;
  const TensorView& first = tensors[0];
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorView& t = tensors[i];
    if (t.rank() < s.before + s.after) {
      throw Error(ErrorCode::ShapeMismatch, "packed tensor #" + std::to_string(i) +
                                                " (enumeration starts with 0) has shape " +
                                                shape_to_string(t.shape()) + ", while pattern " +
                                                std::string(pattern) + " assumes at least " +
                                                std::to_string(s.before + s.after) + " axes");
    }
    // The named axes must agree with the first tensor's, as concatenation requires.
    for (int k = 0; k < s.before + s.after; ++k) {
      const int a = k < s.before ? k : t.rank() - (s.before + s.after - k);
      const int a0 = k < s.before ? k : first.rank() - (s.before + s.after - k);
      if (t.extent(a) != first.extent(a0)) {
        throw Error(ErrorCode::ShapeMismatch, "pack: tensor #" + std::to_string(i) + " has shape " +
                                                  shape_to_string(t.shape()) +
                                                  " but tensor #0 has shape " +
                                                  shape_to_string(first.shape()) +
                                                  ": the axes named in the pattern must agree");
      }
    }
    result.packed_shapes.emplace_back(t.shape().begin() + s.before, t.shape().end() - s.after);
    packed_extent =
        support::checked_add(packed_extent, product(result.packed_shapes.back()), "pack shape");
    dtype = promote_types(dtype, t.dtype());
  }
  Shape shape(first.shape().begin(), first.shape().begin() + s.before);
  shape.push_back(packed_extent);
  shape.insert(shape.end(), first.shape().end() - s.after, first.shape().end());
  result.tensor = Tensor::empty(dtype, shape);
  // Each input is copied into its slice of the packed axis, the slice split back into the
  // input's shape (a view), so no input is ever reshaped or copied twice.
  Index start = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Index n = product(result.packed_shapes[i]);
    const TensorView slice = result.tensor.view().slice(s.before, start, start + n);
    copy_into(tensors[i], split_one(slice, s.before, result.packed_shapes[i]));
    start += n;
  }
  return result;
}

std::vector<Tensor> unpack(const Tensor& x, std::span<const Shape> packed_shapes,
                           std::string_view pattern) {
  return unpack_impl(x.owner(), x.view(), packed_shapes, pattern);
}

std::vector<Tensor> unpack(const TensorView& x, std::span<const Shape> packed_shapes,
                           std::string_view pattern) {
  return unpack_impl(nullptr, x, packed_shapes, pattern);
}

}  // namespace ein
