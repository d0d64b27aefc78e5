// Overflow-checked 64-bit arithmetic for sizes, strides, byte and FLOP counts.
#pragma once

#include <cstdint>
#include <string>

#include "ein/error.hpp"

namespace ein::support {

// a * b, or ein::Error(Overflow) mentioning `what`.
inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    throw Error(ErrorCode::Overflow, std::string(what) + ": " + std::to_string(a) + " * " +
                                         std::to_string(b) + " overflows 64-bit integers");
  }
  return r;
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    throw Error(ErrorCode::Overflow, std::string(what) + ": " + std::to_string(a) + " + " +
                                         std::to_string(b) + " overflows 64-bit integers");
  }
  return r;
}

}  // namespace ein::support
