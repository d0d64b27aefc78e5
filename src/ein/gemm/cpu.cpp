#include "ein/gemm/cpu.hpp"

#include <atomic>

namespace ein::gemm::detail {

namespace {
std::atomic<bool> g_allowed{true};
std::atomic<bool> g_allowed_512{true};

bool cpu_has_avx2() noexcept {
#if EIN_GEMM_AVX2_DISPATCH
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
#else
  return false;
#endif
}

bool cpu_has_avx512() noexcept {
#if EIN_GEMM_AVX2_DISPATCH
  static const bool has =
      __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
      __builtin_cpu_supports("avx512dq") != 0 && __builtin_cpu_supports("avx512vl") != 0 &&
      __builtin_cpu_supports("fma") != 0;
  return has;
#else
  return false;
#endif
}
}  // namespace

bool use_avx2() noexcept { return cpu_has_avx2() && g_allowed.load(std::memory_order_relaxed); }

void enable_avx2_for_testing(bool enabled) noexcept {
  g_allowed.store(enabled, std::memory_order_relaxed);
}

bool use_avx512() noexcept {
  return cpu_has_avx512() && g_allowed_512.load(std::memory_order_relaxed);
}

void enable_avx512_for_testing(bool enabled) noexcept {
  g_allowed_512.store(enabled, std::memory_order_relaxed);
}

}  // namespace ein::gemm::detail
