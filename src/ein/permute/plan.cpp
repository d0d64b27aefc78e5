#include "ein/permute/plan.hpp"

#include <algorithm>
#include <cstdlib>

namespace ein::permute {

namespace {

Index magnitude(Index s) { return s < 0 ? -s : s; }

std::string axis_string(const PermuteAxis& a) {
  return "(" + std::to_string(a.extent) + ": " + std::to_string(a.src_stride) + ", " +
         std::to_string(a.dst_stride) + ")";
}

}  // namespace

const char* permute_kind_name(PermuteKind kind) noexcept {
  switch (kind) {
    case PermuteKind::Empty:
      return "Empty";
    case PermuteKind::Runs:
      return "Runs";
    case PermuteKind::Transpose:
      return "Transpose";
  }
  return "?";
}

PermutePlan PermutePlan::make(const TensorView& src, const TensorView& dst) {
  if (src.shape() != dst.shape()) {
    throw Error(ErrorCode::InvalidArgument,
                "permute: source shape " + shape_to_string(src.shape()) +
                    " differs from destination shape " + shape_to_string(dst.shape()));
  }
  return make(src.shape(), src.strides(), dst.strides());
}

PermutePlan PermutePlan::make(std::span<const Index> shape, std::span<const Index> src_strides,
                              std::span<const Index> dst_strides) {
  if (src_strides.size() != shape.size() || dst_strides.size() != shape.size()) {
    throw Error(ErrorCode::InvalidArgument, "permute: shape and strides have different ranks");
  }
  if (shape.size() > static_cast<std::size_t>(kMaxRank)) {
    throw Error(ErrorCode::InvalidArgument, "permute: rank " + std::to_string(shape.size()) +
                                                " exceeds the maximum of " +
                                                std::to_string(kMaxRank));
  }
  PermutePlan plan;
  for (Index e : shape) {
    if (e == 0) return plan;  // Empty
  }
  // 1. Keep axes the copy actually iterates over, normalised so dst strides are positive.
  std::array<PermuteAxis, kMaxRank> axes{};
  int rank = 0;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    PermuteAxis a{shape[i], src_strides[i], dst_strides[i]};
    if (a.extent == 1) continue;
    if (a.dst_stride == 0) {
      // Every index writes the same destination element; the obvious loop leaves the last one.
      plan.src_offset += (a.extent - 1) * a.src_stride;
      continue;
    }
    if (a.dst_stride < 0) {
      // Walking a reversed destination axis forwards is the same copy with both ends swapped.
      plan.src_offset += (a.extent - 1) * a.src_stride;
      plan.dst_offset += (a.extent - 1) * a.dst_stride;
      a.src_stride = -a.src_stride;
      a.dst_stride = -a.dst_stride;
    }
    axes[static_cast<std::size_t>(rank++)] = a;
  }
  // 2. Destination order: outermost (largest dst stride) first.
  std::stable_sort(axes.begin(), axes.begin() + rank,
                   [](const PermuteAxis& x, const PermuteAxis& y) {
                     if (x.dst_stride != y.dst_stride) return x.dst_stride > y.dst_stride;
                     return magnitude(x.src_stride) > magnitude(y.src_stride);
                   });
  // 3. Fold an axis into the next inner one when both operands step over it contiguously.
  int folded = 0;
  for (int i = 0; i < rank; ++i) {
    const PermuteAxis& a = axes[static_cast<std::size_t>(i)];
    if (folded > 0) {
      PermuteAxis& prev = axes[static_cast<std::size_t>(folded - 1)];
      // prev is outer, a is inner.
      if (prev.dst_stride == a.extent * a.dst_stride &&
          prev.src_stride == a.extent * a.src_stride) {
        prev = {prev.extent * a.extent, a.src_stride, a.dst_stride};
        continue;
      }
    }
    axes[static_cast<std::size_t>(folded++)] = a;
  }
  rank = folded;
  // 4. Pick the kernel axes.
  if (rank == 0) {
    plan.kind = PermuteKind::Runs;
    plan.inner = {1, 0, 0};
    return plan;
  }
  plan.inner = axes[static_cast<std::size_t>(rank - 1)];
  int rows = -1;
  for (int i = 0; i < rank - 1; ++i) {
    const Index s = magnitude(axes[static_cast<std::size_t>(i)].src_stride);
    if (s != 0 && (rows < 0 || s < magnitude(axes[static_cast<std::size_t>(rows)].src_stride))) {
      rows = i;
    }
  }
  const bool transpose = rows >= 0 && magnitude(axes[static_cast<std::size_t>(rows)].src_stride) <
                                          magnitude(plan.inner.src_stride);
  plan.kind = transpose ? PermuteKind::Transpose : PermuteKind::Runs;
  // Runs take the next destination axis as their row axis, so short runs are looped inside the
  // kernel rather than by the (slower) outer odometer.
  if (!transpose && rank >= 2) rows = rank - 2;
  if (rows >= 0) plan.rows = axes[static_cast<std::size_t>(rows)];
  for (int i = 0; i < rank - 1; ++i) {
    if (i == rows) continue;
    plan.outer[static_cast<std::size_t>(plan.outer_rank++)] = axes[static_cast<std::size_t>(i)];
    plan.outer_count *= axes[static_cast<std::size_t>(i)].extent;
  }
  return plan;
}

Index PermutePlan::numel() const noexcept {
  if (kind == PermuteKind::Empty) return 0;
  return outer_count * rows.extent * inner.extent;
}

std::string PermutePlan::to_string() const {
  std::string s = permute_kind_name(kind);
  if (kind == PermuteKind::Empty) return s;
  s += " outer=[";
  for (int i = 0; i < outer_rank; ++i) {
    if (i > 0) s += ", ";
    s += axis_string(outer[static_cast<std::size_t>(i)]);
  }
  s += "]";
  s += " rows=" + axis_string(rows);
  s += " inner=" + axis_string(inner);
  if (src_offset != 0 || dst_offset != 0) {
    s += " offsets=(" + std::to_string(src_offset) + ", " + std::to_string(dst_offset) + ")";
  }
  return s;
}

}  // namespace ein::permute
