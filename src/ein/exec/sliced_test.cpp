// memory_limit: plans that need more workspace than the budget are sliced and still give the
// reference's answer; the budget holds for the bytes ein actually allocates (measured).
#include "ein/exec/sliced.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "ein/ein.hpp"
#include "ein/support/memory_stats.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::specs_of;

Tensor iota(DType dt, Shape shape) {
  Tensor t = Tensor::empty(dt, std::move(shape));
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    auto* p = static_cast<T*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) {
      p[i] = convert_value<T>(static_cast<double>(i % 13) - 6.0);
    }
  });
  return t;
}

// The corpus under budgets of 1/2 and 1/5 of each plan's workspace: the answer is the
// reference's and the compiled plan's workspace respects the budget.
TEST(Sliced, CorpusUnderShrinkingBudgets) {
  test::CorpusOptions corpus;
  corpus.max_extent = 7;
  corpus.max_work = 40000;
  int sliced = 0, impossible = 0, attempts = 0;
  for (std::uint64_t seed : test::corpus_seeds(1, 600)) {
    const test::EinsumCase c = test::random_einsum_case(seed, corpus);
    const std::vector<TensorView> views = c.views();
    const auto specs = specs_of(views);
    const Expression whole = Expression::compile(c.subscripts, specs);
    if (whole.workspace_bytes() < 256) continue;
    for (std::size_t divisor : {2, 5}) {
      ++attempts;
      EinsumOptions options;
      options.memory_limit = static_cast<std::int64_t>(whole.workspace_bytes() / divisor);
      Expression e;
      try {
        e = Expression::compile(c.subscripts, specs, options);
      } catch (const Error& err) {
        // Possible when a plan needs buffers no chunk size can shrink enough.
        EXPECT_EQ(err.code(), ErrorCode::MemoryLimit) << c.describe();
        EXPECT_NE(std::string(err.what()).find("cannot be met"), std::string::npos);
        ++impossible;
        continue;
      }
      EXPECT_LE(e.workspace_bytes(), static_cast<std::size_t>(*options.memory_limit))
          << c.describe();
      sliced += e.info().slices.empty() ? 0 : 1;
      EXPECT_TRUE(test::matches_reference(c, e(views))) << "limit " << *options.memory_limit;
      // The one-shot entry point takes the same route.
      EXPECT_TRUE(test::matches_reference(c, einsum(c.subscripts, views, options)));
    }
  }
  // The corpus must actually exercise slicing (and not mostly give up).
  EXPECT_GT(sliced, attempts / 2) << "sliced " << sliced << " of " << attempts << ", impossible "
                                  << impossible;
}

// Runs `f` on a fresh thread (an empty per-thread workspace) and returns the most bytes of ein
// buffers alive at once during it, above what was alive before.
template <class F>
std::int64_t peak_during(const F& f) {
  std::int64_t peak = -1;
  std::thread t([&] {
    const std::int64_t before = support::live_bytes();
    support::reset_peak();
    f();
    peak = support::peak_bytes() - before;
  });
  t.join();
  return peak;
}

// A transposing contraction whose whole plan permutes both operands (MiBs of workspace) runs
// under a 256 KiB budget, and the bytes ein allocates stay under it.
TEST(Sliced, PeakMemoryStaysWithinTheLimit) {
  const Tensor a = iota(DType::Float64, {48, 40, 64});
  const Tensor b = iota(DType::Float64, {40, 48, 56});
  const std::vector<TensorView> views{a, b};
  const char* eq = "ijk,jil->kl";
  const Tensor expected = test::reference_einsum(eq, views);
  Tensor out = Tensor::zeros(DType::Float64, {64, 56});

  const std::int64_t unlimited = peak_during([&] { einsum_into(eq, views, out); });
  EinsumOptions options;
  options.memory_limit = 256 << 10;
  ASSERT_GT(unlimited, *options.memory_limit) << "the whole plan must need more than the budget";

  Tensor limited_out = Tensor::zeros(DType::Float64, {64, 56});
  const std::int64_t limited = peak_during([&] { einsum_into(eq, views, limited_out, options); });
  EXPECT_GT(limited, 0);
  EXPECT_LE(limited, *options.memory_limit);
  EXPECT_TRUE(test::tensors_close(limited_out, expected, 48 * 40));

  const PathInfo info = einsum_path(eq, specs_of(views), options);
  ASSERT_FALSE(info.slices.empty());
  EXPECT_LE(info.workspace_bytes, *options.memory_limit);
  const std::string report = info.to_string();
  EXPECT_NE(report.find("Sliced label"), std::string::npos) << report;
  EXPECT_NE(report.find("Memory limit:  262144 bytes"), std::string::npos) << report;
}

// Summed labels sliced on integers wrap exactly like the whole sum; bool ORs.
TEST(Sliced, SummedLabelsAccumulateExactly) {
  for (DType dt : {DType::Int32, DType::Int64, DType::Bool, DType::Complex64}) {
    const Tensor a = iota(dt, {30, 200});
    const Tensor b = iota(dt, {200, 20});
    const std::vector<TensorView> views{a, b};
    EinsumOptions options;
    options.memory_limit = 2000;
    options.gemm_route = GemmRoute::PermuteThenGemm;  // force workspace to exist
    const Expression e = Expression::compile("ij,jk->ki", specs_of(views), options);
    EXPECT_LE(e.workspace_bytes(), 2000U);
    EXPECT_FALSE(e.info().slices.empty()) << dtype_name(dt);
    EXPECT_TRUE(test::tensors_close(e(views), test::reference_einsum("ij,jk->ki", views), 200))
        << dtype_name(dt);
  }
}

TEST(Sliced, OutOfOtherDtypeOrOverlappingStillRight) {
  const Tensor a = iota(DType::Float32, {40, 50});
  const Tensor b = iota(DType::Float32, {50, 40});
  const std::vector<TensorView> views{a, b};
  EinsumOptions options;
  options.memory_limit = 1024;
  options.gemm_route = GemmRoute::PermuteThenGemm;
  const Tensor expected = test::reference_einsum("ij,jk->ki", views, DType::Float64);
  Tensor out64 = Tensor::zeros(DType::Float64, {40, 40});
  einsum_into("ij,jk->ki", views, out64, options);
  EXPECT_TRUE(test::tensors_close(out64, expected, 50));
  // A strided (transposed) out.
  Tensor base = Tensor::zeros(DType::Float32, {40, 40});
  const TensorView transposed = TensorView(base).permute({1, 0});
  einsum_into("ij,jk->ik", views, transposed, options);
  EXPECT_TRUE(test::tensors_close(base, einsum("ij,jk->ki", views), 50));
}

TEST(Sliced, ImpossibleAndInvalidBudgetsAreErrorsThatWriteNothing) {
  const Tensor a = iota(DType::Float64, {20, 30});
  const Tensor b = iota(DType::Float64, {30, 20});
  const std::vector<TensorView> views{a, b};
  Tensor out = Tensor::zeros(DType::Float64, {20, 20});
  EinsumOptions options;
  options.gemm_route = GemmRoute::PermuteThenGemm;
  options.memory_limit = 1;  // not even one element
  try {
    einsum_into("ij,jk->ki", views, out, options);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::MemoryLimit);
    EXPECT_NE(std::string(e.what()).find("memory_limit of 1 bytes cannot be met"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(test::tensors_equal(out, Tensor::zeros(DType::Float64, {20, 20})));
  options.memory_limit = -5;
  EXPECT_THROW(einsum("ij,jk->ki", views, options), Error);
}

TEST(Sliced, MaxInputBudget) {
  // 'max_input': the largest operand's bytes; the 64x64 intermediate of a chain of thin
  // matrices does not fit in it whole.
  const Tensor a = iota(DType::Float64, {64, 2});
  const Tensor b = iota(DType::Float64, {2, 64});
  const Tensor c = iota(DType::Float64, {64, 3});
  const std::vector<TensorView> views{a, b, c};
  EinsumOptions options;
  options.memory_limit = EinsumOptions::kMaxInput;
  options.path = {{0, 1}, {0, 1}};  // the caller's path builds the 64x64 intermediate
  const Expression e = Expression::compile("ij,jk,kl->il", specs_of(views), options);
  EXPECT_LE(e.workspace_bytes(), 64U * 3 * 8);
  EXPECT_FALSE(e.info().slices.empty());
  EXPECT_EQ(e.info().path, (ContractionPath{{0, 1}, {0, 1}}));
  EXPECT_TRUE(test::tensors_close(e(views), test::reference_einsum("ij,jk,kl->il", views), 128));
}

}  // namespace
}  // namespace ein
