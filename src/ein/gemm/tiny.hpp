// Small-matrix GEMM: register kernels for float32/float64 items whose rows fit one AVX-512
// vector (n <= 16 / 8), with m and k up to kTinyMaxMK. Each row of C is one vector accumulated
// over k from broadcast elements of A and rows of B, with masked loads and stores for the
// ragged n, so a whole item costs about m * k / 2 cycles and no call into BLAS (whose fixed cost
// per call, ~40-100 ns, dominates items this small: batches of 8x8 matrices, 3x3 products).
// Batch items loop inside the kernel and are split across the pool.
//
// Runs only where use_avx512() holds; elsewhere (and for other shapes) gemm::run keeps its
// other routes. Internal to gemm/.
#pragma once

#include "ein/gemm/shape.hpp"

namespace ein::gemm::detail {

inline constexpr Index kTinyMaxMK = 64;

// Whether the tiny kernel takes `c` as it is (C and B unit-stride along n, extents in range).
bool tiny_fits(const Canonical& c, DType dtype) noexcept;

// Whether it takes `c` or its transpose (C^T = B^T A^T); it runs only where use_avx512() holds.
bool tiny_takes(const Canonical& c, DType dtype) noexcept;

// tiny_takes() and use_avx512().
bool tiny_applies(const Canonical& c, DType dtype) noexcept;

// C (+)= A*B for a problem tiny_applies() accepted (transposing it when needed).
void tiny_run(const Canonical& c, DType dtype, const void* a, const void* b, void* out,
              bool accumulate, int threads);

}  // namespace ein::gemm::detail
