// ein's own GEMM for large float32/float64 products: operands packed into cache-sized panels
// straight from their strides (any signs and layouts: no transposed copy first), AVX-512
// register-tile microkernels, and threads splitting the output (never k, so results do not
// depend on the thread count). Goto/BLIS structure:
//
//   for each NC-column panel of B:                    (threads split the columns, or the rows)
//     for each KC-deep slice of k:  pack B[kc x nc]   (L3; NR-wide slivers, k-major)
//       for each MC-row block of A: pack A[mc x kc]   (L2; MR-tall slivers, k-major)
//         for each NR sliver, each MR sliver: microkernel MR x NR over kc (B sliver in L1)
//
// The microkernel keeps an MR x NR tile of C in 28 of the 32 vector registers: MR = two
// vectors along m, NR = 14 columns, so each k step issues 28 FMAs against two vector loads of
// A and 14 broadcasts of B. C is written along its unit-stride dim (the problem is transposed,
// C^T = B^T A^T, when C is row-major); edge tiles go through a small buffer.
//
// Runs only where use_avx512() holds. Internal to gemm/.
#pragma once

#include "ein/gemm/shape.hpp"

namespace ein::gemm::detail {

// Whether the packed kernels take this problem (float32/float64, k >= 2, C unit-stride along m
// or n, and a shape where they measured faster than the alternative: `blas_strides` says whether
// BLAS could run it). Independent of the CPU: callers also check use_avx512().
bool packed_takes(const Canonical& c, DType dtype, bool blas_strides) noexcept;

// Work (m * n * k) from which packing pays for itself against the unpacked own loops.
inline constexpr Index kPackedMinWork = Index{32} * 32 * 32;

// C (+)= A*B for a problem packed_takes() accepted. Batch items run one after the other, each
// with all threads. Packing buffers are per-thread scratch kept for reuse (like BLAS's own
// buffers, they are not counted as ein allocations); failing to get them throws OutOfMemory.
void packed_run(const Canonical& c, DType dtype, const void* a, const void* b, void* out,
                bool accumulate, int threads);

// Tests and benchmarks: force the packed route off (Never), on wherever it applies (Always), or
// leave the size rule to decide (Auto).
enum class PackedRoute { Auto, Never, Always };
void set_packed_route_for_testing(PackedRoute route) noexcept;
PackedRoute packed_route() noexcept;

}  // namespace ein::gemm::detail
