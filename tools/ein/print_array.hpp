// Printing arrays the way NumPy's print() does with its default print options: 75-column lines,
// 8 significant fractional digits, scientific notation when magnitudes call for it, and "..."
// summaries (3 edge items) for arrays of more than 1000 elements.
#pragma once

#include <string>

#include "ein/tensor.hpp"

namespace ein::cli {

std::string format_array(const TensorView& array);

}  // namespace ein::cli
