// PermutePlan: a strided copy dst[i...] = src[i...] reduced to its simplest loop nest.
//
// Planning drops extent-1 axes, resolves axes the destination does not move along (stride 0:
// the last write wins, as in the obvious loop), flips axes with negative destination strides,
// orders axes by destination stride and folds axes that are adjacent in both operands. What is
// left is one of two shapes of work:
//   Runs       — the destination's fastest axis is also the source's fastest: copy runs along it
//                (memcpy when both are unit-stride);
//   Transpose  — the source's fastest axis differs: move 2-D tiles between the two axes so both
//                sides touch whole cache lines.
// Plans hold no pointers and allocate nothing, so one plan can be built once and run many times
// over different buffers with the same strides.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "ein/tensor.hpp"

namespace ein::permute {

// The largest rank a plan supports (NumPy's limit).
inline constexpr int kMaxRank = 64;

struct PermuteAxis {
  Index extent = 1;
  Index src_stride = 0;  // elements
  Index dst_stride = 0;  // elements
};

enum class PermuteKind { Empty, Runs, Transpose };
const char* permute_kind_name(PermuteKind kind) noexcept;

struct PermutePlan {
  PermuteKind kind = PermuteKind::Empty;
  // Element offsets to add to the src / dst data pointers before running (from flipped axes and
  // resolved zero-stride destination axes).
  Index src_offset = 0;
  Index dst_offset = 0;
  // Loops outside the kernel, outermost first.
  std::array<PermuteAxis, kMaxRank> outer{};
  int outer_rank = 0;
  Index outer_count = 1;  // product of the outer extents
  // The destination's fastest axis: the run axis (Runs) or the tile's column axis (Transpose).
  PermuteAxis inner{};
  // The second kernel axis: for Transpose the source's fastest axis (the tile's rows); for Runs
  // the next destination axis (one run per row). Extent 1 when there is none.
  PermuteAxis rows{};

  // Throws ein::Error(InvalidArgument) when the ranks differ or exceed kMaxRank (caller bugs);
  // never allocates.
  static PermutePlan make(std::span<const Index> shape, std::span<const Index> src_strides,
                          std::span<const Index> dst_strides);
  static PermutePlan make(const TensorView& src, const TensorView& dst);

  [[nodiscard]] Index numel() const noexcept;
  [[nodiscard]] std::span<const PermuteAxis> outer_axes() const noexcept {
    return {outer.data(), static_cast<std::size_t>(outer_rank)};
  }
  // e.g. "Transpose outer=[(4: 1024, 4096)] rows=(64: 1, 64) inner=(64: 64, 1)" where each axis
  // prints as (extent: src_stride, dst_stride).
  [[nodiscard]] std::string to_string() const;
};

}  // namespace ein::permute
