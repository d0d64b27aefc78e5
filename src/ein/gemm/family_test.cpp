// Family choice, blas_compatible, NumPy's special-value and wrap-around semantics, and a BLAS
// link smoke test.
#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ein/gemm/gemm.hpp"

namespace ein::gemm {
namespace {

GemmProblem shape(std::vector<BatchDim> batch, Index m, Index n, Index k,
                  DType dt = DType::Float64) {
  GemmProblem p;
  p.dtype = dt;
  p.batch = std::move(batch);
  p.m = m;
  p.n = n;
  p.k = k;
  // Row-major contiguous defaults.
  p.a_m_stride = k;
  p.a_k_stride = 1;
  p.b_k_stride = n;
  p.b_n_stride = 1;
  p.c_m_stride = n;
  p.c_n_stride = 1;
  return p;
}

TEST(GemmFamily, ClassifiesByNonTrivialDims) {
  EXPECT_EQ(choose_family(shape({}, 1, 1, 1)), Family::Scale);
  EXPECT_EQ(choose_family(shape({}, 5, 1, 1)), Family::Scale);
  EXPECT_EQ(choose_family(shape({}, 5, 6, 1)), Family::Outer);
  EXPECT_EQ(choose_family(shape({}, 1, 1, 8)), Family::Dot);
  EXPECT_EQ(choose_family(shape({}, 4, 1, 8)), Family::Gemv);
  EXPECT_EQ(choose_family(shape({}, 1, 4, 8)), Family::Gemv);
  EXPECT_EQ(choose_family(shape({}, 3, 4, 8)), Family::Gemm);
  EXPECT_EQ(choose_family(shape({{5, 1, 1, 1}}, 1, 1, 1)), Family::Hadamard);
  EXPECT_EQ(choose_family(shape({{5, 1, 1, 1}}, 3, 1, 1)), Family::BatchedScale);
  EXPECT_EQ(choose_family(shape({{5, 1, 1, 1}}, 3, 2, 1)), Family::BatchedOuter);
  EXPECT_EQ(choose_family(shape({{5, 1, 1, 1}}, 1, 1, 9)), Family::BatchedDot);
  EXPECT_EQ(choose_family(shape({{5, 1, 1, 1}}, 1, 3, 9)), Family::BatchedGemv);
  EXPECT_EQ(choose_family(shape({{5, 1, 1, 1}}, 2, 3, 9)), Family::BatchedGemm);
  // Extent-1 batch dims do not make a problem batched; zero extents make it empty.
  EXPECT_EQ(choose_family(shape({{1, 7, 7, 7}}, 2, 3, 9)), Family::Gemm);
  EXPECT_EQ(choose_family(shape({{0, 1, 1, 1}}, 2, 3, 9)), Family::Empty);
  EXPECT_EQ(choose_family(shape({}, 0, 3, 9)), Family::Empty);
  EXPECT_EQ(choose_family(shape({}, 2, 3, 0)), Family::Fill);
  EXPECT_STREQ(family_name(Family::BatchedGemm), "batched_gemm");
  EXPECT_STREQ(family_name(Family::Hadamard), "hadamard");
}

TEST(GemmFamily, BlasCompatibility) {
  GemmProblem p = shape({}, 4, 5, 6);
  EXPECT_TRUE(blas_compatible(p));
  p.dtype = DType::Int64;
  EXPECT_FALSE(blas_compatible(p)) << "integers never go to BLAS";
  p.dtype = DType::Complex64;
  EXPECT_TRUE(blas_compatible(p));

  // Column-major everything (Fortran order).
  GemmProblem f = shape({}, 4, 5, 6, DType::Float32);
  f.a_m_stride = 1, f.a_k_stride = 4, f.b_k_stride = 1, f.b_n_stride = 6, f.c_m_stride = 1,
  f.c_n_stride = 4;
  EXPECT_TRUE(blas_compatible(f));
  // Padded leading dimensions are fine; too-small ones are not.
  GemmProblem pad = shape({}, 4, 5, 6);
  pad.a_m_stride = 10;
  EXPECT_TRUE(blas_compatible(pad));
  pad.a_m_stride = 3;  // rows overlap: not a BLAS matrix
  EXPECT_FALSE(blas_compatible(pad));
  // No unit stride in A.
  GemmProblem odd = shape({}, 4, 5, 6);
  odd.a_m_stride = 12, odd.a_k_stride = 2;
  EXPECT_FALSE(blas_compatible(odd));
  // Negative and zero strides.
  GemmProblem neg = shape({}, 4, 5, 6);
  neg.b_k_stride = -5;
  EXPECT_FALSE(blas_compatible(neg));
  GemmProblem zero = shape({}, 4, 5, 6);
  zero.a_m_stride = 0;
  EXPECT_FALSE(blas_compatible(zero));
  // C must not need transposing: both C strides non-unit.
  GemmProblem c_odd = shape({}, 4, 5, 6);
  c_odd.c_m_stride = 10, c_odd.c_n_stride = 2;
  EXPECT_FALSE(blas_compatible(c_odd));
  // Vectors take any positive stride; extent-1 dims' strides do not matter.
  GemmProblem dot = shape({}, 1, 1, 50);
  dot.a_k_stride = 3, dot.b_k_stride = 7, dot.a_m_stride = -99, dot.c_m_stride = 0;
  EXPECT_TRUE(blas_compatible(dot));
  GemmProblem gemv = shape({}, 1, 8, 50);
  gemv.a_k_stride = 3, gemv.c_n_stride = 2;
  EXPECT_TRUE(blas_compatible(gemv));
  gemv.c_n_stride = -2;
  EXPECT_FALSE(blas_compatible(gemv));
  // Leading dimensions beyond BLAS's int.
  GemmProblem huge = shape({}, 4, 5, 6);
  huge.a_m_stride = Index{1} << 40;
  EXPECT_FALSE(blas_compatible(huge));
  // Batch strides never matter.
  GemmProblem batched = shape({{3, -100, 0, 77}}, 4, 5, 6);
  EXPECT_TRUE(blas_compatible(batched));
}

template <class T>
void run_small(Index m, Index n, Index k, const std::vector<T>& a, const std::vector<T>& b,
               std::vector<T>& c, bool accumulate, bool col_major_a = false) {
  GemmProblem p = shape({}, m, n, k, dtype_of<T>);
  if (col_major_a) p.a_m_stride = 1, p.a_k_stride = m;
  p.a = a.data();
  p.b = b.data();
  p.c = c.data();
  p.accumulate = accumulate;
  run(p, 1);
}

TEST(GemmSemantics, NanAndInfPropagateThroughZeros) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (Index k : {1, 2, 40}) {
    {
      // A has a NaN and an Inf in row 0; B is all zeros: 0 * NaN and 0 * Inf are NaN.
      const Index m = 3, n = 4;
      std::vector<double> a(static_cast<std::size_t>(m * k), 1.0);
      a[0] = nan;
      if (k > 1) a[1] = inf;
      std::vector<double> b(static_cast<std::size_t>(k * n), 0.0);
      std::vector<double> c(static_cast<std::size_t>(m * n), 5.0);
      run_small<double>(m, n, k, a, b, c, false);
      for (Index j = 0; j < n; ++j) EXPECT_TRUE(std::isnan(c[static_cast<std::size_t>(j)]));
      for (Index j = n; j < m * n; ++j) EXPECT_EQ(c[static_cast<std::size_t>(j)], 0.0);
    }
  }
}

TEST(GemmSemantics, OverwriteIgnoresOldNanInC) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Index k : {0, 1, 7}) {
    std::vector<double> a(static_cast<std::size_t>(2 * k), 1.0),
        b(static_cast<std::size_t>(k * 2), 1.0);
    std::vector<double> c(4, nan);
    run_small<double>(2, 2, k, a, b, c, false);
    for (double v : c) EXPECT_EQ(v, static_cast<double>(k)) << "k=" << k;
    std::vector<double> acc(4, nan);
    run_small<double>(2, 2, k, a, b, acc, true);
    for (double v : acc) EXPECT_TRUE(std::isnan(v)) << "k=" << k << " accumulate keeps NaN";
  }
}

TEST(GemmSemantics, IntegersWrapLikeNumPy) {
  const std::int32_t big = std::numeric_limits<std::int32_t>::max();
  std::vector<std::int32_t> a = {big, big, 3, -4};  // 2 x 2
  std::vector<std::int32_t> b = {2, 0, 1, 1};       // 2 x 2
  std::vector<std::int32_t> c(4, 0);
  run_small<std::int32_t>(2, 2, 2, a, b, c, false);
  // Row 0: big*2 + big*1 = 3*big wraps to 2147483645; big*0 + big*1 = big.
  EXPECT_EQ(c[0], static_cast<std::int32_t>(2147483645));
  EXPECT_EQ(c[1], big);
  EXPECT_EQ(c[2], 2);
  EXPECT_EQ(c[3], -4);
  const std::int64_t big64 = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> a64 = {big64, 1}, b64 = {2, big64}, c64 = {0};
  run_small<std::int64_t>(1, 1, 2, a64, b64, c64, false);
  EXPECT_EQ(c64[0], big64 - 2);  // 3 * max = 2^64 + 2^63 - 3 wraps to max - 2
  std::vector<std::int64_t> d64 = {0};
  b64 = {2, 0};
  run_small<std::int64_t>(1, 1, 2, a64, b64, d64, false);
  EXPECT_EQ(d64[0], -2);  // 2 * max wraps to -2
}

TEST(GemmSemantics, BoolIsOrOfAnds) {
  std::vector<char> storage_a = {1, 0, 0, 0}, storage_b = {0, 1, 1, 1};
  bool a[4], b[4], c[4] = {true, true, true, true};
  for (int i = 0; i < 4; ++i) a[i] = storage_a[static_cast<std::size_t>(i)] != 0;
  for (int i = 0; i < 4; ++i) b[i] = storage_b[static_cast<std::size_t>(i)] != 0;
  GemmProblem p = shape({}, 2, 2, 2, DType::Bool);
  p.a = a, p.b = b, p.c = c;
  run(p, 1);
  // A = [[1,0],[0,0]], B = [[0,1],[1,1]]: C = [[0,1],[0,0]].
  EXPECT_FALSE(c[0]);
  EXPECT_TRUE(c[1]);
  EXPECT_FALSE(c[2]);
  EXPECT_FALSE(c[3]);
}

TEST(GemmSemantics, ComplexUsesThePlainProduct) {
  // (inf + 0i) * (1 + 0i) = (inf*1 - 0*0) + (inf*0 + 0*1)i = inf + nan i with the plain formula,
  // as NumPy and BLAS compute it.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<complex128> a = {{inf, 0}}, b = {{1, 0}}, c = {{0, 0}};
  run_small<complex128>(1, 1, 1, a, b, c, false);
  EXPECT_EQ(c[0].real(), inf);
  EXPECT_TRUE(std::isnan(c[0].imag()));
}

TEST(GemmSemantics, MalformedProblemsAreInternalErrors) {
  GemmProblem p = shape({}, -1, 2, 2);
  EXPECT_THROW(run(p), Error);
  GemmProblem q = shape({}, 2, 2, 2);  // null pointers with work to do
  EXPECT_THROW(run(q), Error);
  GemmProblem empty = shape({}, 0, 2, 2);  // nothing to do: null pointers are fine
  EXPECT_NO_THROW(run(empty));
}

TEST(OpenBlas, SgemmLinks) {
  const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  float c[4] = {};
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0F, a, 2, b, 2, 0.0F, c, 2);
  EXPECT_EQ(c[0], 19.0F);
  EXPECT_EQ(c[1], 22.0F);
  EXPECT_EQ(c[2], 43.0F);
  EXPECT_EQ(c[3], 50.0F);
}

}  // namespace
}  // namespace ein::gemm
