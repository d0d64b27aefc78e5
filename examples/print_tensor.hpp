// Prints a tensor the way NumPy does (nested brackets), for the example programs. The library
// itself never prints; formatting is the caller's business.
#pragma once

#include <complex>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ein/tensor.hpp"

namespace example {

inline std::string format_value(const ein::Tensor& flat, ein::Index i) {
  std::ostringstream os;
  const ein::DType t = flat.dtype();
  if (t == ein::DType::Bool) {
    os << (flat.data_as<bool>()[i] ? "True" : "False");
  } else if (ein::is_integer(t)) {
    os << flat.at<std::int64_t>({i});
  } else if (ein::is_complex(t)) {
    const auto z = flat.at<ein::complex128>({i});
    os << z.real() << (z.imag() < 0 ? "-" : "+") << std::abs(z.imag()) << 'j';
  } else {
    os << flat.at<double>({i});
  }
  return os.str();
}

inline void format_rec(const ein::Tensor& t, const ein::Tensor& flat, int axis, ein::Index& pos,
                       int indent, std::ostream& os) {
  if (axis == t.rank()) {
    os << format_value(flat, pos++);
    return;
  }
  os << '[';
  for (ein::Index i = 0; i < t.extent(axis); ++i) {
    if (i > 0) {
      os << (axis + 1 == t.rank() ? ", "
                                  : ",\n" + std::string(static_cast<std::size_t>(indent + 1), ' '));
    }
    format_rec(t, flat, axis + 1, pos, indent + 1, os);
  }
  os << ']';
}

// "name = [[1, 2], [3, 4]]  (shape (2, 2), int64)"
inline void print(const std::string& name, const ein::Tensor& t) {
  const ein::Tensor flat = t.contiguous().reshape({t.numel()});
  std::ostringstream os;
  ein::Index pos = 0;
  format_rec(t, flat, 0, pos, static_cast<int>(name.size() + 3), os);
  std::cout << name << " = " << os.str() << "   # shape " << ein::shape_to_string(t.shape()) << ", "
            << ein::dtype_name(t.dtype()) << '\n';
}

}  // namespace example
