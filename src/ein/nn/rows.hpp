// Row-wise kernels (softmax, L2 normalisation): a tensor seen as rows along one axis.
//
// The axis is moved last by a permuted view (no copy), the other axes enumerate rows in C order.
// Rows are spread over ein's thread pool in contiguous, statically partitioned chunks, so the
// result does not depend on the thread count (each row is computed by one thread, in order).
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "ein/support/parallel.hpp"
#include "ein/tensor.hpp"

namespace ein::nn {

// `v` with axis `axis` moved last (a view).
TensorView axis_last(const TensorView& v, int axis);

// Element offset of row r of a view whose first rank-1 axes have `outer_shape` and `strides`.
inline Index row_offset(Index r, std::span<const Index> outer_shape,
                        std::span<const Index> strides) {
  Index off = 0;
  for (std::size_t a = outer_shape.size(); a-- > 0;) {
    const Index e = outer_shape[a];
    off += (r % e) * strides[a];
    r /= e;
  }
  return off;
}

// Calls row(r, in_offset, out_offset) for every row r of `in` (the rows run along its last
// axis); offsets are in elements, into `in` and into `out` (a view of the same shape).
// `threads` as in EinsumOptions (0: all cores).
template <class F>
void for_each_row(const TensorView& in, const TensorView& out, int threads, const F& row) {
  if (in.numel() == 0) return;
  const int r = in.rank();
  const std::span<const Index> outer(in.shape().data(),
                                     static_cast<std::size_t>(r > 0 ? r - 1 : 0));
  Index rows = 1;
  for (Index e : outer) rows *= e;
  const Index length = r > 0 ? in.extent(-1) : 1;
  // Enough elements per chunk that handing a chunk to a thread costs little next to the work.
  const Index grain = std::max<Index>(1, Index{1 << 14} / std::max<Index>(length, 1));
  const std::span<const Index> in_strides(in.strides().data(), outer.size());
  const std::span<const Index> out_strides(out.strides().data(), outer.size());
  support::parallel_for(
      rows, threads,
      [&](Index begin, Index end) {
        for (Index i = begin; i < end; ++i) {
          row(i, row_offset(i, outer, in_strides), row_offset(i, outer, out_strides));
        }
      },
      grain);
}

}  // namespace ein::nn
