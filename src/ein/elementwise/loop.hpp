// The strided iteration shared by every elementwise kernel.
//
// An elementwise operation writes a fresh C-contiguous output of a broadcast shape and reads up to
// two inputs through arbitrary (zero, negative, permuted) strides. plan_loop collapses the shape
// first: extent-1 axes are dropped and adjacent axes that are one row-major block in every operand
// are merged, so contiguous inputs become a single inner loop of numel elements and the kernels'
// unit-stride fast paths (which the compiler vectorises) apply as often as possible.
#pragma once

#include <array>
#include <cstddef>
#include <span>
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

// Calls row(ptrs, inner_strides, n) once per inner row, where ptrs[k] points at the row's first
// element of operand k (bases[k] advanced in bytes by itemsizes[k]) and inner_strides[k] is the
// operand's innermost stride in elements.
template <class RowFn>
void for_each_row(const LoopPlan& plan, std::array<std::byte*, kMaxLoopOperands> bases,
                  std::array<Index, kMaxLoopOperands> itemsizes, RowFn&& row) {
  const int r = static_cast<int>(plan.shape.size());
  const Index n = plan.inner();
  std::array<Index, kMaxLoopOperands> inner_strides{};
  for (int k = 0; k < plan.operands; ++k) inner_strides[k] = r == 0 ? 0 : plan.strides[k][r - 1];
  const Index rows = plan.rows();
  if (rows == 0 || n == 0) return;
  // Odometer over the outer axes (all but the innermost), tracking each operand's offset.
  std::vector<Index> idx(static_cast<std::size_t>(r > 0 ? r - 1 : 0), 0);
  std::array<Index, kMaxLoopOperands> off{};
  for (Index row_i = 0; row_i < rows; ++row_i) {
    std::array<std::byte*, kMaxLoopOperands> ptrs{};
    for (int k = 0; k < plan.operands; ++k) ptrs[k] = bases[k] + off[k] * itemsizes[k];
    row(ptrs, inner_strides, n);
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

}  // namespace ein::elementwise
