// Broadcast binary arithmetic (the kernels behind ein::add, subtract, multiply, divide).
#pragma once

#include "ein/tensor.hpp"

namespace ein::elementwise {

enum class BinaryOp { Add, Subtract, Multiply, Divide };

// "add", "subtract", "multiply", "divide" (for messages).
const char* binary_op_name(BinaryOp op) noexcept;

// NumPy's result dtype of `op` on arrays of dtypes a and b: promote_types, except that divide of
// bool or integers gives float64. Throws DTypeMismatch for bool - bool, which NumPy rejects.
DType binary_result_dtype(BinaryOp op, DType a, DType b);

// op(a, b) with NumPy broadcasting into a new C-contiguous tensor of `dtype`; operands whose
// dtype differs are converted to `dtype` first (a copy the size of that operand, not of the
// broadcast result). `dtype` must be a valid result dtype for `op` (inexact for Divide).
Tensor binary(BinaryOp op, const TensorView& a, const TensorView& b, DType dtype);

}  // namespace ein::elementwise
