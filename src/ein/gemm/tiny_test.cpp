// The small-matrix kernels (tiny.hpp) against gemm::reference: every (m, n, k) they take, both
// orientations (C row- or column-major), strided and reversed operands, batches split across
// threads, accumulate, NaN/Inf propagation; and the routing (tiny_applies) itself.
#include "ein/gemm/tiny.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>

#include "ein/gemm/cpu.hpp"
#include "ein/gemm/testing.hpp"

namespace ein::gemm {
namespace {

using testing::compare_buffers;
using testing::Layout;
using testing::layout_name;
using testing::make_operand;
using testing::problem_from_views;
using testing::run_against_reference;
using testing_kernels::clone_layout;
using testing_kernels::StridedBuffer;

bool have_avx512() { return detail::use_avx512(); }

TEST(TinyGemm, EveryShapeInRangeMatchesReference) {
  if (!have_avx512()) GTEST_SKIP() << "no AVX-512: the tiny kernels never run here";
  const std::uint64_t seed = testing_kernels::test_seed(777);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=TinyGemm.EveryShape*";
  for (DType dt : {DType::Float32, DType::Float64}) {
    const Index width = dt == DType::Float32 ? 16 : 8;
    for (Index n = 2; n <= width; ++n) {
      for (Index m :
           std::initializer_list<Index>{1, 2, 3, 4, 5, 7, 8, 9, 16, 33, detail::kTinyMaxMK}) {
        for (Index k : std::initializer_list<Index>{2, 3, 5, 8, 13, detail::kTinyMaxMK}) {
          const bool acc = (m + n + k) % 2 == 0;
          ASSERT_EQ(run_against_reference(dt, {}, m, n, k, Layout::Contiguous, Layout::Contiguous,
                                          Layout::Contiguous, acc, 1, rng),
                    "")
              << repro;
          // C column-major: the kernel runs on the transpose (B^T A^T).
          ASSERT_EQ(run_against_reference(dt, {}, n, m, k, Layout::Transposed, Layout::Transposed,
                                          Layout::Transposed, !acc, 1, rng),
                    "")
              << repro;
        }
      }
    }
  }
}

TEST(TinyGemm, LayoutsBatchesAndThreadsMatchReference) {
  if (!have_avx512()) GTEST_SKIP() << "no AVX-512: the tiny kernels never run here";
  const std::uint64_t seed = testing_kernels::test_seed(4242);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=TinyGemm.Layouts*";
  const Layout layouts[] = {Layout::Contiguous, Layout::Padded, Layout::Negative, Layout::Random,
                            Layout::Transposed};
  auto pick = [&](Index lo, Index hi) { return std::uniform_int_distribution<Index>(lo, hi)(rng); };
  for (int i = 0; i < 600; ++i) {
    const DType dt = i % 2 == 0 ? DType::Float32 : DType::Float64;
    Shape batch;
    for (Index d = pick(0, 2); d > 0; --d) batch.push_back(pick(1, 5));
    if (i % 50 == 0) batch = {pick(300, 600)};  // enough items for both threads
    const Layout la = layouts[pick(0, 4)], lb = layouts[pick(0, 4)], lc = layouts[pick(0, 4)];
    ASSERT_EQ(run_against_reference(dt, batch, pick(1, 12), pick(2, 9), pick(2, 20), la, lb, lc,
                                    pick(0, 1) == 1, static_cast<int>(pick(1, 2)), rng),
              "")
        << repro << " (case " << i << ")";
  }
}

TEST(TinyGemm, NanAndInfinityPropagate) {
  if (!have_avx512()) GTEST_SKIP() << "no AVX-512: the tiny kernels never run here";
  std::mt19937_64 rng(11);
  for (DType dt : {DType::Float32, DType::Float64}) {
    for (int i = 0; i < 20; ++i) {
      ASSERT_EQ(run_against_reference(dt, {3}, 5, 6, 7, Layout::Contiguous, Layout::Contiguous,
                                      Layout::Contiguous, i % 2 == 0, 1, rng, /*specials=*/true),
                "");
    }
  }
}

TEST(TinyGemm, RoutesOnlyShapesItTakes) {
  GemmProblem p;
  p.dtype = DType::Float32;
  p.m = 8;
  p.n = 8;
  p.k = 8;
  p.a_m_stride = 8;
  p.a_k_stride = 1;
  p.b_k_stride = 8;
  p.b_n_stride = 1;
  p.c_m_stride = 8;
  p.c_n_stride = 1;
  const bool avx512 = have_avx512();
  EXPECT_EQ(detail::tiny_applies(detail::canonicalize(p), p.dtype), avx512);
  p.n = 17;  // rows wider than one vector
  p.b_k_stride = p.c_m_stride = 17;
  EXPECT_FALSE(detail::tiny_applies(detail::canonicalize(p), p.dtype));
  p.n = 8;
  p.b_k_stride = p.c_m_stride = 8;
  p.k = detail::kTinyMaxMK + 1;
  EXPECT_FALSE(detail::tiny_applies(detail::canonicalize(p), p.dtype));
  p.k = 8;
  p.dtype = DType::Int32;  // integers keep the own loops
  EXPECT_FALSE(detail::tiny_applies(detail::canonicalize(p), p.dtype));
  p.dtype = DType::Float64;
  p.b_n_stride = 2;  // B not unit-stride along n (nor, transposed, along m of C)
  p.b_k_stride = 16;
  EXPECT_FALSE(detail::tiny_applies(detail::canonicalize(p), p.dtype));
  // Turned off (as on CPUs without AVX-512): never taken.
  p.b_n_stride = 1;
  p.b_k_stride = 8;
  detail::enable_avx512_for_testing(false);
  EXPECT_FALSE(detail::tiny_applies(detail::canonicalize(p), p.dtype));
  detail::enable_avx512_for_testing(true);
}

TEST(TinyGemm, WithoutAvx512TheOtherRoutesGiveTheSameResults) {
  std::mt19937_64 rng(99);
  detail::enable_avx512_for_testing(false);
  for (int i = 0; i < 40; ++i) {
    const DType dt = i % 2 == 0 ? DType::Float32 : DType::Float64;
    const std::string err =
        run_against_reference(dt, {4}, 3 + i % 5, 2 + i % 7, 2 + i % 9, Layout::Contiguous,
                              Layout::Random, Layout::Contiguous, i % 3 == 0, 2, rng);
    if (!err.empty()) {
      detail::enable_avx512_for_testing(true);
      FAIL() << err;
    }
  }
  detail::enable_avx512_for_testing(true);
}

}  // namespace
}  // namespace ein::gemm
