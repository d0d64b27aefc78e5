// Broadcasting helpers shared by the elementwise kernels and the product front doors.
#pragma once

#include <span>
#include <string>

#include "ein/tensor.hpp"

namespace ein::elementwise {

// A shape the way NumPy's error messages print it: "(2,3)", "(4,)", "()".
std::string compact_shape(std::span<const Index> shape);

}  // namespace ein::elementwise
