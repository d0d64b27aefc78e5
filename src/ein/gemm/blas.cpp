// Matching strides to BLAS storage conventions and making the calls.
#include "ein/gemm/blas.hpp"

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <complex>
#include <optional>

namespace ein::gemm::detail {

namespace {

struct Operand {
  bool trans;
  Index ld;
};

bool fits_int(Index v) { return v >= 0 && v <= INT_MAX; }

// A rows x cols matrix with element (i, j) at i*rs + j*cs as a row-major BLAS operand: either
// stored as is (NoTrans: unit column stride, leading dimension rs) or as its transpose (Trans:
// unit row stride, leading dimension cs). Strides of extent-1 dims do not matter, so those are
// replaced by the smallest legal leading dimension. (The column-major conventions accept exactly
// the same strides with the flags swapped, so row-major loses nothing for A and B.)
std::optional<Operand> row_major_operand(Index rows, Index cols, Index rs, Index cs,
                                         bool allow_trans) {
  if (cols == 1 || cs == 1) {
    const Index ld = rows == 1 ? std::max<Index>(1, cols) : rs;
    if (ld >= std::max<Index>(1, cols) && fits_int(ld)) return Operand{false, ld};
  }
  if (allow_trans && (rows == 1 || rs == 1)) {
    const Index ld = cols == 1 ? std::max<Index>(1, rows) : cs;
    if (ld >= std::max<Index>(1, rows) && fits_int(ld)) return Operand{true, ld};
  }
  return std::nullopt;
}

CBLAS_TRANSPOSE trans(bool t) { return t ? CblasTrans : CblasNoTrans; }
// With conjugation: OpenBLAS takes CblasConjNoTrans (its extension of CBLAS) and CblasConjTrans.
CBLAS_TRANSPOSE trans(bool t, bool conj) {
  if (!conj) return trans(t);
  return t ? CblasConjTrans : CblasConjNoTrans;
}

// cblas's alpha/beta for each dtype (complex ones are passed by pointer).
template <class T>
struct Scalars {
  T one{1}, beta{0};
  explicit Scalars(bool accumulate) : beta(accumulate ? T{1} : T{0}) {}
};

void gemm_call(const BlasPlan& p, DType dt, const void* a, const void* b, void* c, bool acc) {
  const auto order = static_cast<CBLAS_ORDER>(p.order);
  const auto ta = static_cast<CBLAS_TRANSPOSE>(p.trans_a);
  const auto tb = static_cast<CBLAS_TRANSPOSE>(p.trans_b);
  switch (dt) {
    case DType::Float32:
      cblas_sgemm(order, ta, tb, p.m, p.n, p.k, 1.0F, static_cast<const float*>(a), p.lda,
                  static_cast<const float*>(b), p.ldb, acc ? 1.0F : 0.0F, static_cast<float*>(c),
                  p.ldc);
      return;
    case DType::Float64:
      cblas_dgemm(order, ta, tb, p.m, p.n, p.k, 1.0, static_cast<const double*>(a), p.lda,
                  static_cast<const double*>(b), p.ldb, acc ? 1.0 : 0.0, static_cast<double*>(c),
                  p.ldc);
      return;
    case DType::Complex64: {
      const Scalars<complex64> s(acc);
      cblas_cgemm(order, ta, tb, p.m, p.n, p.k, &s.one, a, p.lda, b, p.ldb, &s.beta, c, p.ldc);
      return;
    }
    case DType::Complex128: {
      const Scalars<complex128> s(acc);
      cblas_zgemm(order, ta, tb, p.m, p.n, p.k, &s.one, a, p.lda, b, p.ldb, &s.beta, c, p.ldc);
      return;
    }
    default:
      fail("BLAS call for a non-BLAS dtype");
  }
}

void gemv_call(const BlasPlan& p, DType dt, const void* a, const void* b, void* c, bool acc) {
  const void* mat = p.matrix_is_a ? a : b;
  const void* x = p.matrix_is_a ? b : a;
  const auto tm = static_cast<CBLAS_TRANSPOSE>(p.trans_a);
  switch (dt) {
    case DType::Float32:
      cblas_sgemv(CblasRowMajor, tm, p.m, p.n, 1.0F, static_cast<const float*>(mat), p.lda,
                  static_cast<const float*>(x), p.inc_x, acc ? 1.0F : 0.0F, static_cast<float*>(c),
                  p.inc_y);
      return;
    case DType::Float64:
      cblas_dgemv(CblasRowMajor, tm, p.m, p.n, 1.0, static_cast<const double*>(mat), p.lda,
                  static_cast<const double*>(x), p.inc_x, acc ? 1.0 : 0.0, static_cast<double*>(c),
                  p.inc_y);
      return;
    case DType::Complex64: {
      const Scalars<complex64> s(acc);
      cblas_cgemv(CblasRowMajor, tm, p.m, p.n, &s.one, mat, p.lda, x, p.inc_x, &s.beta, c, p.inc_y);
      return;
    }
    case DType::Complex128: {
      const Scalars<complex128> s(acc);
      cblas_zgemv(CblasRowMajor, tm, p.m, p.n, &s.one, mat, p.lda, x, p.inc_x, &s.beta, c, p.inc_y);
      return;
    }
    default:
      fail("BLAS call for a non-BLAS dtype");
  }
}

template <class T>
void store_dot(void* c, T value, bool acc) {
  T* out = static_cast<T*>(c);
  if constexpr (is_complex_v<T>) {
    // Componentwise, matching the own loops' plain complex arithmetic.
    *out = acc ? T(out->real() + value.real(), out->imag() + value.imag()) : value;
  } else {
    *out = acc ? *out + value : value;
  }
}

void dot_call(const BlasPlan& p, DType dt, const void* a, const void* b, void* c, bool acc) {
  switch (dt) {
    case DType::Float32:
      store_dot(c,
                cblas_sdot(p.k, static_cast<const float*>(a), p.inc_x, static_cast<const float*>(b),
                           p.inc_y),
                acc);
      return;
    case DType::Float64:
      store_dot(c,
                cblas_ddot(p.k, static_cast<const double*>(a), p.inc_x,
                           static_cast<const double*>(b), p.inc_y),
                acc);
      return;
    case DType::Complex64: {
      complex64 r;
      if (p.conj_a && !p.conj_b) {
        cblas_cdotc_sub(p.k, a, p.inc_x, b, p.inc_y, &r);  // conjugates its first vector
      } else if (p.conj_b && !p.conj_a) {
        cblas_cdotc_sub(p.k, b, p.inc_y, a, p.inc_x, &r);
      } else {
        cblas_cdotu_sub(p.k, a, p.inc_x, b, p.inc_y, &r);
        if (p.conj_a) r = std::conj(r);  // conj(a).conj(b) = conj(a.b)
      }
      store_dot(c, r, acc);
      return;
    }
    case DType::Complex128: {
      complex128 r;
      if (p.conj_a && !p.conj_b) {
        cblas_zdotc_sub(p.k, a, p.inc_x, b, p.inc_y, &r);
      } else if (p.conj_b && !p.conj_a) {
        cblas_zdotc_sub(p.k, b, p.inc_y, a, p.inc_x, &r);
      } else {
        cblas_zdotu_sub(p.k, a, p.inc_x, b, p.inc_y, &r);
        if (p.conj_a) r = std::conj(r);
      }
      store_dot(c, r, acc);
      return;
    }
    default:
      fail("BLAS call for a non-BLAS dtype");
  }
}

}  // namespace

BlasPlan plan_blas(const Canonical& c, DType dtype) {
  BlasPlan p;
  if (!is_inexact(dtype) || c.empty || c.k < 1) return p;
  if (!fits_int(c.m) || !fits_int(c.n) || !fits_int(c.k)) return p;
  // C cannot be transposed by BLAS: it fixes the storage order.
  std::optional<Operand> cr = row_major_operand(c.m, c.n, c.c_m, c.c_n, false);
  bool row_major = cr.has_value();
  if (!cr) {
    // Column-major C is row-major C^T: solve C^T = B^T A^T instead.
    cr = row_major_operand(c.n, c.m, c.c_n, c.c_m, false);
    if (!cr) return p;
  }
  const auto ar = row_major ? row_major_operand(c.m, c.k, c.a_m, c.a_k, true)
                            : row_major_operand(c.k, c.m, c.a_k, c.a_m, true);
  const auto br = row_major ? row_major_operand(c.k, c.n, c.b_k, c.b_n, true)
                            : row_major_operand(c.n, c.k, c.b_n, c.b_k, true);
  if (!ar || !br) return p;

  if (c.m == 1 && c.n == 1) {
    // Dot: the generic rule above admits exactly positive vector strides.
    p.kind = BlasPlan::Kind::Dot;
    p.conj_a = c.conj_a;
    p.conj_b = c.conj_b;
    p.k = static_cast<int>(c.k);
    p.inc_x = static_cast<int>(c.k == 1 ? 1 : c.a_k);
    p.inc_y = static_cast<int>(c.k == 1 ? 1 : c.b_k);
    return p;
  }
  if (c.m == 1 || c.n == 1) {
    // Gemv: y = B^T x (m == 1) or y = A x (n == 1), always described row-major.
    p.kind = BlasPlan::Kind::Gemv;
    p.matrix_is_a = c.n == 1;
    // ?gemv can conjugate its matrix but not its vector: a conjugated vector runs ein's loops.
    if (p.matrix_is_a ? c.conj_b : c.conj_a) return {};
    const auto mat = p.matrix_is_a ? row_major_operand(c.m, c.k, c.a_m, c.a_k, true)
                                   : row_major_operand(c.k, c.n, c.b_k, c.b_n, true);
    if (!mat) return {};
    // Stored as is (NoTrans) the matrix is rows x cols; y = S x needs S = A, or S^T = B.
    const Index rows = p.matrix_is_a ? c.m : c.k, cols = p.matrix_is_a ? c.k : c.n;
    const bool want_trans = !p.matrix_is_a;  // y = B^T x
    p.trans_a = trans(want_trans != mat->trans, p.matrix_is_a ? c.conj_a : c.conj_b);
    p.m = static_cast<int>(mat->trans ? cols : rows);
    p.n = static_cast<int>(mat->trans ? rows : cols);
    p.lda = static_cast<int>(mat->ld);
    const Index inc_x = p.matrix_is_a ? c.b_k : c.a_k;
    const Index inc_y = p.matrix_is_a ? c.c_m : c.c_n;
    if (inc_x < 1 || inc_y < 1 || !fits_int(inc_x) || !fits_int(inc_y)) return {};
    p.inc_x = static_cast<int>(inc_x);
    p.inc_y = static_cast<int>(inc_y);
    return p;
  }
  p.kind = BlasPlan::Kind::Gemm;
  p.order = row_major ? CblasRowMajor : CblasColMajor;
  // In column-major terms C^T = B^T A^T is the same call with the operands' roles kept: a
  // row-major description of A^T (k x m) is a column-major description of A (m x k).
  p.trans_a = trans(ar->trans, c.conj_a);
  p.trans_b = trans(br->trans, c.conj_b);
  p.m = static_cast<int>(c.m);
  p.n = static_cast<int>(c.n);
  p.k = static_cast<int>(c.k);
  p.lda = static_cast<int>(ar->ld);
  p.ldb = static_cast<int>(br->ld);
  p.ldc = static_cast<int>(cr->ld);
  return p;
}

void call_blas(const BlasPlan& plan, DType dtype, const void* a, const void* b, void* c,
               bool accumulate) {
  switch (plan.kind) {
    case BlasPlan::Kind::Dot:
      dot_call(plan, dtype, a, b, c, accumulate);
      return;
    case BlasPlan::Kind::Gemv:
      gemv_call(plan, dtype, a, b, c, accumulate);
      return;
    case BlasPlan::Kind::Gemm:
      gemm_call(plan, dtype, a, b, c, accumulate);
      return;
    case BlasPlan::Kind::None:
      fail("BLAS call without a BLAS plan");
  }
}

}  // namespace ein::gemm::detail
