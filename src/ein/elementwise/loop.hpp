// The strided iteration shared by every elementwise kernel.
//
// An elementwise operation writes a fresh C-contiguous output of a broadcast shape and reads up to
// two inputs through arbitrary (zero, negative, permuted) strides. plan_loop collapses the shape
// first: extent-1 axes are dropped and adjacent axes that are one row-major block in every operand
// are merged, so contiguous inputs become a single inner loop of numel elements and the kernels'
// unit-stride fast paths (which the compiler vectorises) apply as often as possible.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::elementwise {

inline constexpr int kMaxLoopOperands = 3;

// A collapsed iteration space: `shape` (innermost last) and each operand's strides over it.
struct LoopPlan {
  Shape shape;
  std::array<Strides, kMaxLoopOperands> strides;
  int operands = 0;
  // Extent of the innermost axis (1 for a rank-0 space) and the number of inner rows.
  [[nodiscard]] Index inner() const { return shape.empty() ? 1 : shape.back(); }
  [[nodiscard]] Index rows() const;
};

// Builds the collapsed loop over `shape` for operands with the given strides (each the same
// rank as `shape`; strides in elements).
LoopPlan plan_loop(std::span<const Index> shape, std::span<const Strides* const> strides);

// Calls row(ptrs, inner_strides, n) for the elements [begin, end) of the iteration space in C
// order, one call per (possibly partial) inner row: ptrs[k] points at the first element of the
// piece in operand k (bases[k] advanced in bytes by itemsizes[k]), inner_strides[k] is the
// operand's innermost stride in elements and n the piece's length. Disjoint ranges touch disjoint
// output elements, so ranges can run on different threads.
template <class RowFn>
void for_each_in_range(const LoopPlan& plan, std::array<std::byte*, kMaxLoopOperands> bases,
                       std::array<Index, kMaxLoopOperands> itemsizes, Index begin, Index end,
                       RowFn&& row) {
  const int r = static_cast<int>(plan.shape.size());
  const Index n = plan.inner();
  if (begin >= end || n == 0 || plan.rows() == 0) return;
  std::array<Index, kMaxLoopOperands> inner_strides{};
  for (int k = 0; k < plan.operands; ++k) inner_strides[k] = r == 0 ? 0 : plan.strides[k][r - 1];
  // Unravel the starting row into an odometer over the outer axes (all but the innermost),
  // tracking each operand's element offset.
  std::vector<Index> idx(static_cast<std::size_t>(r > 0 ? r - 1 : 0), 0);
  std::array<Index, kMaxLoopOperands> off{};
  Index rest = begin / n;
  for (int a = r - 2; a >= 0; --a) {
    idx[a] = rest % plan.shape[a];
    rest /= plan.shape[a];
    for (int k = 0; k < plan.operands; ++k) off[k] += idx[a] * plan.strides[k][a];
  }
  Index j = begin % n;  // position inside the first row
  for (Index remaining = end - begin; remaining > 0;) {
    const Index len = std::min(n - j, remaining);
    std::array<std::byte*, kMaxLoopOperands> ptrs{};
    for (int k = 0; k < plan.operands; ++k) {
      ptrs[k] = bases[k] + (off[k] + j * inner_strides[k]) * itemsizes[k];
    }
    row(ptrs, inner_strides, len);
    remaining -= len;
    j = 0;
    for (int a = r - 2; a >= 0; --a) {
      if (++idx[a] < plan.shape[a]) {
        for (int k = 0; k < plan.operands; ++k) off[k] += plan.strides[k][a];
        break;
      }
      for (int k = 0; k < plan.operands; ++k) off[k] -= (idx[a] - 1) * plan.strides[k][a];
      idx[a] = 0;
    }
  }
}

// for_each_in_range over the whole iteration space.
template <class RowFn>
void for_each_row(const LoopPlan& plan, std::array<std::byte*, kMaxLoopOperands> bases,
                  std::array<Index, kMaxLoopOperands> itemsizes, RowFn&& row) {
  for_each_in_range(plan, bases, itemsizes, 0, plan.rows() * plan.inner(),
                    std::forward<RowFn>(row));
}

}  // namespace ein::elementwise
