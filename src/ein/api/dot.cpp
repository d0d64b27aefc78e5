// numpy.dot, inner, outer and vdot as einsum equations.
#include <array>
#include <cmath>
#include <string>

#include "ein/api/labels.hpp"
#include "ein/elementwise/arith.hpp"
#include "ein/elementwise/broadcast.hpp"
#include "ein/products.hpp"

namespace ein {

using api::contract2;
using api::labels;
using elementwise::compact_shape;

namespace {

// A 0-D operand makes dot and inner an elementwise product with the other operand.
Tensor scale_by_scalar(const TensorView& a, const TensorView& b, const char* what) {
  const std::string ta = labels(0, a.rank(), what), tb = labels(0, b.rank(), what);
  return contract2(ta, a, tb, b, a.rank() > 0 ? ta : tb);
}

// NumPy's "shapes (2,3) and (4,) not aligned: 3 (dim 1) != 4 (dim 0)".
[[noreturn]] void not_aligned(const char* what, const TensorView& a, int axis_a,
                              const TensorView& b, int axis_b) {
  throw Error(ErrorCode::ShapeMismatch,
              std::string(what) + ": shapes " + compact_shape(a.shape()) + " and " +
                  compact_shape(b.shape()) + " not aligned: " + std::to_string(a.extent(axis_a)) +
                  " (dim " + std::to_string(axis_a) + ") != " + std::to_string(b.extent(axis_b)) +
                  " (dim " + std::to_string(axis_b) + ")");
}

// Contracts axis `ka` of a with axis `kb` of b; the result holds a's other axes, then b's.
Tensor contract_one_axis(const TensorView& a, int ka, const TensorView& b, int kb,
                         const char* what) {
  if (a.extent(ka) != b.extent(kb)) not_aligned(what, a, ka, b, kb);
  const int na = a.rank(), nb = b.rank();
  const std::string free_a = labels(0, na - 1, what), free_b = labels(na - 1, nb - 1, what);
  const std::string k(1, api::label(na + nb - 2, what));
  const std::string ta = free_a.substr(0, ka) + k + free_a.substr(ka);
  const std::string tb = free_b.substr(0, kb) + k + free_b.substr(kb);
  return contract2(ta, a, tb, b, free_a + free_b);
}

// The operand as a 1-D view, or a flattened copy when its strides do not allow a view.
Tensor flatten(const TensorView& a) {
  const std::array<Index, 1> flat = {a.numel()};
  return Tensor::borrow(a).reshape(flat);
}

}  // namespace

Tensor dot(const TensorView& a, const TensorView& b) {
  if (a.rank() == 0 || b.rank() == 0) return scale_by_scalar(a, b, "dot");
  // a's last axis against b's second-to-last (its only one when b is 1-D).
  return contract_one_axis(a, a.rank() - 1, b, b.rank() >= 2 ? b.rank() - 2 : 0, "dot");
}

Tensor inner(const TensorView& a, const TensorView& b) {
  if (a.rank() == 0 || b.rank() == 0) return scale_by_scalar(a, b, "inner");
  return contract_one_axis(a, a.rank() - 1, b, b.rank() - 1, "inner");
}

Tensor outer(const TensorView& a, const TensorView& b) {
  const Tensor fa = flatten(a), fb = flatten(b);
  return contract2("i", fa, "j", fb, "ij");
}

Tensor vdot(const TensorView& a, const TensorView& b) {
  if (a.numel() != b.numel()) {
    throw Error(ErrorCode::ShapeMismatch,
                "vdot: vectors have different lengths: a " + compact_shape(a.shape()) + " has " +
                    std::to_string(a.numel()) + " elements, b " + compact_shape(b.shape()) +
                    " has " + std::to_string(b.numel()) + " elements");
  }
  const Tensor fa = flatten(a), fb = flatten(b);
  if (!is_complex(a.dtype())) return contract2("i", fa, "i", fb, "");
  // conj(a)·b without a conjugated copy of a: with a = ar + i ai and b = br + i bi,
  // conj(a)·b = (ar·br + ai·bi) + i (ar·bi - ai·br). Viewing both as real (n, 2) arrays, one
  // einsum "ip,iq->pq" gives all four real dot products at once.
  const DType result = promote_types(a.dtype(), b.dtype());
  const DType real = real_dtype(result);
  const TensorView ra = api::complex_as_real(fa);
  complex128 value;
  if (is_complex(b.dtype())) {
    const Tensor m = contract2("ip", ra, "iq", api::complex_as_real(fb), "pq", real);
    const auto v = m.to_vector<double>();  // [rr, ri, ir, ii]
    value = complex128(v[0] + v[3], v[1] - v[2]);
  } else {
    const Tensor m = contract2("ip", ra, "i", fb, "p", real);
    const auto v = m.to_vector<double>();  // [ar·b, ai·b]
    value = complex128(v[0], -v[1]);
  }
  Tensor out = Tensor::empty(result, {});
  if (result == DType::Complex64) {
    *out.data_as<complex64>() =
        complex64(elementwise::to_float(value.real()), elementwise::to_float(value.imag()));
  } else {
    *out.data_as<complex128>() = value;
  }
  return out;
}

}  // namespace ein
