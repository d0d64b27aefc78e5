#include "ein/support/fault_injection.hpp"

#include <atomic>

namespace ein::support {
namespace {

// -1: disarmed. Otherwise the number of allocations still allowed to succeed.
std::atomic<std::int64_t> g_countdown{-1};
std::atomic<std::int64_t> g_failures{0};

}  // namespace

void fail_allocation_after(std::int64_t successes) noexcept {
  g_failures.store(0, std::memory_order_relaxed);
  g_countdown.store(successes < 0 ? 0 : successes, std::memory_order_seq_cst);
}

void disarm_allocation_failure() noexcept { g_countdown.store(-1, std::memory_order_seq_cst); }

std::int64_t injected_allocation_failures() noexcept {
  return g_failures.load(std::memory_order_relaxed);
}

bool should_fail_allocation() noexcept {
  std::int64_t left = g_countdown.load(std::memory_order_relaxed);
  if (left < 0) return false;  // the common case: disarmed
  // Armed: take one success if any is left, else fail (and keep failing).
  while (left > 0) {
    if (g_countdown.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) return false;
    if (left < 0) return false;  // disarmed meanwhile
  }
  if (left < 0) return false;
  g_failures.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace ein::support
