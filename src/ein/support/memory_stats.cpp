#include "ein/support/memory_stats.hpp"

#include <atomic>

namespace ein::support {
namespace {

std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

}  // namespace

void note_allocation(std::int64_t bytes) noexcept {
  const std::int64_t now = g_live.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void note_release(std::int64_t bytes) noexcept {
  g_live.fetch_sub(bytes, std::memory_order_relaxed);
}

std::int64_t live_bytes() noexcept { return g_live.load(std::memory_order_relaxed); }
std::int64_t peak_bytes() noexcept { return g_peak.load(std::memory_order_relaxed); }
void reset_peak() noexcept { g_peak.store(live_bytes(), std::memory_order_relaxed); }

}  // namespace ein::support
