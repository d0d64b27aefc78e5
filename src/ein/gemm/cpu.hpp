// Runtime CPU dispatch for ein's own GEMM loops. The default build targets baseline x86-64
// (SSE2); kernels that gain from wider vectors are also compiled for AVX2 and picked at run time.
#pragma once

namespace ein::gemm::detail {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EIN_GEMM_AVX2_DISPATCH 1
// Compiles a function for AVX2 with everything it calls inlined, so a generic template body
// becomes an AVX2 kernel.
#define EIN_AVX2_KERNEL __attribute__((target("avx2"), flatten))
// The same for AVX-512 (F, BW, DQ, VL: every AVX-512 CPU since Skylake-SP has all four).
#define EIN_AVX512_KERNEL __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma"), flatten))
#else
#define EIN_GEMM_AVX2_DISPATCH 0
#endif

// Whether the AVX2 kernels run: the CPU supports AVX2 and tests have not turned them off.
bool use_avx2() noexcept;
// Tests run both kernel sets: false forces the baseline kernels, true restores detection.
void enable_avx2_for_testing(bool enabled) noexcept;

// Whether the AVX-512 kernels run: the CPU supports AVX-512 F/BW/DQ/VL, the OS saves the
// registers (the compiler's check includes that), and tests have not turned them off.
bool use_avx512() noexcept;
// Tests run every kernel set: false forces the AVX2/baseline kernels, true restores detection.
void enable_avx512_for_testing(bool enabled) noexcept;

}  // namespace ein::gemm::detail
