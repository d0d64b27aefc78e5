#include "ein/permute/permute.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "ein/gemm/cpu.hpp"
#include "ein/permute/testing.hpp"

namespace ein::permute {
namespace {

using testing_kernels::clone_layout;
using testing_kernels::describe;
using testing_kernels::LayoutOptions;
using testing_kernels::random_layout;
using testing_kernels::random_shape;
using testing_kernels::StridedBuffer;

// Runs copy/convert and reference_copy into identical destination buffers and compares every
// byte of the buffers (so writes outside the view are caught as well).
void check_against_reference(const TensorView& src, const StridedBuffer& dst, int threads,
                             const std::string& context) {
  StridedBuffer fast = clone_layout(dst);
  StridedBuffer slow = clone_layout(dst);
  if (src.dtype() == dst.view.dtype()) {
    copy(src, fast.view, threads);
  } else {
    convert(src, fast.view, threads);
  }
  reference_copy(src, slow.view);
  ASSERT_EQ(std::memcmp(fast.raw(), slow.raw(), fast.bytes()), 0)
      << context << "\n  src " << describe(src) << "\n  dst " << describe(dst.view) << "\n  plan "
      << PermutePlan::make(src, dst.view).to_string() << "\n  threads " << threads;
}

TEST(PermuteCopy, RandomCorpusMatchesReference) {
  const std::uint64_t seed = testing_kernels::test_seed(20240611);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_permute_tests --gtest_filter=PermuteCopy.RandomCorpus*";
  for (int iter = 0; iter < 1500; ++iter) {
    const DType dt = kAllDTypes[rng() % kNumDTypes];
    const Shape shape = iter % 3 == 0 ? random_shape(rng, 3, 40) : random_shape(rng, 5, 6);
    LayoutOptions src_opt;
    src_opt.allow_zero = true;
    LayoutOptions dst_opt;
    dst_opt.allow_negative = rng() % 2 == 0;
    dst_opt.allow_padding = rng() % 2 == 0;
    const StridedBuffer src = random_layout(dt, shape, rng, src_opt);
    const StridedBuffer dst = random_layout(dt, shape, rng, dst_opt);
    const int threads = static_cast<int>(1 + rng() % 3);
    check_against_reference(src.view, dst, threads,
                            "iteration " + std::to_string(iter) + ", " + repro);
    if (HasFatalFailure()) return;
  }
}

TEST(PermuteCopy, LargePermutationsUseTilesAndThreads) {
  std::mt19937_64 rng(7);
  const Shape shape = {16, 40, 20, 12};
  const int perms[][4] = {{3, 1, 0, 2}, {0, 1, 3, 2}, {3, 2, 1, 0}, {1, 0, 2, 3}, {2, 3, 0, 1}};
  for (DType dt : {DType::Bool, DType::Int32, DType::Float64, DType::Complex128}) {
    for (const auto& perm : perms) {
      LayoutOptions contiguous{false, false, false, false};
      StridedBuffer src = random_layout(dt, shape, rng, contiguous);
      const TensorView permuted = src.view.permute({perm[0], perm[1], perm[2], perm[3]});
      const StridedBuffer dst = random_layout(dt, permuted.shape(), rng, contiguous);
      for (int threads : {1, 3}) {
        check_against_reference(permuted, dst, threads,
                                "perm " + std::to_string(perm[0]) + std::to_string(perm[1]) +
                                    std::to_string(perm[2]) + std::to_string(perm[3]));
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(PermuteCopy, OddTransposeSizes) {
  // Partial tiles on every edge, for each element size.
  std::mt19937_64 rng(11);
  for (DType dt : kAllDTypes) {
    for (Index m : {1, 3, 15, 16, 17, 33}) {
      for (Index n : {2, 7, 8, 9, 31, 64}) {
        LayoutOptions contiguous{false, false, false, false};
        StridedBuffer src = random_layout(dt, {m, n}, rng, contiguous);
        const StridedBuffer dst = random_layout(dt, {n, m}, rng, contiguous);
        check_against_reference(src.view.transpose(), dst, 1,
                                "m=" + std::to_string(m) + " n=" + std::to_string(n));
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(PermuteCopy, LargeTransposesUseStreamingStores) {
  // Destinations of 8 MiB and more take the cache-bypassing path when rows are line-aligned.
  // 4-byte tiles run in AVX-512 registers where the CPU has it: both kernel sets are checked.
  std::mt19937_64 rng(5);
  for (bool avx512 : {true, false}) {
    gemm::detail::enable_avx512_for_testing(avx512);
    for (DType dt : {DType::Float32, DType::Int32, DType::Int64, DType::Complex128}) {
      const Index total = (Index{8} << 20) / static_cast<Index>(itemsize(dt));
      const Index rows = 1024 + 16 + (avx512 ? 0 : 5);  // ragged edges for the scalar tiles
      const Index cols = total / 1024;
      LayoutOptions contiguous{false, false, false, false};
      StridedBuffer src = random_layout(dt, {cols, rows}, rng, contiguous);
      const StridedBuffer dst = random_layout(dt, {rows, cols}, rng, contiguous);
      check_against_reference(src.view.transpose(), dst, 2,
                              avx512 ? "streaming transpose" : "streaming transpose, no AVX-512");
      if (HasFatalFailure()) break;
    }
    if (HasFatalFailure()) break;
  }
  gemm::detail::enable_avx512_for_testing(true);
}

TEST(PermuteCopy, FullTilesForEveryElementSize) {
  // Tiles are one cache line on a side (64 x 64 for bytes): large enough extents for full tiles
  // plus ragged edges, with and without a leading batch axis.
  std::mt19937_64 rng(13);
  for (DType dt : kAllDTypes) {
    LayoutOptions contiguous{false, false, false, false};
    StridedBuffer src = random_layout(dt, {3, 200, 130}, rng, contiguous);
    const StridedBuffer dst = random_layout(dt, {3, 130, 200}, rng, contiguous);
    check_against_reference(src.view.permute({0, 2, 1}), dst, 1, "full tiles");
    if (HasFatalFailure()) return;
  }
}

TEST(PermuteCopy, ZeroSizeAndRankZero) {
  std::mt19937_64 rng(3);
  for (DType dt : kAllDTypes) {
    LayoutOptions opt;
    const StridedBuffer empty_src = random_layout(dt, {3, 0, 5}, rng, opt);
    const StridedBuffer empty_dst = random_layout(dt, {3, 0, 5}, rng, opt);
    check_against_reference(empty_src.view, empty_dst, 2, "zero size");
    const StridedBuffer s0 = random_layout(dt, {}, rng, opt);
    const StridedBuffer d0 = random_layout(dt, {}, rng, opt);
    check_against_reference(s0.view, d0, 1, "rank 0");
    EXPECT_EQ(PermutePlan::make(empty_src.view, empty_dst.view).kind, PermuteKind::Empty);
  }
}

TEST(PermuteCopy, BroadcastSourceAndReversedAxes) {
  std::vector<double> values = {1, 2, 3};
  const TensorView src(values.data() + 2, DType::Float64, {4, 3}, {0, -1});
  std::vector<double> out(12, -1);
  copy(src, TensorView::of(out.data(), {4, 3}));
  EXPECT_EQ(out, (std::vector<double>{3, 2, 1, 3, 2, 1, 3, 2, 1, 3, 2, 1}));
}

TEST(PermuteCopy, ZeroStrideDestinationKeepsLastWrite) {
  const std::vector<std::int32_t> values = {1, 2, 3, 4, 5, 6};
  std::int32_t out[2] = {0, 0};
  const TensorView dst(out, DType::Int32, {3, 2}, {0, 1});
  copy(TensorView::of(values.data(), {3, 2}), dst);
  EXPECT_EQ(out[0], 5);
  EXPECT_EQ(out[1], 6);
}

TEST(PermuteCopy, OntoItselfIsANoOp) {
  std::vector<float> v = {1, 2, 3, 4, 5, 6};
  const TensorView t = TensorView::of(v.data(), {2, 3});
  copy(t, t);
  convert(t, t);
  EXPECT_EQ(v, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(PermuteCopy, CallerBugsAreErrors) {
  float a[6] = {};
  double b[6] = {};
  EXPECT_THROW(copy(TensorView::of(a, {2, 3}), TensorView::of(b, {2, 3})), Error);
  EXPECT_THROW(copy(TensorView::of(a, {2, 3}), TensorView::of(a, {3, 2})), Error);
}

TEST(PermuteConvert, AllDTypePairsMatchReference) {
  const std::uint64_t seed = testing_kernels::test_seed(99);
  std::mt19937_64 rng(seed);
  for (DType from : kAllDTypes) {
    for (DType to : kAllDTypes) {
      for (int iter = 0; iter < 12; ++iter) {
        const Shape shape = random_shape(rng, 4, iter < 6 ? 5 : 30);
        LayoutOptions src_opt;
        src_opt.allow_zero = true;
        const StridedBuffer src = random_layout(from, shape, rng, src_opt);
        const StridedBuffer dst = random_layout(to, shape, rng, LayoutOptions{});
        check_against_reference(src.view, dst, static_cast<int>(1 + rng() % 2),
                                std::string(dtype_name(from)) + " -> " +
                                    std::string(dtype_name(to)) + ", reproduce: EIN_SEED=" +
                                    std::to_string(seed) + " --gtest_filter=PermuteConvert.*");
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(PermuteConvert, SpecialValuesFollowNumPy) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> src = {nan, inf, -inf, 1e20, -2.7, 2.7, -0.0, 0.5};
  std::vector<std::int32_t> i32(src.size());
  std::vector<std::int64_t> i64(src.size());
  std::vector<bool> expect_bool = {true, true, true, true, true, true, false, true};
  bool b[8] = {};
  const auto n = static_cast<Index>(src.size());
  const TensorView s = TensorView::of(src.data(), {n});
  convert(s, TensorView::of(i32.data(), {n}));
  convert(s, TensorView::of(i64.data(), {n}));
  convert(s, TensorView(b, DType::Bool, {n}));
  const std::int32_t m32 = std::numeric_limits<std::int32_t>::min();
  const std::int64_t m64 = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(i32, (std::vector<std::int32_t>{m32, m32, m32, m32, -2, 2, 0, 0}));
  EXPECT_EQ(i64, (std::vector<std::int64_t>{m64, m64, m64, m64, -2, 2, 0, 0}));
  for (std::size_t i = 0; i < src.size(); ++i) EXPECT_EQ(b[i], expect_bool[i]) << i;

  const std::vector<complex128> z = {{1.5, -2}, {0, 3}, {0, 0}};
  float re[3] = {};
  bool zb[3] = {};
  convert(TensorView::of(z.data(), {3}), TensorView::of(re, {3}));
  convert(TensorView::of(z.data(), {3}), TensorView(zb, DType::Bool, {3}));
  EXPECT_EQ(re[0], 1.5F);
  EXPECT_EQ(re[1], 0.0F);
  EXPECT_TRUE(zb[0]);
  EXPECT_TRUE(zb[1]);  // nonzero imaginary part
  EXPECT_FALSE(zb[2]);
}

}  // namespace
}  // namespace ein::permute
