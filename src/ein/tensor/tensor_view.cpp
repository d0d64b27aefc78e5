#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <sstream>

#include "ein/support/checked.hpp"
#include "ein/tensor.hpp"

namespace ein {

using support::checked_add;
using support::checked_mul;

Strides contiguous_strides(std::span<const Index> shape) {
  Strides s(shape.size());
  Index acc = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    s[i] = acc;
    // Once an extent is 0 the tensor is empty and strides beyond do not matter; avoid overflow.
    acc = shape[i] == 0 ? acc : checked_mul(acc, shape[i], "contiguous strides");
  }
  return s;
}

Index checked_numel(std::span<const Index> shape) {
  Index n = 1;
  for (Index e : shape) {
    if (e < 0) {
      throw Error(ErrorCode::ShapeMismatch,
                  "negative extent " + std::to_string(e) + " in shape " + shape_to_string(shape));
    }
  }
  if (std::find(shape.begin(), shape.end(), Index{0}) != shape.end()) return 0;
  for (Index e : shape) n = checked_mul(n, e, "element count of shape");
  return n;
}

std::string shape_to_string(std::span<const Index> shape) {
  std::ostringstream os;
  os << '(';
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) os << ", ";
    os << shape[i];
  }
  if (shape.size() == 1) os << ',';
  os << ')';
  return os.str();
}

int normalize_axis(Index axis, int rank, const char* what) {
  if (axis < -rank || axis >= rank) {
    throw Error(ErrorCode::AxisError, std::string(what) + " " + std::to_string(axis) +
                                          " is out of bounds for array of dimension " +
                                          std::to_string(rank));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

TensorView::TensorView(void* data, DType dtype, Shape shape, Strides strides)
    : data_(data), dtype_(dtype), shape_(std::move(shape)), strides_(std::move(strides)) {
  if (shape_.size() != strides_.size()) {
    throw Error(ErrorCode::ShapeMismatch, "view: shape " + shape_to_string(shape_) + " has " +
                                              std::to_string(shape_.size()) + " axes but " +
                                              std::to_string(strides_.size()) + " strides given");
  }
  const Index n = checked_numel(shape_);
  // The byte span the view touches must be addressable: (extent - 1) * |stride| * itemsize.
  if (n > 0) {
    Index span = 0;
    for (std::size_t i = 0; i < shape_.size(); ++i) {
      if (strides_[i] == INT64_MIN) throw Error(ErrorCode::Overflow, "view: stride overflows");
      span = checked_add(span, checked_mul(shape_[i] - 1, std::abs(strides_[i]), "view extent"),
                         "view extent");
    }
    (void)checked_mul(checked_add(span, 1, "view extent"), static_cast<Index>(ein::itemsize(dtype_)),
                      "view byte span");
  }
}

TensorView::TensorView(void* data, DType dtype, Shape shape)
    : TensorView(data, dtype, shape, contiguous_strides(shape)) {}

Index TensorView::numel() const noexcept {
  // Validated not to overflow at construction, but only when no extent is 0: (0, 2^40, 2^40)
  // is a valid empty view whose other extents multiply past 64 bits.
  if (std::find(shape_.begin(), shape_.end(), Index{0}) != shape_.end()) return 0;
  Index n = 1;
  for (Index e : shape_) n *= e;
  return n;
}

bool TensorView::is_contiguous() const noexcept {
  Index expected = 1;
  // The running product can pass 64 bits only when an extent further left is 0, e.g.
  // (0, 2^40, 2^40): then no real stride can match, but reaching the 0 still means contiguous.
  bool overflowed = false;
  for (std::size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] == 0) return true;
    if (shape_[i] == 1) continue;
    if (overflowed || strides_[i] != expected) return false;
    overflowed = __builtin_mul_overflow(expected, shape_[i], &expected);
  }
  return true;
}

void* TensorView::element_ptr(std::span<const Index> index) const noexcept {
  Index off = 0;
  for (std::size_t i = 0; i < index.size() && i < strides_.size(); ++i) off += index[i] * strides_[i];
  return static_cast<std::byte*>(data_) + off * static_cast<Index>(itemsize());
}

void TensorView::check_dtype(DType expected) const {
  if (expected != dtype_) {
    throw Error(ErrorCode::DTypeMismatch, "tensor has dtype " + std::string(dtype_name(dtype_)) +
                                              ", accessed as " +
                                              std::string(dtype_name(expected)));
  }
}

TensorView TensorView::permute(std::span<const int> perm) const {
  if (static_cast<int>(perm.size()) != rank()) {
    throw Error(ErrorCode::AxisError, "permute: axes don't match array: got " +
                                          std::to_string(perm.size()) + " axes for rank " +
                                          std::to_string(rank()));
  }
  std::vector<bool> seen(perm.size(), false);
  Shape s(perm.size());
  Strides st(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    const int a = normalize_axis(perm[i], rank(), "permute: axis");
    if (seen[a]) throw Error(ErrorCode::InvalidArgument, "permute: repeated axis in transpose");
    seen[a] = true;
    s[i] = shape_[a];
    st[i] = strides_[a];
  }
  return {data_, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::transpose() const {
  std::vector<int> perm(rank());
  std::iota(perm.rbegin(), perm.rend(), 0);
  return permute(perm);
}

TensorView TensorView::swapaxes(int a, int b) const {
  std::vector<int> perm(rank());
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm.at(normalize_axis(a, rank())), perm.at(normalize_axis(b, rank())));
  return permute(perm);
}

namespace {

// Resolves a single -1 extent and checks the element count is unchanged.
Shape resolve_reshape(const Shape& from, std::span<const Index> to_in, Index numel) {
  Shape to(to_in.begin(), to_in.end());
  int infer = -1;
  Index known = 1;
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (to[i] == -1) {
      if (infer >= 0) throw Error(ErrorCode::InvalidArgument, "reshape: can only specify one unknown dimension");
      infer = static_cast<int>(i);
    } else if (to[i] < 0) {
      throw Error(ErrorCode::InvalidArgument, "reshape: negative dimension " + std::to_string(to[i]));
    } else {
      known = to[i] == 0 ? 0 : (known == 0 ? 0 : checked_mul(known, to[i], "reshape"));
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel % known != 0) {
      throw Error(ErrorCode::ShapeMismatch, "cannot reshape array of size " +
                                                std::to_string(numel) + " into shape " +
                                                shape_to_string(to_in));
    }
    to[infer] = numel / known;
  }
  if (checked_numel(to) != numel) {
    throw Error(ErrorCode::ShapeMismatch, "cannot reshape array of size " + std::to_string(numel) +
                                              " into shape " + shape_to_string(to_in) +
                                              " (from " + shape_to_string(from) + ")");
  }
  return to;
}

// Strides for viewing (shape, strides) as new_shape without copying, if possible. Walks groups of
// old and new axes whose extents multiply to the same value; inside a group the old axes must be
// laid out as one row-major block.
bool reshape_strides(const Shape& shape, const Strides& strides, const Shape& to, Strides& out) {
  out.assign(to.size(), 0);
  if (checked_numel(shape) == 0) {
    out = contiguous_strides(to);
    return true;
  }
  std::vector<Index> os, ost;  // old axes without extent-1
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] != 1) {
      os.push_back(shape[i]);
      ost.push_back(strides[i]);
    }
  }
  std::size_t oi = 0, ni = 0;
  while (ni < to.size()) {
    if (to[ni] == 1) {
      out[ni] = 1;
      ++ni;
      continue;
    }
    // Gather one group.
    const std::size_t o0 = oi, n0 = ni;
    Index po = os[oi++], pn = to[ni++];
    while (po != pn) {
      if (po < pn) {
        po *= os[oi++];
      } else {
        pn *= to[ni++];
      }
    }
    for (std::size_t k = o0; k + 1 < oi; ++k) {
      if (ost[k] != ost[k + 1] * os[k + 1]) return false;
    }
    Index st = ost[oi - 1];
    for (std::size_t k = ni; k-- > n0;) {
      out[k] = st;
      if (k > n0) st *= to[k];  // (the product past the group's first axis could overflow)
    }
    // Trailing extent-1 axes of the new shape inside the group got strides above; fine.
  }
  return true;
}

}  // namespace

bool TensorView::can_reshape_as_view(std::span<const Index> shape) const {
  Shape to = resolve_reshape(shape_, shape, numel());
  Strides st;
  return reshape_strides(shape_, strides_, to, st);
}

TensorView TensorView::reshape(std::span<const Index> shape) const {
  Shape to = resolve_reshape(shape_, shape, numel());
  Strides st;
  if (!reshape_strides(shape_, strides_, to, st)) {
    throw Error(ErrorCode::InvalidArgument, "reshape: a view of shape " + shape_to_string(shape_) +
                                                " with these strides cannot be reshaped to " +
                                                shape_to_string(to) + " without a copy");
  }
  return {data_, dtype_, std::move(to), std::move(st)};
}

TensorView TensorView::broadcast_to(std::span<const Index> shape) const {
  if (shape.size() < shape_.size()) {
    throw Error(ErrorCode::ShapeMismatch, "broadcast_to: input operand has more dimensions than "
                                          "allowed by the axis remapping: cannot broadcast " +
                                              shape_to_string(shape_) + " to " +
                                              shape_to_string(shape));
  }
  const std::size_t lead = shape.size() - shape_.size();
  Shape s(shape.begin(), shape.end());
  Strides st(shape.size(), 0);
  for (std::size_t i = 0; i < shape_.size(); ++i) {
    const Index want = shape[lead + i];
    if (shape_[i] == want) {
      st[lead + i] = strides_[i];
    } else if (shape_[i] != 1) {
      throw Error(ErrorCode::ShapeMismatch, "operands could not be broadcast together: cannot "
                                            "broadcast shape " +
                                                shape_to_string(shape_) + " to " +
                                                shape_to_string(shape) + " (axis " +
                                                std::to_string(i) + ")");
    }
  }
  return {data_, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::slice(int axis, Index start, Index stop, Index step) const {
  const int a = normalize_axis(axis, rank());
  if (step == 0) throw Error(ErrorCode::InvalidArgument, "slice step cannot be zero");
  const Index n = shape_[a];
  // Python's slice.indices semantics.
  auto clamp = [&](Index v, bool is_start) {
    if (v < 0) v += n;
    if (step > 0) return std::clamp<Index>(v, 0, n);
    (void)is_start;
    return std::clamp<Index>(v, -1, n - 1);
  };
  start = clamp(start, true);
  stop = clamp(stop, false);
  // ceil((stop - start) / step) without overflow for steps near the int64 limits.
  Index len = 0;
  if (step > 0 && stop > start) len = (stop - start - 1) / step + 1;
  if (step < 0 && start > stop) len = step == INT64_MIN ? 1 : (start - stop - 1) / -step + 1;
  Shape s = shape_;
  Strides st = strides_;
  s[a] = len;
  // With at most one element the stride is never used; keep it from overflowing.
  st[a] = len <= 1 ? strides_[a] : checked_mul(strides_[a], step, "slice stride");
  void* p = len > 0 ? static_cast<std::byte*>(data_) + start * strides_[a] * static_cast<Index>(itemsize())
                    : data_;
  return {p, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::select(int axis, Index index) const {
  const int a = normalize_axis(axis, rank());
  if (index < -shape_[a] || index >= shape_[a]) {
    throw Error(ErrorCode::AxisError, "index " + std::to_string(index) +
                                          " is out of bounds for axis " + std::to_string(a) +
                                          " with size " + std::to_string(shape_[a]));
  }
  if (index < 0) index += shape_[a];
  Shape s = shape_;
  Strides st = strides_;
  s.erase(s.begin() + a);
  st.erase(st.begin() + a);
  void* p = static_cast<std::byte*>(data_) + index * strides_[a] * static_cast<Index>(itemsize());
  return {p, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::diagonal(Index offset, int axis1, int axis2) const {
  if (rank() < 2) throw Error(ErrorCode::InvalidArgument, "diag requires an array of at least two dimensions");
  const int a1 = normalize_axis(axis1, rank(), "axis1");
  const int a2 = normalize_axis(axis2, rank(), "axis2");
  if (a1 == a2) throw Error(ErrorCode::InvalidArgument, "axis1 and axis2 cannot be the same");
  Index n1 = shape_[a1], n2 = shape_[a2];
  std::byte* p = static_cast<std::byte*>(data_);
  const auto isz = static_cast<Index>(itemsize());
  Index len = 0;
  if (offset >= 0) {
    len = std::max<Index>(0, std::min(n1, n2 - std::min(offset, n2)));
    if (len > 0) p += offset * strides_[a2] * isz;
  } else {
    const Index o = offset == INT64_MIN ? n1 : std::min(-offset, n1);
    len = std::max<Index>(0, std::min(n1 - o, n2));
    if (len > 0) p += o * strides_[a1] * isz;
  }
  Shape s;
  Strides st;
  for (int i = 0; i < rank(); ++i) {
    if (i == a1 || i == a2) continue;
    s.push_back(shape_[i]);
    st.push_back(strides_[i]);
  }
  s.push_back(len);
  // Extent-1 axes may carry any stride, so the sum could overflow when it is never used.
  st.push_back(len <= 1 ? 0 : strides_[a1] + strides_[a2]);
  return {p, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::expand_dims(int axis) const {
  const int a = normalize_axis(axis, rank() + 1);
  Shape s = shape_;
  Strides st = strides_;
  s.insert(s.begin() + a, 1);
  st.insert(st.begin() + a, 0);
  return {data_, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::squeeze() const {
  Shape s;
  Strides st;
  for (int i = 0; i < rank(); ++i) {
    if (shape_[i] != 1) {
      s.push_back(shape_[i]);
      st.push_back(strides_[i]);
    }
  }
  return {data_, dtype_, std::move(s), std::move(st)};
}

TensorView TensorView::with_dtype(DType dtype) const {
  if (ein::itemsize(dtype) != itemsize()) {
    throw Error(ErrorCode::DTypeMismatch, "with_dtype: item sizes differ");
  }
  return {data_, dtype, shape_, strides_};
}

void TensorView::byte_range(const std::byte*& lo, const std::byte*& hi) const noexcept {
  const auto* base = static_cast<const std::byte*>(data_);
  lo = hi = base;
  Index min_off = 0, max_off = 0;
  // One pass (this runs twice per operand on every einsum(out=) call): an extent of 0 means no
  // bytes at all.
  for (int i = 0; i < rank(); ++i) {
    if (shape_[i] == 0) return;
    const Index reach = (shape_[i] - 1) * strides_[i];
    if (reach < 0) {
      min_off += reach;
    } else {
      max_off += reach;
    }
  }
  const auto isz = static_cast<Index>(itemsize());
  lo = base + min_off * isz;
  hi = base + (max_off + 1) * isz;
}

bool TensorView::may_overlap(const TensorView& other) const noexcept {
  const std::byte *a0, *a1, *b0, *b1;
  byte_range(a0, a1);
  other.byte_range(b0, b1);
  if (a0 == a1 || b0 == b1) return false;
  return a0 < b1 && b0 < a1;
}

}  // namespace ein
