#include "ein/reduce/reduce.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "ein/gemm/testing.hpp"
#include "ein/permute/testing.hpp"

namespace ein::reduce {
namespace {

using testing_kernels::clone_layout;
using testing_kernels::describe;
using testing_kernels::LayoutOptions;
using testing_kernels::random_layout;
using testing_kernels::StridedBuffer;

// The output buffer for reducing `shape` over `reduced` axes, and the broadcast dst view.
struct Output {
  StridedBuffer real;
  TensorView view;
};

Output make_output(DType dt, const Shape& shape, const std::vector<bool>& reduced,
                   std::mt19937_64& rng, const LayoutOptions& opt) {
  Shape kept;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (!reduced[i]) kept.push_back(shape[i]);
  }
  Output o;
  o.real = random_layout(dt, kept, rng, opt, false);
  Strides strides;
  std::size_t j = 0;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    strides.push_back(reduced[i] ? 0 : o.real.view.strides()[j++]);
  }
  o.view = TensorView(o.real.view.data(), dt, shape, strides);
  return o;
}

// Reduces with sum() and reference_sum() into identical buffers and compares them whole.
void check(const TensorView& src, const Output& out, bool accumulate, int threads,
           Index reduced_length, const std::string& context) {
  StridedBuffer fast = clone_layout(out.real);
  StridedBuffer slow = clone_layout(out.real);
  const TensorView fast_view(fast.view.data(), out.view.dtype(), out.view.shape(),
                             out.view.strides());
  const TensorView slow_view(slow.view.data(), out.view.dtype(), out.view.shape(),
                             out.view.strides());
  sum(src, fast_view, accumulate, threads);
  reference_sum(src, slow_view, accumulate);
  const double tol = gemm::testing::tolerance(src.dtype(), reduced_length);
  const std::string err = gemm::testing::compare_buffers(fast, slow, tol);
  ASSERT_EQ(err, "") << context << "\n  src " << describe(src) << "\n  dst " << describe(out.view)
                     << (accumulate ? " accumulate" : "") << " threads " << threads;
}

TEST(ReduceSum, RandomCorpusMatchesReference) {
  const std::uint64_t seed = testing_kernels::test_seed(31337);
  std::mt19937_64 rng(seed);
  const std::string repro = "reproduce: EIN_SEED=" + std::to_string(seed) +
                            " ein_reduce_tests --gtest_filter=ReduceSum.RandomCorpus*";
  for (int iter = 0; iter < 1500; ++iter) {
    const DType dt = kAllDTypes[rng() % kNumDTypes];
    const bool big = iter % 4 == 0;
    Shape shape = testing_kernels::random_shape(rng, big ? 3 : 5, big ? 60 : 6);
    if (iter % 50 == 7 && !shape.empty()) shape[rng() % shape.size()] = 0;
    std::vector<bool> reduced(shape.size());
    Index reduced_length = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      reduced[i] = rng() % 2 == 0;
      if (reduced[i]) reduced_length *= shape[i];
    }
    LayoutOptions src_opt;
    src_opt.allow_zero = true;
    const StridedBuffer src = random_layout(dt, shape, rng, src_opt, false);
    const Output out = make_output(dt, shape, reduced, rng, LayoutOptions{});
    check(src.view, out, rng() % 2 == 0, static_cast<int>(1 + rng() % 4), reduced_length,
          repro + " (iteration " + std::to_string(iter) + ")");
    if (HasFatalFailure()) return;
  }
}

TEST(ReduceSum, CommonShapesAndThreadPaths) {
  // Row sums (inner reduced, kept axis split), column sums (inner kept), few columns with many
  // rows (reduced axis split into partials), full sums to a scalar (partials).
  struct Case {
    const char* name;
    Shape shape;
    std::vector<bool> reduced;
  };
  const Case cases[] = {
      {"row_sums", {200, 700}, {false, true}},
      {"column_sums", {700, 200}, {true, false}},
      {"few_columns", {70000, 3}, {true, false}},
      {"full", {400, 500}, {true, true}},
      {"middle", {20, 300, 30}, {false, true, false}},
      {"outer_and_inner", {30, 20, 200}, {true, false, true}},
  };
  std::mt19937_64 rng(8);
  for (const Case& c : cases) {
    for (DType dt : {DType::Bool, DType::Int32, DType::Float64, DType::Complex64}) {
      LayoutOptions contiguous{false, false, false, false};
      const StridedBuffer src = random_layout(dt, c.shape, rng, contiguous, false);
      const Output out = make_output(dt, c.shape, c.reduced, rng, contiguous);
      Index len = 1;
      for (std::size_t i = 0; i < c.shape.size(); ++i) {
        if (c.reduced[i]) len *= c.shape[i];
      }
      for (int threads : {1, 4}) {
        for (bool accumulate : {false, true}) {
          check(src.view, out, accumulate, threads, len, c.name);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(ReduceSum, DeterministicForAThreadCount) {
  std::mt19937_64 rng(9);
  for (const Shape& shape : {Shape{200000, 2}, Shape{500, 400}, Shape{1000000}}) {
    const StridedBuffer src = random_layout(DType::Float32, shape, rng, LayoutOptions{}, false);
    std::vector<bool> reduced(shape.size(), true);
    if (shape.size() == 2 && shape[1] == 400) reduced[0] = false;
    const Output out = make_output(DType::Float32, shape, reduced, rng, LayoutOptions{});
    for (int threads : {1, 2, 3}) {
      StridedBuffer x = clone_layout(out.real), y = clone_layout(out.real);
      sum(src.view, TensorView(x.view.data(), DType::Float32, shape, out.view.strides()), false,
          threads);
      sum(src.view, TensorView(y.view.data(), DType::Float32, shape, out.view.strides()), false,
          threads);
      EXPECT_EQ(std::memcmp(x.raw(), y.raw(), x.bytes()), 0) << "threads " << threads;
    }
  }
}

TEST(ReduceSum, PairwiseFloatSumsStayAccurate) {
  // Sequential float32 summation of a million 0.1f drifts by about 1%; pairwise stays close.
  const Index n = 1000000;
  std::vector<float> v(static_cast<std::size_t>(n), 0.1F);
  float out = -1;
  for (int threads : {1, 2}) {
    sum(TensorView::of(v.data(), {n}), TensorView(&out, DType::Float32, {n}, {0}), false, threads);
    EXPECT_NEAR(out, 100000.0F, 1.0F) << "threads " << threads;
  }
}

TEST(ReduceSum, IntegersWrapAndBoolIsOr) {
  const std::int32_t big = std::numeric_limits<std::int32_t>::max();
  std::vector<std::int32_t> v = {big, big, 3};
  std::int32_t out = 0;
  sum(TensorView::of(v.data(), {3}), TensorView(&out, DType::Int32, {3}, {0}), false);
  EXPECT_EQ(out, static_cast<std::int32_t>(1));  // 2*max + 3 wraps to 1
  bool flags[4] = {false, true, false, false};
  bool any = false;
  sum(TensorView(flags, DType::Bool, {4}), TensorView(&any, DType::Bool, {4}, {0}), false);
  EXPECT_TRUE(any);
  bool none[2] = {false, false};
  any = true;
  sum(TensorView(none, DType::Bool, {2}), TensorView(&any, DType::Bool, {2}, {0}), false);
  EXPECT_FALSE(any);
}

TEST(ReduceSum, ZeroSizeAndRankZero) {
  double out[3] = {5, 5, 5};
  double* none = nullptr;
  // Reduced axis of extent 0: the sum of nothing is 0 (or unchanged when accumulating).
  sum(TensorView(none, DType::Float64, {3, 0}, {0, 1}),
      TensorView(out, DType::Float64, {3, 0}, {1, 0}), true);
  EXPECT_EQ(out[0], 5.0);
  sum(TensorView(none, DType::Float64, {3, 0}, {0, 1}),
      TensorView(out, DType::Float64, {3, 0}, {1, 0}), false);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_EQ(out[2], 0.0);
  // Kept axis of extent 0: nothing to write.
  sum(TensorView(none, DType::Float64, {0, 4}, {4, 1}),
      TensorView(none, DType::Float64, {0, 4}, {1, 0}), false);
  // Rank 0: a copy (or an add).
  double x = 2.5, y = 1;
  sum(TensorView(&x, DType::Float64, {}), TensorView(&y, DType::Float64, {}), true);
  EXPECT_EQ(y, 3.5);
}

TEST(ReduceSum, CallerBugsAreErrors) {
  float a[6] = {}, b[6] = {};
  double d[6] = {};
  EXPECT_THROW(sum(TensorView::of(a, {2, 3}), TensorView::of(d, {2, 3}), false), Error);
  EXPECT_THROW(sum(TensorView::of(a, {2, 3}), TensorView::of(b, {3, 2}), false), Error);
}

}  // namespace
}  // namespace ein::reduce
