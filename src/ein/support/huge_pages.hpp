// Transparent huge pages for big buffers.
#pragma once

#include <cstddef>

namespace ein::support {

// Asks the kernel to back the whole pages of [p, p + bytes) with transparent huge pages when
// the block is at least kHugePageAdviceBytes (Linux madvise(MADV_HUGEPAGE); a no-op elsewhere
// and where THP is off). Why: a 64 MiB tensor spans 16,384 4-KiB pages, and kernels that walk
// it with large strides (permutations, diagonals, transposed GEMM packing) miss the TLB on
// almost every cache line; NumPy gives its large arrays the same advice. Best effort: errors
// are ignored, the memory stays valid either way.
inline constexpr std::size_t kHugePageAdviceBytes = std::size_t{4} << 20;
void advise_huge_pages(void* p, std::size_t bytes) noexcept;

}  // namespace ein::support
