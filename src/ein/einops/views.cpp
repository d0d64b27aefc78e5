#include "ein/einops/views.hpp"

#include "ein/support/checked.hpp"

namespace ein::einops {

TensorView split_axes(const TensorView& v, std::span<const std::vector<Index>> splits) {
  Shape shape;
  Strides strides;
  for (int i = 0; i < v.rank(); ++i) {
    const std::vector<Index>& parts = splits[static_cast<std::size_t>(i)];
    // Inner parts step by the axis's stride, outer ones by multiples of it. Past a zero extent
    // the view is empty and strides are irrelevant, so the product skips zeros (no overflow).
    Strides part_strides(parts.size());
    Index step = v.stride(i);
    for (std::size_t k = parts.size(); k-- > 0;) {
      part_strides[k] = step;
      if (parts[k] != 0) step = support::checked_mul(step, parts[k], "einops split stride");
    }
    shape.insert(shape.end(), parts.begin(), parts.end());
    strides.insert(strides.end(), part_strides.begin(), part_strides.end());
  }
  return {v.data(), v.dtype(), std::move(shape), std::move(strides)};
}

std::optional<TensorView> merge_axes(const TensorView& v, std::span<const int> counts) {
  const bool empty = v.numel() == 0;
  Shape shape;
  Strides strides;
  int axis = 0;
  for (int count : counts) {
    Index extent = 1, stride = 0;
    bool have = false;  // whether an axis of extent != 1 has been seen in this run
    for (int k = 0; k < count; ++k, ++axis) {
      const Index e = v.extent(axis), s = v.stride(axis);
      if (e == 1) continue;  // extent-1 axes never constrain a merge
      // Row-major merge: the outer axis must step exactly over the inner block.
      Index block = 0;
      if (have && !empty && (__builtin_mul_overflow(s, e, &block) || stride != block)) {
        return std::nullopt;
      }
      extent *= e;
      stride = s;
      have = true;
    }
    shape.push_back(extent);
    strides.push_back(stride);
  }
  return TensorView(v.data(), v.dtype(), std::move(shape), std::move(strides));
}

}  // namespace ein::einops
