// The public elementwise operations: dtype rules (NumPy 2's weak scalars) over the binary kernel.
#include "ein/ops.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "ein/elementwise/arith.hpp"
#include "ein/elementwise/binary.hpp"

namespace ein {

using elementwise::BinaryOp;

namespace {

Tensor tensor_op(BinaryOp op, const TensorView& a, const TensorView& b) {
  return elementwise::binary(op, a, b, elementwise::binary_result_dtype(op, a.dtype(), b.dtype()));
}

// A Python-like scalar: exactly one of int, float or complex.
struct WeakScalar {
  enum class Kind { Int, Float, Complex } kind;
  std::int64_t i = 0;
  double d = 0;
  complex128 c{};
};

// NumPy 2's rule: the scalar adopts the tensor's dtype unless its kind is higher, in which case
// the result is the default type of the scalar's kind at the tensor's precision (float32 stays
// single precision for float and complex scalars; bool/int go to int64/float64/complex128).
DType weak_result_dtype(DType t, const WeakScalar& s) {
  switch (s.kind) {
    case WeakScalar::Kind::Int:
      return t == DType::Bool ? DType::Int64 : t;
    case WeakScalar::Kind::Float:
      return is_inexact(t) ? t : DType::Float64;
    case WeakScalar::Kind::Complex:
      if (is_complex(t)) return t;
      return t == DType::Float32 ? DType::Complex64 : DType::Complex128;
  }
  return t;
}

// The scalar as a 0-D tensor of `dtype` (which weak_result_dtype made wide enough for its kind).
Tensor scalar_tensor(const WeakScalar& s, DType dtype, const char* op) {
  Tensor t = Tensor::empty(dtype, {});
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_as<T>();
    if constexpr (std::is_same_v<T, bool>) {
      throw Error(ErrorCode::Internal, "scalar operand cannot be bool here");
    } else if constexpr (std::is_integral_v<T>) {
      // Only Int scalars reach integer dtypes.
      if (!std::in_range<T>(s.i)) {
        throw Error(ErrorCode::Overflow, std::string(op) + ": Python integer " +
                                             std::to_string(s.i) + " out of bounds for " +
                                             std::string(dtype_name(dtype)));
      }
      *p = static_cast<T>(s.i);
    } else {
      const complex128 v = s.kind == WeakScalar::Kind::Complex ? s.c
                           : s.kind == WeakScalar::Kind::Float
                               ? complex128(s.d, 0)
                               : complex128(static_cast<double>(s.i), 0);
      if constexpr (std::is_same_v<T, float>) {
        *p = elementwise::to_float(v.real());
      } else if constexpr (std::is_same_v<T, double>) {
        *p = v.real();
      } else if constexpr (std::is_same_v<T, complex64>) {
        *p = complex64(elementwise::to_float(v.real()), elementwise::to_float(v.imag()));
      } else {
        *p = v;
      }
    }
  });
  return t;
}

Tensor scalar_op(BinaryOp op, const TensorView& a, const WeakScalar& s, bool scalar_first) {
  DType dtype = weak_result_dtype(a.dtype(), s);
  if (op == BinaryOp::Divide && !is_inexact(dtype)) dtype = DType::Float64;
  const Tensor st = scalar_tensor(s, dtype, elementwise::binary_op_name(op));
  return scalar_first ? elementwise::binary(op, st, a, dtype)
                      : elementwise::binary(op, a, st, dtype);
}

WeakScalar from_double(double v) { return {WeakScalar::Kind::Float, 0, v, {}}; }
WeakScalar from_int(IntScalar v) { return {WeakScalar::Kind::Int, v.value, 0, {}}; }
WeakScalar from_complex(complex128 v) { return {WeakScalar::Kind::Complex, 0, 0, v}; }

}  // namespace

Tensor multiply(const TensorView& a, const TensorView& b) {
  return tensor_op(BinaryOp::Multiply, a, b);
}
Tensor add(const TensorView& a, const TensorView& b) { return tensor_op(BinaryOp::Add, a, b); }
Tensor subtract(const TensorView& a, const TensorView& b) {
  return tensor_op(BinaryOp::Subtract, a, b);
}
Tensor divide(const TensorView& a, const TensorView& b) {
  return tensor_op(BinaryOp::Divide, a, b);
}

Tensor multiply(const TensorView& a, double s) {
  return scalar_op(BinaryOp::Multiply, a, from_double(s), false);
}
Tensor add(const TensorView& a, double s) {
  return scalar_op(BinaryOp::Add, a, from_double(s), false);
}
Tensor subtract(const TensorView& a, double s) {
  return scalar_op(BinaryOp::Subtract, a, from_double(s), false);
}
Tensor divide(const TensorView& a, double s) {
  return scalar_op(BinaryOp::Divide, a, from_double(s), false);
}
Tensor subtract(double s, const TensorView& a) {
  return scalar_op(BinaryOp::Subtract, a, from_double(s), true);
}
Tensor divide(double s, const TensorView& a) {
  return scalar_op(BinaryOp::Divide, a, from_double(s), true);
}

Tensor multiply(const TensorView& a, complex128 s) {
  return scalar_op(BinaryOp::Multiply, a, from_complex(s), false);
}
Tensor add(const TensorView& a, complex128 s) {
  return scalar_op(BinaryOp::Add, a, from_complex(s), false);
}
Tensor subtract(const TensorView& a, complex128 s) {
  return scalar_op(BinaryOp::Subtract, a, from_complex(s), false);
}
Tensor divide(const TensorView& a, complex128 s) {
  return scalar_op(BinaryOp::Divide, a, from_complex(s), false);
}

Tensor multiply(const TensorView& a, IntScalar s) {
  return scalar_op(BinaryOp::Multiply, a, from_int(s), false);
}
Tensor add(const TensorView& a, IntScalar s) {
  return scalar_op(BinaryOp::Add, a, from_int(s), false);
}
Tensor subtract(const TensorView& a, IntScalar s) {
  return scalar_op(BinaryOp::Subtract, a, from_int(s), false);
}
Tensor divide(const TensorView& a, IntScalar s) {
  return scalar_op(BinaryOp::Divide, a, from_int(s), false);
}
Tensor subtract(IntScalar s, const TensorView& a) {
  return scalar_op(BinaryOp::Subtract, a, from_int(s), true);
}
Tensor divide(IntScalar s, const TensorView& a) {
  return scalar_op(BinaryOp::Divide, a, from_int(s), true);
}

}  // namespace ein
