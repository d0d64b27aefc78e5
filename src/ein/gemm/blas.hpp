// The OpenBLAS side of gemm/: deciding whether a canonical problem's strides suit BLAS and, if
// so, which call (?dot, ?gemv, ?gemm) runs one batch item. Internal to gemm/.
#pragma once

#include "ein/gemm/shape.hpp"

namespace ein::gemm::detail {

// One batch item's BLAS call, with the CBLAS enums stored as plain ints so this header does not
// pull in cblas.h.
struct BlasPlan {
  enum class Kind { None, Dot, Gemv, Gemm };
  Kind kind = Kind::None;
  int order = 0;                        // CBLAS_ORDER (Gemm; Gemv always row-major)
  int trans_a = 0, trans_b = 0;         // CBLAS_TRANSPOSE of A and B (Gemm), of the matrix (Gemv)
  int m = 0, n = 0, k = 0;              // Gemm: M, N, K; Gemv: rows, cols of the stored matrix
  int lda = 0, ldb = 0, ldc = 0;        // Gemm; Gemv uses lda for its matrix
  int inc_x = 0, inc_y = 0;             // Gemv, Dot: vector increments (Dot: y is B)
  bool matrix_is_a = false;             // Gemv: the matrix operand is A (else B)
  bool conj_a = false, conj_b = false;  // Dot: which vectors to conjugate (?dotc / conj(?dotu))
};

// BLAS can run this item on these strides (see blas_compatible in gemm.hpp). Requires k >= 1 and
// a non-empty problem; returns Kind::None otherwise.
BlasPlan plan_blas(const Canonical& c, DType dtype);

// Runs one item: C (+)= A*B with pointers at element [0, 0] of each matrix.
void call_blas(const BlasPlan& plan, DType dtype, const void* a, const void* b, void* c,
               bool accumulate);

}  // namespace ein::gemm::detail
