// norm, project and cosine_similarity: small compositions of einsum reductions.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ein/api/labels.hpp"
#include "ein/elementwise/arith.hpp"
#include "ein/elementwise/broadcast.hpp"
#include "ein/ops.hpp"
#include "ein/products.hpp"

namespace ein {

namespace {

// Sum of squares of all elements of a real view, in `dtype` (einsum's dtype=).
double sum_of_squares(const TensorView& x, DType dtype) {
  const std::string t = api::labels(0, x.rank(), "norm");
  return api::contract2(t, x, t, x, "", dtype).item<double>();
}

// Whether a sum of squares computed in `dtype` can be trusted: finite, and not so small that
// squares may have underflowed (below ~2^-60 of float's range, or 2^-960 of double's, terms lost
// to underflow could matter). NaN is trusted: it propagates either way.
bool sum_in_range(double s, DType dtype) {
  const double tiny = dtype == DType::Float32 ? 0x1p-60 : 0x1p-960;
  return std::isnan(s) || (std::isfinite(s) && s >= tiny);
}

// The 2-norm of a real view.
//  * float32: summed in float32 first (the BLAS speed NumPy has); if that overflowed or may have
//    underflowed, summed again in float64, where float32 squares always fit.
//  * bool/integers: summed in float64 (exact squares up to 2^53, no wrap-around).
//  * float64: if the squares overflow (|x| > ~1e154) or underflow (|x| < ~1e-154), the sum is
//    redone on x scaled by an exact power of two (2^-600 or 2^600, which keeps every finite
//    double's square in range) and the scale is taken back out.
double real_norm(const TensorView& x) {
  if (x.dtype() == DType::Float32) {
    const double s = sum_of_squares(x, DType::Float32);
    return std::sqrt(sum_in_range(s, DType::Float32) ? s : sum_of_squares(x, DType::Float64));
  }
  const double s = sum_of_squares(x, DType::Float64);
  if (x.dtype() != DType::Float64 || sum_in_range(s, DType::Float64)) return std::sqrt(s);
  const double scale = std::isinf(s) ? 0x1p-600 : 0x1p600;
  const double scaled = sum_of_squares(multiply(x, scale), DType::Float64);
  return std::sqrt(scaled) / scale;
}

DType inexact_result(DType a, DType b) {
  const DType t = promote_types(a, b);
  return is_inexact(t) ? t : DType::Float64;
}

Tensor as_dtype(const TensorView& v, DType dtype) {
  Tensor t = Tensor::borrow(v);
  return v.dtype() == dtype ? t : t.astype(dtype);
}

// Row-wise squared norms over the last axis of `v` (already broadcast along that axis),
// in float64; the result has v's shape without its last axis.
Tensor row_sq_norms(const TensorView& v) {
  if (is_complex(v.dtype())) {
    return api::contract2("...ip", api::complex_as_real(v), "...ip", api::complex_as_real(v), "...",
                          DType::Float64);
  }
  return api::contract2("...i", v, "...i", v, "...", DType::Float64);
}

}  // namespace

Tensor norm(const TensorView& a) {
  const TensorView x = is_complex(a.dtype()) ? api::complex_as_real(a) : a;
  const double n = real_norm(x);
  const bool single = a.dtype() == DType::Float32 || a.dtype() == DType::Complex64;
  return single ? Tensor::scalar<float>(elementwise::to_float(n)) : Tensor::scalar<double>(n);
}

Tensor project(const TensorView& b, const TensorView& onto) {
  if (b.numel() != onto.numel()) {
    throw Error(ErrorCode::ShapeMismatch,
                "project: b " + elementwise::compact_shape(b.shape()) + " has " +
                    std::to_string(b.numel()) + " elements but onto " +
                    elementwise::compact_shape(onto.shape()) + " has " +
                    std::to_string(onto.numel()) + "; they must have the same size");
  }
  const DType rd = inexact_result(b.dtype(), onto.dtype());
  const Tensor a = as_dtype(onto, rd), bc = as_dtype(b, rd);
  const complex128 num = vdot(a, bc).item<complex128>();
  const double den = vdot(a, a).item<complex128>().real();
  // A zero `onto` spans nothing: its projection is the zero vector (NumPy has no project; this
  // choice avoids NaNs from 0/0).
  if (den == 0) return Tensor::zeros(rd, onto.shape());
  const complex128 c = num / den;
  return is_complex(rd) ? multiply(a, c) : multiply(a, c.real());
}

Tensor cosine_similarity(const TensorView& a, const TensorView& b) {
  for (int i = 0; i < 2; ++i) {
    if ((i == 0 ? a : b).rank() == 0) {
      throw Error(ErrorCode::InvalidArgument,
                  std::string("cosine_similarity: operand ") + (i == 0 ? "a" : "b") +
                      " is 0-D; it needs at least one axis (the vector axis, the last)");
    }
  }
  Shape shape;
  try {
    shape = broadcast_shapes(a.shape(), b.shape());
  } catch (const Error& e) {
    throw Error(e.code(), std::string("cosine_similarity: ") + e.what());
  }
  const Index n = shape.back();
  const DType rd = inexact_result(a.dtype(), b.dtype());
  const DType cd = is_complex(rd) ? DType::Complex128 : DType::Float64;
  // conj(a)·b per row, in double precision. Conjugating before broadcasting keeps the copy the
  // size of a.
  const Tensor ac = is_complex(a.dtype()) ? conj(a) : Tensor::borrow(a);
  const Tensor dots = api::contract2("...i", ac.view().broadcast_to(shape), "...i",
                                     b.broadcast_to(shape), "...", cd);
  // Each operand's norms over its own batch axes (only its vector axis broadcast to n).
  auto norms = [&](const TensorView& v) {
    Shape row = v.shape();
    row.back() = n;
    const Tensor sq = row_sq_norms(v.broadcast_to(row));
    const Shape batch(shape.begin(), shape.end() - 1);
    return Tensor::borrow(sq.view().broadcast_to(batch)).to_vector<double>();
  };
  const std::vector<double> na = norms(a), nb = norms(b);
  Tensor out = Tensor::empty(cd, dots.shape());
  visit_dtype(cd, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, complex128>) {
      const T* d = dots.data_as<T>();
      T* o = out.data_as<T>();
      for (std::size_t i = 0; i < na.size(); ++i) {
        // sqrt each factor separately: the product of squared norms can overflow.
        const double denom = std::sqrt(na[i]) * std::sqrt(nb[i]);
        o[i] = denom == 0 ? T{} : d[i] / denom;  // a zero vector is orthogonal to everything
      }
    }
  });
  return out.dtype() == rd ? out : out.astype(rd);
}

}  // namespace ein
