// A process-wide thread pool and a static-partition parallel_for for ein's own loops.
//
// Why static partitions: kernels that reduce (sums, dots) must give bit-identical results for a
// given thread count, so chunk c always covers the same index range whichever thread runs it.
// Why the caller works too: a parallel_for issued from inside a pool thread (re-entrant use) can
// always finish on its own even when every pool thread is busy, so nesting never deadlocks.
#pragma once

#include <cstdint>
#include <functional>

namespace ein::support {

using Index = std::int64_t;

// std::thread::hardware_concurrency(), at least 1.
int default_threads() noexcept;

// The number of chunks parallel_for(n, threads, ..., grain) splits [0, n) into: at most
// `threads` (<= 0 means default_threads()), at most n / grain (at least one chunk when n > 0).
int parallel_chunks(Index n, int threads, Index grain = 1) noexcept;

// The range of chunk `c` of `chunks` over [0, n): contiguous, in order, sizes differ by at most 1.
inline void chunk_range(Index n, int chunks, int c, Index& begin, Index& end) noexcept {
  const Index q = n / chunks, r = n % chunks;
  begin = c * q + (c < r ? c : r);
  end = begin + q + (c < r ? 1 : 0);
}

// Runs body(begin, end) over parallel_chunks(n, threads, grain) contiguous chunks of [0, n),
// partitioned with chunk_range. The caller runs chunks itself and pool threads help; the call
// returns when every chunk is done. A single chunk runs inline with no synchronisation. Safe to
// call from many threads at once and from inside a body. If a body throws, the first exception
// is rethrown in the caller after all chunks have finished.
void parallel_for(Index n, int threads, const std::function<void(Index begin, Index end)>& body,
                  Index grain = 1);

// Like parallel_for, but body(chunk, begin, end) also receives the chunk number (for kernels that
// combine per-chunk partial results in chunk order).
void parallel_for_chunks(Index n, int threads,
                         const std::function<void(int chunk, Index begin, Index end)>& body,
                         Index grain = 1);

}  // namespace ein::support
