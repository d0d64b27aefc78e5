// Semiring einsum against the slow loop-nest twin (testing.hpp) and hand-computed values: a
// seeded random corpus over 1-4 operands, every semiring, float32/float64 and three path
// finders; big enough blocked kernels (edge tiles, several k blocks, batches, transposed and
// strided operands, baseline and AVX2 builds); empty sums; stability of log-sum-exp; slicing
// under memory_limit; bad dtypes.
#include "ein/semiring/semiring.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "ein/ein.hpp"
#include "ein/gemm/cpu.hpp"
#include "ein/semiring/testing.hpp"
#include "support/random_einsum.hpp"
#include "support/random_tensor.hpp"

namespace ein {
namespace {

using semiring::test::Real;
using semiring::test::reference;

constexpr Semiring kAll[] = {Semiring::MaxPlus, Semiring::MinPlus, Semiring::LogSumExp,
                             Semiring::MaxTimes};
constexpr double kInf = std::numeric_limits<double>::infinity();

EinsumOptions with(Semiring s, std::string optimize = "auto") {
  EinsumOptions o;
  o.semiring = s;
  o.optimize = std::move(optimize);
  return o;
}

// Elements close within `tol` relative to (1 + |expected|); infinities must match exactly.
::testing::AssertionResult close_to(const Tensor& actual, const std::vector<Real>& expected,
                                    double tol) {
  const std::vector<double> got = actual.to_vector<double>();
  if (got.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << "size " << got.size() << ", expected " << expected.size();
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto want = static_cast<double>(expected[i]);
    const bool ok = std::isinf(want) || std::isinf(got[i])
                        ? got[i] == want
                        : std::abs(got[i] - want) <= tol * (1.0 + std::abs(want));
    if (!ok) {
      return ::testing::AssertionFailure() << "element " << i << ": got " << got[i] << ", expected "
                                           << want << " (tol " << tol << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

double eps_of(DType d) {
  return d == DType::Float32 ? std::numeric_limits<float>::epsilon()
                             : std::numeric_limits<double>::epsilon();
}

// |x| for every element a view reaches (max-times is a semiring on values >= 0 only).
void abs_in_place(const TensorView& v) {
  std::vector<Index> idx(static_cast<std::size_t>(v.rank()), 0);
  for (Index n = 0; n < v.numel(); ++n) {
    void* p = v.element_ptr(idx);
    if (v.dtype() == DType::Float32) {
      *static_cast<float*>(p) = std::abs(*static_cast<float*>(p));
    } else {
      *static_cast<double*>(p) = std::abs(*static_cast<double*>(p));
    }
    for (int d = v.rank(); d-- > 0;) {
      if (++idx[static_cast<std::size_t>(d)] < v.shape()[static_cast<std::size_t>(d)]) break;
      idx[static_cast<std::size_t>(d)] = 0;
    }
  }
}

Tensor mat(std::vector<double> values, Shape shape) {
  return Tensor::from_vector<double>(values, std::move(shape));
}

TEST(Semiring, Names) {
  for (Semiring s : {Semiring::Standard, Semiring::MaxPlus, Semiring::MinPlus, Semiring::LogSumExp,
                     Semiring::MaxTimes}) {
    EXPECT_EQ(semiring::from_name(semiring::name(s)), s);
  }
  EXPECT_FALSE(semiring::from_name("tropical").has_value());
}

TEST(Semiring, HandComputedMatrixProducts) {
  const Tensor a = mat({1, 5, 2, 0}, {2, 2});
  const Tensor b = mat({3, 1, 0, 4}, {2, 2});
  // max-plus: C[i, j] = max_k a[i, k] + b[k, j].
  EXPECT_EQ(einsum("ik,kj->ij", {a, b}, with(Semiring::MaxPlus)).to_vector<double>(),
            (std::vector<double>{5, 9, 5, 4}));
  EXPECT_EQ(einsum("ik,kj->ij", {a, b}, with(Semiring::MinPlus)).to_vector<double>(),
            (std::vector<double>{4, 2, 0, 3}));
  EXPECT_EQ(einsum("ik,kj->ij", {a, b}, with(Semiring::MaxTimes)).to_vector<double>(),
            (std::vector<double>{3, 20, 6, 2}));
  const std::vector<double> lse =
      einsum("ik,kj->ij", {a, b}, with(Semiring::LogSumExp)).to_vector<double>();
  const double want00 = std::log(std::exp(1.0 + 3.0) + std::exp(5.0 + 0.0));
  const double want11 = std::log(std::exp(2.0 + 1.0) + std::exp(0.0 + 4.0));
  EXPECT_NEAR(lse[0], want00, 1e-14);
  EXPECT_NEAR(lse[3], want11, 1e-14);
  // Single-operand sums: the semiring's addition.
  EXPECT_EQ(einsum("ij->i", {a}, with(Semiring::MaxPlus)).to_vector<double>(),
            (std::vector<double>{5, 2}));
  EXPECT_EQ(einsum("ij->", {a}, with(Semiring::MinPlus)).item<double>(), 0.0);
  EXPECT_NEAR(einsum("ij->j", {a}, with(Semiring::LogSumExp)).to_vector<double>()[1],
              std::log(std::exp(5.0) + 1.0), 1e-14);
}

TEST(Semiring, EmptySumsGiveTheZero) {
  const Tensor a = Tensor::empty(DType::Float64, {3, 0});
  const Tensor b = Tensor::empty(DType::Float64, {0, 2});
  const double zeros[] = {-kInf, kInf, -kInf, 0.0};
  for (std::size_t i = 0; i < 4; ++i) {
    const Tensor c = einsum("ik,kj->ij", {a, b}, with(kAll[i]));
    ASSERT_EQ(c.shape(), (Shape{3, 2}));
    for (double v : c.to_vector<double>()) EXPECT_EQ(v, zeros[i]) << semiring::name(kAll[i]);
    const Tensor r = einsum("ik->i", {a}, with(kAll[i]));
    for (double v : r.to_vector<double>()) EXPECT_EQ(v, zeros[i]) << semiring::name(kAll[i]);
  }
}

TEST(Semiring, LogSumExpIsStable) {
  // All -inf: -inf, not NaN (exp(-inf - -inf) would be NaN).
  const Tensor ninf = mat({-kInf, -kInf, -kInf, -kInf}, {2, 2});
  for (double v : einsum("ik,kj->ij", {ninf, ninf}, with(Semiring::LogSumExp)).to_vector<double>())
    EXPECT_EQ(v, -kInf);
  EXPECT_EQ(einsum("ij->", {ninf}, with(Semiring::LogSumExp)).item<double>(), -kInf);
  // Terms far apart in magnitude (exp would over- or underflow without the max subtracted), in
  // both dtypes; float32's exp underflows below -104.
  for (DType dt : {DType::Float32, DType::Float64}) {
    const Tensor a = Tensor::from_vector<double>({0, -1000, -1000, 1000}, {2, 2}).astype(dt);
    const Tensor b = Tensor::from_vector<double>({-1000, 0, 0, -1000}, {2, 2}).astype(dt);
    const std::vector<double> c =
        einsum("ik,kj->ij", {a, b}, with(Semiring::LogSumExp)).to_vector<double>();
    // c[0, 0] = log(exp(-1000) + exp(-1000)) = -1000 + log 2; c[1, 1] = log(e^-2000 + e^0) = 0.
    EXPECT_NEAR(c[0], -1000.0 + std::log(2.0), 1e-3 * (dt == DType::Float32 ? 1 : 1e-9)) << c[0];
    EXPECT_NEAR(c[1], 0.0, 1e-12);
    EXPECT_NEAR(c[2], 1000.0, 1e-3);
    EXPECT_NEAR(c[3], 0.0, 1e-12);
  }
}

TEST(Semiring, RefusesOtherDTypes) {
  const Tensor i = Tensor::ones(DType::Int32, {2, 2});
  const Tensor z = Tensor::ones(DType::Complex64, {2, 2});
  const Tensor t = Tensor::ones(DType::Bool, {2, 2});
  for (Semiring s : kAll) {
    for (const Tensor* x : {&i, &z, &t}) {
      try {
        (void)einsum("ij,jk->ik", {*x, *x}, with(s));
        ADD_FAILURE() << "no error for " << dtype_name(x->dtype());
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
        EXPECT_NE(std::string(e.what()).find(semiring::name(s)), std::string::npos) << e.what();
      }
    }
    // dtype= casts integers to a supported dtype.
    EinsumOptions o = with(s);
    o.dtype = DType::Float64;
    EXPECT_EQ(einsum("ij,jk->ik", {i, i}, o).dtype(), DType::Float64);
  }
  const std::vector<OperandSpec> ints{{DType::Int64, {2, 2}, {}}, {DType::Int64, {2, 2}, {}}};
  EXPECT_THROW((void)einsum_path("ij,jk->ik", ints, with(Semiring::MaxPlus)), Error);
}

// The corpus: 1-4 operands with repeated labels, broadcasting, size-1 and zero-size extents,
// odd strides; float32/float64 (mixed too); every semiring; three path finders.
TEST(Semiring, RandomCorpusMatchesReference) {
  test::CorpusOptions corpus;
  corpus.max_operands = 4;
  corpus.dtypes = {DType::Float32, DType::Float64};
  corpus.max_work = 6000;
  int checked = 0;
  for (std::uint64_t seed : test::corpus_seeds(1, 300)) {
    const test::EinsumCase c = test::random_einsum_case(seed, corpus);
    const std::vector<TensorView> views = c.views();
    for (Semiring s : kAll) {
      if (s == Semiring::MaxTimes) {
        for (const auto& v : views) abs_in_place(v);
      }
      const std::vector<Real> want = reference(s, c.subscripts, views);
      for (const char* finder : {"optimal", "greedy", "none"}) {
        const Tensor got = einsum(c.subscripts, views, with(s, finder));
        const double tol = 16.0 * eps_of(got.dtype()) * static_cast<double>(views.size() + 1);
        ASSERT_TRUE(close_to(got, want, tol))
            << semiring::name(s) << " optimize=" << finder << ": " << c.describe();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

// Blocked kernel sizes: edge tiles in m and n, several k blocks, batches, transposed and strided
// operands, accumulate-free direct output, in the baseline and (when the CPU has it) AVX2 build.
TEST(Semiring, BlockedKernelsMatchReference) {
  for (bool avx2 : {false, true}) {
    gemm::detail::enable_avx2_for_testing(avx2);
    for (DType dt : {DType::Float32, DType::Float64}) {
      test::Rng rng = test::make_rng(avx2 ? 11 : 12);
      const Tensor a = test::random_tensor(dt, {2, 37, 140}, rng);
      const Tensor b = test::random_tensor(dt, {2, 140, 70}, rng);
      const Tensor bt = test::random_tensor(dt, {2, 70, 140}, rng);
      for (Semiring s : kAll) {
        if (s == Semiring::MaxTimes) {
          abs_in_place(a);
          abs_in_place(b);
          abs_in_place(bt);
        }
        const double tol = 64.0 * eps_of(dt);
        EXPECT_TRUE(close_to(einsum("bik,bkj->bij", {a, b}, with(s)),
                             reference(s, "bik,bkj->bij", std::vector<TensorView>{a, b}), tol))
            << semiring::name(s) << " " << dtype_name(dt) << " avx2=" << avx2;
        // B transposed (k strided), output transposed.
        EXPECT_TRUE(close_to(einsum("bik,bjk->bji", {a, bt}, with(s)),
                             reference(s, "bik,bjk->bji", std::vector<TensorView>{a, bt}), tol))
            << semiring::name(s) << " " << dtype_name(dt) << " avx2=" << avx2;
        // Every other row of A (odd strides) and a matrix-vector shape.
        const Tensor as = a.slice(1, 0, 37, 2);
        EXPECT_TRUE(
            close_to(einsum("bik,bk->bi", {as, bt.slice(1, 3, 4).reshape({2, 140})}, with(s)),
                     reference(s, "bik,bk->bi",
                               std::vector<TensorView>{as, bt.slice(1, 3, 4).reshape({2, 140})}),
                     tol))
            << semiring::name(s) << " " << dtype_name(dt) << " avx2=" << avx2;
      }
    }
  }
  gemm::detail::enable_avx2_for_testing(true);
}

TEST(Semiring, ThreadCountDoesNotChangeTheResult) {
  test::Rng rng = test::make_rng(5);
  const Tensor a = test::random_tensor(DType::Float64, {150, 140}, rng);
  const Tensor b = test::random_tensor(DType::Float64, {140, 130}, rng);
  for (Semiring s : kAll) {
    EinsumOptions one = with(s);
    one.threads = 1;
    EinsumOptions many = with(s);
    many.threads = 4;
    EXPECT_EQ(einsum("ik,kj->ij", {a, b}, one).to_vector<double>(),
              einsum("ik,kj->ij", {a, b}, many).to_vector<double>());
  }
}

// memory_limit slicing combines the chunks of a summed label with the semiring's addition.
TEST(Semiring, SlicedUnderMemoryLimit) {
  test::Rng rng = test::make_rng(7);
  const Tensor a = test::random_tensor(DType::Float64, {6, 40}, rng);
  const Tensor b = test::random_tensor(DType::Float64, {40, 30}, rng);
  const Tensor c = test::random_tensor(DType::Float64, {30, 5}, rng);
  abs_in_place(a);
  abs_in_place(b);
  abs_in_place(c);
  const std::vector<TensorView> views{a, b, c};
  for (Semiring s : kAll) {
    EinsumOptions o = with(s, "optimal");
    o.path = {{1, 2}, {0, 1}};  // b.c first: a 40 x 5 intermediate, summing over l
    o.memory_limit = 600;
    const Expression e = Expression::compile(
        "ij,jk,kl->il",
        std::vector<OperandSpec>{OperandSpec::of(a), OperandSpec::of(b), OperandSpec::of(c)}, o);
    ASSERT_FALSE(e.info().slices.empty()) << semiring::name(s);
    bool summed = false;
    for (const auto& sl : e.info().slices) summed = summed || sl.summed;
    EXPECT_TRUE(summed) << e.info().to_string();
    EXPECT_TRUE(close_to(e(views), reference(s, "ij,jk,kl->il", views), 1e-13))
        << semiring::name(s) << "\n"
        << e.info().to_string();
  }
}

TEST(Semiring, PathReportNamesTheSemiring) {
  const std::vector<OperandSpec> specs{{DType::Float32, {4, 5}, {}}, {DType::Float32, {5, 6}, {}}};
  const PathInfo info = einsum_path("ij,jk->ik", specs, with(Semiring::LogSumExp));
  ASSERT_EQ(info.steps.size(), 1U);
  EXPECT_EQ(info.steps[0].kernel, "log_sum_exp gemm");
  // The same planner: the path is the standard one.
  const std::vector<OperandSpec> three{
      {DType::Float64, {2, 50}, {}}, {DType::Float64, {50, 50}, {}}, {DType::Float64, {50, 3}, {}}};
  EXPECT_EQ(einsum_path("ij,jk,kl->il", three, with(Semiring::MinPlus, "optimal")).path,
            einsum_path("ij,jk,kl->il", three, with(Semiring::Standard, "optimal")).path);
}

}  // namespace
}  // namespace ein

namespace ein {
namespace {

// Compiled expressions keep the semiring; out= of another layout gets the same values.
TEST(Semiring, CompiledExpressionAndOut) {
  test::Rng rng = test::make_rng(9);
  const Tensor a = test::random_tensor(DType::Float64, {5, 6}, rng);
  const Tensor b = test::random_tensor(DType::Float64, {6, 7}, rng);
  const std::vector<TensorView> views{a, b};
  for (Semiring s : kAll) {
    EinsumOptions o;
    o.semiring = s;
    const Expression e = Expression::compile(
        "ij,jk->ik", std::vector<OperandSpec>{OperandSpec::of(a), OperandSpec::of(b)}, o);
    const std::vector<Real> want = reference(s, "ij,jk->ik", views);
    for (int run = 0; run < 2; ++run) EXPECT_TRUE(close_to(e(views), want, 1e-14));
    const Tensor out_t = Tensor::zeros(DType::Float64, {7, 5});
    const Tensor out = out_t.transpose();  // a (5, 7) view with strides (1, 5)
    einsum_into("ij,jk->ik", views, out, o);
    EXPECT_TRUE(close_to(out.contiguous(), want, 1e-14)) << semiring::name(s);
  }
}

}  // namespace
}  // namespace ein
