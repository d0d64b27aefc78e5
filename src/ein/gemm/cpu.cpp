#include "ein/gemm/cpu.hpp"

#include <atomic>

namespace ein::gemm::detail {

namespace {
std::atomic<bool> g_allowed{true};

bool cpu_has_avx2() noexcept {
#if EIN_GEMM_AVX2_DISPATCH
  static const bool has = __builtin_cpu_supports("avx2") != 0;
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

}  // namespace ein::gemm::detail
