// Byte accounting for ein's own buffers (tensor storage and workspaces).
//
// Why: the memory_limit promise ("no intermediate or workspace beyond the budget") must be
// measured, not asserted, and the allocators are the one place that sees every byte. The
// counters are two relaxed atomics on the allocation path; the peak is process-wide.
#pragma once

#include <cstdint>

namespace ein::support {

void note_allocation(std::int64_t bytes) noexcept;
void note_release(std::int64_t bytes) noexcept;

// Bytes of ein's buffers alive now, and the most alive at once since the last reset_peak().
std::int64_t live_bytes() noexcept;
std::int64_t peak_bytes() noexcept;
// Sets the peak to the current live bytes.
void reset_peak() noexcept;

}  // namespace ein::support
