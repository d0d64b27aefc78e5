// The slow twin of ein::einsum: an obviously-correct loop nest that the fast engine is checked
// against. It parses with the real parser (so both agree on what an expression means) and then
// runs one odometer over every label, multiplying operand elements and accumulating into the
// output element.
//
// Precision: the result dtype is NumPy's (all operand dtypes promoted, or `dtype`), each operand
// element is first converted to it (as NumPy casts the operands), and then
//  * floats are multiplied and summed in long double, complex in std::complex<long double>, and
//    rounded once at the end: a more precise oracle than any float32/float64 engine;
//  * integers wrap around like NumPy's fixed-width arithmetic, computed in uint64 (no signed
//    overflow) and truncated to the result width;
//  * bool is the OR of ANDs (NumPy's sum and product on bools).
// Operands may have any strides (negative, zero) and extent-1 axes broadcast against their
// label's extent. Zero-size labels give an empty output, or zeros when summed away.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ein/expr/parse.hpp"
#include "ein/tensor.hpp"

namespace ein::test {

// NumPy's result dtype of einsum over these operands: `dtype` if given, else all promoted.
DType einsum_result_dtype(std::span<const TensorView> operands, std::optional<DType> dtype = {});

Tensor reference_einsum(std::string_view subscripts, std::span<const TensorView> operands,
                        std::optional<DType> dtype = {});
inline Tensor reference_einsum(std::string_view subscripts,
                               std::initializer_list<TensorView> operands,
                               std::optional<DType> dtype = {}) {
  return reference_einsum(subscripts,
                          std::span<const TensorView>(operands.begin(), operands.size()), dtype);
}

// NumPy's sublist form: einsum(a, [0, 1], b, [1, 2], [0, 2]).
Tensor reference_einsum_sublists(std::span<const std::vector<int>> inputs,
                                 const std::optional<std::vector<int>>& output,
                                 std::span<const TensorView> operands,
                                 std::optional<DType> dtype = {});

// Runs an already parsed expression (the operands must have the shapes it was parsed for).
Tensor reference_einsum(const expr::ParsedExpression& expression,
                        std::span<const TensorView> operands, std::optional<DType> dtype = {});

}  // namespace ein::test
