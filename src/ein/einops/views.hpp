// The two reshapes einops needs, as explicit stride arithmetic: splitting an axis (always a
// view) and merging adjacent axes (a view only when they are one strided run in memory).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::einops {

// Splits axis i of `v` into the extents of splits[i] (whose product must equal v's extent; an
// empty split drops an extent-1 axis). Row-major: the last extent of a split varies fastest.
TensorView split_axes(const TensorView& v, std::span<const std::vector<Index>> splits);

// Merges consecutive runs of axes: `counts[j]` axes of `v` become result axis j (0 inserts an
// extent-1 axis). nullopt when some run is not one strided block of memory.
std::optional<TensorView> merge_axes(const TensorView& v, std::span<const int> counts);

// Calls f(offset) for every index of `shape` in C order, offset = sum(index * strides) in
// elements. Nothing is called for an empty shape product; once for rank 0.
template <class F>
void for_each_offset(std::span<const Index> shape, std::span<const Index> strides, F&& f) {
  for (Index e : shape) {
    if (e == 0) return;
  }
  const int r = static_cast<int>(shape.size());
  std::vector<Index> idx(shape.size(), 0);
  Index off = 0;
  for (;;) {
    f(off);
    int a = r - 1;
    for (; a >= 0; --a) {
      const auto u = static_cast<std::size_t>(a);
      if (++idx[u] < shape[u]) {
        off += strides[u];
        break;
      }
      off -= (shape[u] - 1) * strides[u];
      idx[u] = 0;
    }
    if (a < 0) return;
  }
}

}  // namespace ein::einops
