// Comparing a computed tensor with the reference's, with tolerances that follow from the math.
//
// Shapes and dtypes must match exactly; bool and integer elements must be equal. For float and
// complex dtypes each element (each real and imaginary part) must satisfy
//
//     |actual - expected| <= kTolerance * eps(dtype) * max(1, n) * max(|expected|, scale)
//
// where n is the summation length (how many products were summed into the element,
// ParsedExpression::summation_length()) and eps is the dtype's machine epsilon (float32 for
// complex64). Why this form: a sum of n rounded products has an error of at most about
// n * eps * sum(|term|). We do not know sum(|term|), only the exact result; when terms cancel
// it can far exceed |expected|, so the bound also uses `scale`, the typical magnitude of one
// term. The random corpus draws values from [-1, 1] (complex parts too), so scale = 1 covers
// products of a few such values; pass a larger scale for larger data. kTolerance = 8 absorbs
// the rounding of the products themselves (a few eps each) and of intermediates in a
// multi-step contraction path. NaN matches NaN and infinities must match exactly.
#pragma once

#include <gtest/gtest.h>

#include "ein/tensor.hpp"

namespace ein::test {

inline constexpr double kTolerance = 8.0;

// Machine epsilon of a dtype's real type; 0 for bool and integers (exact).
double dtype_epsilon(DType dtype);

::testing::AssertionResult tensors_close(const Tensor& actual, const Tensor& expected,
                                         Index summation_length, double scale = 1.0);

// Exact equality of shape, dtype and every element (NaN matches NaN).
::testing::AssertionResult tensors_equal(const Tensor& actual, const Tensor& expected);

}  // namespace ein::test
