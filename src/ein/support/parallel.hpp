// A process-wide thread pool and a static-partition parallel_for for ein's own loops.
//
// Why static partitions: kernels that reduce (sums, dots) must give bit-identical results for a
// given thread count, so chunk c always covers the same index range whichever thread runs it.
// Why the caller works too: a parallel_for issued from inside a pool thread (re-entrant use) can
// always finish on its own even when every pool thread is busy, so nesting never deadlocks.
#pragma once

#include <concepts>
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

namespace detail {
// A non-owning reference to a chunk body, so the templates below never allocate (a std::function
// holding a lambda with several captures would).
struct ChunkBody {
  const void* object;
  void (*call)(const void* object, int chunk, Index begin, Index end);
};
void run_chunks(Index n, int threads, ChunkBody body, Index grain);
}  // namespace detail

// Runs body(chunk, begin, end) over parallel_chunks(n, threads, grain) contiguous chunks of
// [0, n), partitioned with chunk_range. The caller runs chunks itself and pool threads help; the
// call returns when every chunk is done. A single chunk runs inline with no synchronisation.
// Safe to call from many threads at once and from inside a body. If a body throws, the first
// exception is rethrown in the caller after all chunks have finished. Allocates nothing.
template <class F>
requires std::invocable<const F&, int, Index, Index>
void parallel_for_chunks(Index n, int threads, const F& body, Index grain = 1) {
  detail::run_chunks(
      n, threads,
      {&body, [](const void* o, int c, Index b, Index e) { (*static_cast<const F*>(o))(c, b, e); }},
      grain);
}

// The same without the chunk number: body(begin, end).
template <class F>
requires std::invocable<const F&, Index, Index>
void parallel_for(Index n, int threads, const F& body, Index grain = 1) {
  detail::run_chunks(
      n, threads,
      {&body, [](const void* o, int, Index b, Index e) { (*static_cast<const F*>(o))(b, e); }},
      grain);
}

// The type-erased spelling, for callers that already hold a std::function.
void parallel_for(Index n, int threads, const std::function<void(Index begin, Index end)>& body,
                  Index grain = 1);

}  // namespace ein::support
