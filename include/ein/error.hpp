// ein::Error — the one exception type the library throws on user input.
#pragma once

#include <stdexcept>
#include <string>

namespace ein {

// What kind of mistake the caller made. Front doors map codes to their own error types
// (Python: ValueError for most, TypeError for DTypeMismatch, MemoryError for OutOfMemory).
enum class ErrorCode {
  InvalidArgument,  // a bad value that is not better described below
  ParseError,       // malformed subscripts or patterns
  ShapeMismatch,    // extents or ranks that do not agree
  AxisError,        // an axis index out of range
  DTypeMismatch,    // a dtype that is not allowed here
  Overflow,         // a size, stride or count that does not fit in 64 bits
  MemoryLimit,      // a plan that needs more memory than the caller allows
  OutOfMemory,      // an allocation failed
  IoError,          // a file could not be read or written, or is malformed
  Internal,         // an invariant of ein itself was broken (a bug in ein)
};

const char* error_code_name(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace ein
