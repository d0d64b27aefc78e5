// numpy.tensordot and numpy.kron as einsum equations.
#include <algorithm>
#include <string>
#include <vector>

#include "ein/api/labels.hpp"
#include "ein/products.hpp"
#include "ein/support/checked.hpp"

namespace ein {

using api::label;

namespace {

constexpr const char* kWhat = "tensordot";

// Normalised, duplicate-free contraction axes of one operand.
std::vector<int> contraction_axes(std::span<const int> axes, const TensorView& v, char name) {
  std::vector<int> out;
  std::vector<bool> seen(static_cast<std::size_t>(v.rank()), false);
  const std::string what = std::string("tensordot: operand ") + name + " axis";
  for (int ax : axes) {
    const int n = normalize_axis(ax, v.rank(), what.c_str());
    if (seen[n]) {
      throw Error(ErrorCode::InvalidArgument,
                  std::string("tensordot: duplicate axes are not allowed: axis ") +
                      std::to_string(n) + " of operand " + name + " appears twice");
    }
    seen[n] = true;
    out.push_back(n);
  }
  return out;
}

}  // namespace

Tensor tensordot(const TensorView& a, const TensorView& b, std::span<const int> a_axes,
                 std::span<const int> b_axes) {
  if (a_axes.size() != b_axes.size()) {
    throw Error(ErrorCode::ShapeMismatch,
                "tensordot: shape-mismatch for sum: " + std::to_string(a_axes.size()) +
                    " axes given for a but " + std::to_string(b_axes.size()) + " for b");
  }
  const std::vector<int> ax = contraction_axes(a_axes, a, 'a');
  const std::vector<int> bx = contraction_axes(b_axes, b, 'b');
  // Label every axis of a, then give b's contracted axes a's labels and its free axes new ones.
  const std::string ta = api::labels(0, a.rank(), kWhat);
  std::string tb(static_cast<std::size_t>(b.rank()), ' ');
  std::vector<bool> contracted_a(static_cast<std::size_t>(a.rank()), false);
  for (std::size_t i = 0; i < ax.size(); ++i) {
    if (a.extent(ax[i]) != b.extent(bx[i])) {
      throw Error(ErrorCode::ShapeMismatch, "tensordot: shape-mismatch for sum: axis " +
                                                std::to_string(ax[i]) + " of a has extent " +
                                                std::to_string(a.extent(ax[i])) + " but axis " +
                                                std::to_string(bx[i]) + " of b has extent " +
                                                std::to_string(b.extent(bx[i])));
    }
    contracted_a[ax[i]] = true;
    tb[bx[i]] = ta[ax[i]];
  }
  std::string out;
  for (int i = 0; i < a.rank(); ++i) {
    if (!contracted_a[i]) out += ta[i];
  }
  int next = a.rank();
  for (char& c : tb) {
    if (c == ' ') {
      c = label(next++, kWhat);
      out += c;
    }
  }
  return api::contract2(ta, a, tb, b, out);
}

Tensor tensordot(const TensorView& a, const TensorView& b, int axes) {
  // NumPy turns a negative count into an empty range (an outer product), an accident of
  // range(-n, 0); we reject it instead of silently computing something else.
  if (axes < 0) {
    throw Error(
        ErrorCode::InvalidArgument,
        "tensordot: axes must be a non-negative number of axes, got " + std::to_string(axes));
  }
  for (int i = 0; i < 2; ++i) {
    const TensorView& v = i == 0 ? a : b;
    if (axes > v.rank()) {
      throw Error(ErrorCode::AxisError, "tensordot: axes=" + std::to_string(axes) +
                                            " but operand " + (i == 0 ? "a" : "b") + " has only " +
                                            std::to_string(v.rank()) + " dimensions");
    }
  }
  std::vector<int> ax, bx;
  for (int i = 0; i < axes; ++i) {
    ax.push_back(a.rank() - axes + i);  // the last `axes` axes of a ...
    bx.push_back(i);                    // ... with the first `axes` axes of b, in order
  }
  return tensordot(a, b, ax, bx);
}

Tensor kron(const TensorView& a, const TensorView& b) {
  // NumPy prepends extent-1 axes to the operand of lower rank, then out[i*nb + j] = a[i] * b[j]
  // per axis: einsum into the interleaved shape (a0, b0, a1, b1, ...) and merge pairs.
  const int r = std::max(a.rank(), b.rank());
  TensorView av = a, bv = b;
  while (av.rank() < r) av = av.expand_dims(0);
  while (bv.rank() < r) bv = bv.expand_dims(0);
  std::string ta, tb, out;
  Shape shape;
  for (int i = 0; i < r; ++i) {
    const char la = label(2 * i, "kron"), lb = label(2 * i + 1, "kron");
    ta += la;
    tb += lb;
    out += la;
    out += lb;
    shape.push_back(support::checked_mul(av.extent(i), bv.extent(i), "kron shape"));
  }
  const Tensor interleaved = api::contract2(ta, av, tb, bv, out);
  return interleaved.reshape(shape);
}

}  // namespace ein
