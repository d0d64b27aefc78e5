// Building einsum subscripts for the product front doors.
//
// Every front door in api/ is a few lines that name axes with letters and hand the equation to
// ein::einsum; these helpers keep that naming in one place.
#pragma once

#include <optional>
#include <string>

#include "ein/einsum.hpp"
#include "ein/tensor.hpp"

namespace ein::api {

// The einsum letters in order: a..z then A..Z (52, NumPy's alphabet).
inline constexpr int kMaxLabels = 52;

// Label number i (0 -> 'a', 26 -> 'A'); throws InvalidArgument naming `what` past 52 labels.
char label(int i, const char* what);

// `count` consecutive labels starting at number `first`.
std::string labels(int first, int count, const char* what);

// Runs "a_term,b_term->out_term" on a and b, with an optional result dtype (NumPy's dtype=).
Tensor contract2(const std::string& a_term, const TensorView& a, const std::string& b_term,
                 const TensorView& b, const std::string& out_term,
                 std::optional<DType> dtype = std::nullopt);

// Runs "term->out_term" on a single operand.
Tensor contract1(const std::string& term, const TensorView& a, const std::string& out_term,
                 std::optional<DType> dtype = std::nullopt);

// A complex view seen as real numbers: shape + (2,), the last axis holding (real, imag). The
// standard guarantees std::complex<T> is laid out as T[2], so this is a view, not a copy.
TensorView complex_as_real(const TensorView& a);

// NumPy's default accumulation dtype of sum/trace: bool and int32 become int64, others stay.
DType sum_dtype(DType t) noexcept;

}  // namespace ein::api
