#include "ein/support/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ein::support {
namespace {

TEST(ParallelFor, ChunkRangeCoversInOrder) {
  for (Index n : {0, 1, 5, 7, 100, 1001}) {
    for (int chunks = 1; chunks <= 9; ++chunks) {
      Index expected_begin = 0;
      for (int c = 0; c < chunks; ++c) {
        Index b = 0, e = 0;
        chunk_range(n, chunks, c, b, e);
        EXPECT_EQ(b, expected_begin) << "n=" << n << " chunks=" << chunks << " c=" << c;
        EXPECT_LE(e - b, n / chunks + 1);
        EXPECT_GE(e - b, n / chunks);
        expected_begin = e;
      }
      EXPECT_EQ(expected_begin, n);
    }
  }
}

TEST(ParallelFor, ChunkCountRespectsThreadsAndGrain) {
  EXPECT_EQ(parallel_chunks(0, 4), 0);
  EXPECT_EQ(parallel_chunks(10, 4), 4);
  EXPECT_EQ(parallel_chunks(3, 4), 3);
  EXPECT_EQ(parallel_chunks(100, 4, 40), 2);
  EXPECT_EQ(parallel_chunks(100, 4, 1000), 1);
  EXPECT_EQ(parallel_chunks(1000, 0), std::min(1000, default_threads()));
  EXPECT_GE(default_threads(), 1);
}

TEST(ParallelFor, EveryIndexExactlyOnce) {
  for (int threads : {-1, 0, 1, 2, 3, 8, 33}) {
    for (Index n : {0, 1, 2, 17, 1000, 100000}) {
      std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
      parallel_for(n, threads, [&](Index b, Index e) {
        for (Index i = b; i < e; ++i) hits[static_cast<std::size_t>(i)].fetch_add(1);
      });
      for (Index i = 0; i < n; ++i) {
        ASSERT_EQ(hits[static_cast<std::size_t>(i)].load(), 1)
            << "threads=" << threads << " n=" << n << " i=" << i;
      }
    }
  }
}

TEST(ParallelFor, PartitionIsDeterministic) {
  // The chunk boundaries seen by bodies are exactly chunk_range's, whichever thread runs them.
  const Index n = 1003;
  const int threads = 5;
  const int chunks = parallel_chunks(n, threads);
  std::vector<std::pair<Index, Index>> seen(static_cast<std::size_t>(chunks));
  parallel_for_chunks(n, threads, [&](int c, Index b, Index e) {
    seen[static_cast<std::size_t>(c)] = {b, e};
  });
  for (int c = 0; c < chunks; ++c) {
    Index b = 0, e = 0;
    chunk_range(n, chunks, c, b, e);
    EXPECT_EQ(seen[static_cast<std::size_t>(c)], std::make_pair(b, e));
  }
}

TEST(ParallelFor, SingleChunkRunsInline) {
  const auto caller = std::this_thread::get_id();
  std::thread::id ran_on;
  parallel_for(100, 1, [&](Index, Index) { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, caller);
}

TEST(ParallelFor, NestedCallsDoNotDeadlock) {
  std::atomic<Index> total{0};
  parallel_for(16, 4, [&](Index b, Index e) {
    for (Index i = b; i < e; ++i) {
      parallel_for(64, 4, [&](Index b2, Index e2) {
        parallel_for(e2 - b2, 3, [&](Index b3, Index e3) { total.fetch_add(e3 - b3); });
      });
    }
  });
  EXPECT_EQ(total.load(), 16 * 64);
}

TEST(ParallelFor, ManyCallersAtOnce) {
  std::vector<std::thread> callers;
  std::atomic<Index> total{0};
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&] {
      for (int rep = 0; rep < 200; ++rep) {
        parallel_for(50, 3, [&](Index b, Index e) { total.fetch_add(e - b); });
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(total.load(), Index{6} * 200 * 50);
}

TEST(ParallelFor, ExceptionReachesCallerAfterAllChunks) {
  std::atomic<int> finished{0};
  EXPECT_THROW(parallel_for(8, 4,
                            [&](Index b, Index) {
                              if (b == 0) throw std::runtime_error("boom");
                              finished.fetch_add(1);
                            }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 3);
  // The pool still works afterwards.
  std::atomic<Index> total{0};
  parallel_for(100, 4, [&](Index b, Index e) { total.fetch_add(e - b); });
  EXPECT_EQ(total.load(), 100);
}

}  // namespace
}  // namespace ein::support
