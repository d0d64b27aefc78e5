// The packed AVX-512 kernels (packed.hpp) against gemm::reference: sizes around every blocking
// edge (MR, NR, KC, MC), every operand layout (packing reads any strides), C row- or
// column-major, accumulate, batches, one or two threads; results independent of the thread
// count; the routing rule.
#include "ein/gemm/packed.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "ein/gemm/cpu.hpp"
#include "ein/gemm/testing.hpp"

namespace ein::gemm {
namespace {

using detail::PackedRoute;
using testing::compare_buffers;
using testing::Layout;
using testing::layout_name;
using testing::make_operand;
using testing::problem_from_views;
using testing::run_against_reference;
using testing_kernels::clone_layout;
using testing_kernels::StridedBuffer;

// Forces a route for the life of a test.
struct ForceRoute {
  explicit ForceRoute(PackedRoute r) { detail::set_packed_route_for_testing(r); }
  ~ForceRoute() { detail::set_packed_route_for_testing(PackedRoute::Auto); }
  ForceRoute(const ForceRoute&) = delete;
  ForceRoute& operator=(const ForceRoute&) = delete;
};

TEST(PackedGemm, BlockingEdgesAndLayoutsMatchReference) {
  if (!detail::use_avx512()) GTEST_SKIP() << "no AVX-512: the packed kernels never run here";
  const ForceRoute force(PackedRoute::Always);
  const std::uint64_t seed = testing_kernels::test_seed(2718);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_gemm_tests --gtest_filter=PackedGemm.BlockingEdges*";
  // MR = 16 / 32, NR = 14, KC = 384, MC = 192: sizes on both sides of each.
  const Index sizes[] = {2, 13, 14, 15, 16, 17, 31, 33, 191, 193, 385};
  const Layout layouts[] = {Layout::Contiguous, Layout::Transposed, Layout::Padded,
                            Layout::Negative, Layout::Random};
  auto pick = [&](Index lo, Index hi) { return std::uniform_int_distribution<Index>(lo, hi)(rng); };
  for (int i = 0; i < 160; ++i) {
    const DType dt = i % 2 == 0 ? DType::Float32 : DType::Float64;
    const Index m = sizes[pick(0, 10)], n = sizes[pick(0, 10)];
    const Index k = i % 8 == 0 ? sizes[pick(0, 10)] : pick(2, 40);
    const Layout la = layouts[pick(0, 4)], lb = layouts[pick(0, 4)];
    const Layout lc = layouts[pick(0, 2)];  // C unit-stride along m or n (else not taken)
    const Shape batch = i % 10 == 0 ? Shape{2} : Shape{};
    ASSERT_EQ(run_against_reference(dt, batch, m, n, k, la, lb, lc, pick(0, 1) == 1,
                                    static_cast<int>(pick(1, 2)), rng),
              "")
        << repro << " (case " << i << ")";
  }
}

TEST(PackedGemm, SameBitsForOneAndTwoThreads) {
  if (!detail::use_avx512()) GTEST_SKIP() << "no AVX-512: the packed kernels never run here";
  const ForceRoute force(PackedRoute::Always);
  std::mt19937_64 rng(31);
  for (DType dt : {DType::Float32, DType::Float64}) {
    for (Layout lc : {Layout::Contiguous, Layout::Transposed}) {
      const StridedBuffer a = make_operand(dt, {}, 301, 410, Layout::Contiguous, rng, true);
      const StridedBuffer b = make_operand(dt, {}, 410, 257, Layout::Transposed, rng, true);
      const StridedBuffer c0 = make_operand(dt, {}, 301, 257, lc, rng, false);
      StridedBuffer one = clone_layout(c0);
      StridedBuffer two = clone_layout(c0);
      run(problem_from_views(a.view, b.view, one.view, false), 1);
      run(problem_from_views(a.view, b.view, two.view, false), 2);
      const auto bytes = static_cast<std::size_t>(one.storage.numel()) * itemsize(dt);
      EXPECT_EQ(std::memcmp(one.storage.data(), two.storage.data(), bytes), 0)
          << dtype_name(dt) << " C " << layout_name(lc);
    }
  }
}

TEST(PackedGemm, RoutingRule) {
  GemmProblem p;
  p.dtype = DType::Float64;
  p.m = p.n = p.k = 512;
  p.a_m_stride = 512;
  p.a_k_stride = 1;
  p.b_k_stride = 512;
  p.b_n_stride = 1;
  p.c_m_stride = 512;
  p.c_n_stride = 1;
  // Strides BLAS takes stay with BLAS (the packed kernels only reach parity there) ...
  EXPECT_FALSE(detail::packed_takes(detail::canonicalize(p), p.dtype, true));
  p.dtype = DType::Float32;
  EXPECT_FALSE(detail::packed_takes(detail::canonicalize(p), p.dtype, true));
  // ... strides BLAS cannot take are packed where they are.
  EXPECT_TRUE(detail::packed_takes(detail::canonicalize(p), p.dtype, false));
  p.dtype = DType::Float64;
  EXPECT_TRUE(detail::packed_takes(detail::canonicalize(p), p.dtype, false));
  p.m = p.n = p.k = 8;  // too small to pay for packing
  EXPECT_FALSE(detail::packed_takes(detail::canonicalize(p), p.dtype, false));
  p.m = p.n = p.k = 512;
  p.dtype = DType::Int64;
  EXPECT_FALSE(detail::packed_takes(detail::canonicalize(p), p.dtype, false));
  p.dtype = DType::Float64;
  p.m = 512;
  p.c_m_stride = 1024;  // C unit-stride along neither m nor n
  p.c_n_stride = 2;
  EXPECT_FALSE(detail::packed_takes(detail::canonicalize(p), p.dtype, false));
  const ForceRoute never(PackedRoute::Never);
  p.c_m_stride = 512;
  p.c_n_stride = 1;
  EXPECT_FALSE(detail::packed_takes(detail::canonicalize(p), p.dtype, false));
}

}  // namespace
}  // namespace ein::gemm
