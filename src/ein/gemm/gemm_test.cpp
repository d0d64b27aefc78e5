// gemm::run against gemm::reference: every family x every dtype x every layout x accumulate.
#include "ein/gemm/gemm.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "ein/gemm/cpu.hpp"
#include "ein/gemm/packed.hpp"
#include "ein/gemm/testing.hpp"

namespace ein::gemm {
namespace {

using testing::compare_buffers;
using testing::kAllLayouts;
using testing::Layout;
using testing::layout_name;
using testing::make_operand;
using testing::problem_from_views;
using testing_kernels::clone_layout;
using testing_kernels::StridedBuffer;

struct Shape3 {
  const char* name;
  Shape batch;
  Index m, n, k;
};

const Shape3 kShapes[] = {
    {"scalar", {}, 1, 1, 1},
    {"scale", {}, 7, 1, 1},
    {"scale_row", {}, 1, 9, 1},
    {"outer", {}, 6, 11, 1},
    {"dot", {}, 1, 1, 37},
    {"gemv_col", {}, 9, 1, 13},
    {"gemv_row", {}, 1, 11, 13},
    {"gemm", {}, 9, 11, 13},
    {"gemm_blocks", {}, 33, 70, 131},
    {"hadamard", {17}, 1, 1, 1},
    {"hadamard_2d", {3, 4}, 1, 1, 1},
    {"batched_scale", {3}, 5, 1, 1},
    {"batched_outer", {2, 3}, 4, 5, 1},
    {"batched_dot", {6}, 1, 1, 19},
    {"batched_gemv", {4}, 1, 7, 9},
    {"batched_gemm", {2, 3}, 5, 6, 7},
    {"fill", {}, 3, 4, 0},
    {"batched_fill", {2}, 3, 4, 0},
    {"empty_m", {}, 0, 4, 5},
    {"empty_batch", {0}, 3, 4, 5},
    {"extent_one_batch", {1, 3, 1}, 2, 3, 4},
};

// Runs one random problem through run() and reference() on identical C buffers.
void check_case(const Shape3& s, DType dt, Layout la, Layout lb, Layout lc, bool accumulate,
                int threads, std::mt19937_64& rng, const std::string& repro, bool conj_a = false,
                bool conj_b = false) {
  const StridedBuffer a = make_operand(dt, s.batch, s.m, s.k, la, rng, true);
  const StridedBuffer b = make_operand(dt, s.batch, s.k, s.n, lb, rng, true);
  const StridedBuffer c0 = make_operand(dt, s.batch, s.m, s.n, lc, rng, false);
  StridedBuffer fast = clone_layout(c0);
  StridedBuffer slow = clone_layout(c0);
  GemmProblem pf = problem_from_views(a.view, b.view, fast.view, accumulate);
  GemmProblem ps = problem_from_views(a.view, b.view, slow.view, accumulate);
  pf.conj_a = ps.conj_a = conj_a;
  pf.conj_b = ps.conj_b = conj_b;
  run(pf, threads);
  reference(ps);
  const std::string err = compare_buffers(fast, slow, testing::tolerance(dt, s.k));
  ASSERT_EQ(err, "") << s.name << " " << dtype_name(dt) << " A " << layout_name(la) << " B "
                     << layout_name(lb) << " C " << layout_name(lc)
                     << (accumulate ? " accumulate" : "") << " threads " << threads
                     << "\n  problem " << to_string(pf) << "\n  blas_compatible "
                     << blas_compatible(pf) << "\n  " << repro;
}

TEST(GemmRun, EveryFamilyDtypeLayoutMatchesReference) {
  const std::uint64_t seed = testing_kernels::test_seed(424242);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=GemmRun.EveryFamily*";
  for (const Shape3& s : kShapes) {
    for (DType dt : kAllDTypes) {
      for (Layout l : kAllLayouts) {
        for (bool accumulate : {false, true}) {
          // Same layout for all three, then a random mix.
          check_case(s, dt, l, l, l, accumulate, 2, rng, repro);
          if (HasFatalFailure()) return;
          const Layout la = kAllLayouts[rng() % 5], lb = kAllLayouts[rng() % 5];
          const Layout lc = kAllLayouts[rng() % 5];
          check_case(s, dt, la, lb, lc, accumulate, static_cast<int>(1 + rng() % 3), rng, repro);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

// Conjugation flags on every family and layout (BLAS with its conjugating flags, ?dotc, and the
// own loops for the rest) against the reference, which conjugates as it reads.
TEST(GemmRun, ConjugatedOperandsMatchReference) {
  const std::uint64_t seed = testing_kernels::test_seed(2718);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=GemmRun.Conjugated*";
  for (const Shape3& s : kShapes) {
    for (DType dt : {DType::Complex64, DType::Complex128, DType::Float64}) {
      for (Layout l : kAllLayouts) {
        for (int flags = 1; flags < 4; ++flags) {
          check_case(s, dt, l, kAllLayouts[rng() % 5], l, flags == 3,
                     1 + static_cast<int>(rng() % 2), rng, repro, (flags & 1) != 0,
                     (flags & 2) != 0);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(GemmRun, ThreadedShapesMatchReference) {
  // Large enough to split: many small items (pool over items), a few big items (rows split or
  // BLAS threading), long dots.
  const Shape3 shapes[] = {
      {"many_small", {300}, 4, 5, 6}, {"few_big", {2}, 70, 90, 40},
      {"one_big", {}, 100, 90, 70},   {"long_batched_dot", {64}, 1, 1, 3000},
      {"big_outer", {}, 300, 400, 1}, {"big_hadamard", {500, 300}, 1, 1, 1},
  };
  const std::uint64_t seed = testing_kernels::test_seed(77);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=GemmRun.Threaded*";
  for (const Shape3& s : shapes) {
    for (DType dt : {DType::Bool, DType::Int64, DType::Float32, DType::Complex128}) {
      for (Layout l : {Layout::Contiguous, Layout::Random}) {
        // One thread is what every other test runs; here the splits matter.
        check_case(s, dt, l, l, l, l == Layout::Random, 4, rng, repro);
        if (HasFatalFailure()) return;
      }
    }
  }
}

void random_corpus(const char* test_name, std::uint64_t default_seed, int iterations) {
  const std::uint64_t seed = testing_kernels::test_seed(default_seed);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=GemmRun." + test_name;
  auto extent = [&](int max) { return static_cast<Index>(rng() % static_cast<unsigned>(max + 1)); };
  for (int iter = 0; iter < iterations; ++iter) {
    Shape batch(rng() % 3);
    for (Index& e : batch) e = 1 + extent(3);
    const Shape3 s{"random", batch, extent(1) == 0 ? 1 : extent(20),
                   extent(2) == 0 ? 1 : extent(20), extent(3) == 0 ? 1 : extent(90)};
    const DType dt = kAllDTypes[rng() % kNumDTypes];
    check_case(s, dt, kAllLayouts[rng() % 5], kAllLayouts[rng() % 5], kAllLayouts[rng() % 5],
               rng() % 2 == 0, static_cast<int>(1 + rng() % 3), rng,
               repro + " (iteration " + std::to_string(iter) + ")");
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(GemmRun, RandomCorpusMatchesReference) {
  random_corpus("RandomCorpusMatchesReference", 1234, 400);
}

TEST(GemmRun, BaselineKernelsMatchReference) {
  // The same corpus with the AVX2 builds of the own loops turned off (where the CPU has them,
  // the other tests run those).
  detail::enable_avx2_for_testing(false);
  random_corpus("BaselineKernelsMatchReference", 4321, 400);
  detail::enable_avx2_for_testing(true);
}

TEST(GemmRun, PackedKernelsOnEveryShapeTheyTake) {
  // The random corpus with the packed kernels taking every float GEMM they can (by default they
  // take only strides BLAS cannot; shapes the tiny kernels take still go there). Without
  // AVX-512 this reruns the default routes.
  detail::set_packed_route_for_testing(detail::PackedRoute::Always);
  random_corpus("PackedKernelsOnEveryShapeTheyTake", 777, 400);
  detail::set_packed_route_for_testing(detail::PackedRoute::Auto);
}

TEST(GemmRun, ManyCallersAtOnce) {
  // run() from several threads at once, mixing BLAS calls and own loops.
  std::vector<std::thread> callers;
  std::vector<std::string> errors(6);
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([t, &errors] {
      std::mt19937_64 rng(1000 + static_cast<unsigned>(t));
      const DType dt = t % 2 == 0 ? DType::Float64 : DType::Int64;
      for (int rep = 0; rep < 20 && errors[static_cast<std::size_t>(t)].empty(); ++rep) {
        const StridedBuffer a = make_operand(dt, {8}, 12, 10, Layout::Contiguous, rng, true);
        const StridedBuffer b = make_operand(dt, {8}, 10, 14, Layout::Contiguous, rng, true);
        const StridedBuffer c = make_operand(dt, {8}, 12, 14, Layout::Contiguous, rng, false);
        StridedBuffer fast = clone_layout(c), slow = clone_layout(c);
        run(problem_from_views(a.view, b.view, fast.view, false), 2);
        reference(problem_from_views(a.view, b.view, slow.view, false));
        errors[static_cast<std::size_t>(t)] =
            compare_buffers(fast, slow, testing::tolerance(dt, 10));
      }
    });
  }
  for (auto& c : callers) c.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
}

}  // namespace
}  // namespace ein::gemm
