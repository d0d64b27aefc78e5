// numpy.sum and numpy.trace as single-operand einsum equations.
#include <string>
#include <vector>

#include "ein/api/labels.hpp"
#include "ein/ops.hpp"

namespace ein {

Tensor sum(const TensorView& a, std::span<const int> axes, bool keepdims) {
  const int r = a.rank();
  std::vector<bool> reduced(static_cast<std::size_t>(r), axes.empty());
  std::vector<bool> given(static_cast<std::size_t>(r), false);
  for (int ax : axes) {
    const int n = normalize_axis(ax, r, "sum: axis");
    if (given[n]) {
      throw Error(ErrorCode::InvalidArgument,
                  "sum: duplicate value in 'axis': axis " + std::to_string(n) + " given twice");
    }
    given[n] = reduced[n] = true;
  }
  const std::string term = api::labels(0, r, "sum");
  std::string out;
  Shape kept_shape;
  for (int i = 0; i < r; ++i) {
    if (!reduced[i]) out += term[i];
    kept_shape.push_back(reduced[i] ? 1 : a.extent(i));
  }
  const Tensor s = api::contract1(term, a, out, api::sum_dtype(a.dtype()));
  return keepdims ? s.reshape(kept_shape) : s;
}

Tensor trace(const TensorView& a, Index offset, int axis1, int axis2) {
  // diagonal() checks rank >= 2 and both axes; the diagonal is its last axis, summed here.
  const TensorView d = a.diagonal(offset, axis1, axis2);
  const std::string kept = api::labels(0, d.rank() - 1, "trace");
  return api::contract1(kept + api::label(d.rank() - 1, "trace"), d, kept,
                        api::sum_dtype(a.dtype()));
}

}  // namespace ein
