#include "ein/dtype.hpp"

#include <array>
#include <utility>

namespace ein {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::ParseError: return "ParseError";
    case ErrorCode::ShapeMismatch: return "ShapeMismatch";
    case ErrorCode::AxisError: return "AxisError";
    case ErrorCode::DTypeMismatch: return "DTypeMismatch";
    case ErrorCode::Overflow: return "Overflow";
    case ErrorCode::MemoryLimit: return "MemoryLimit";
    case ErrorCode::OutOfMemory: return "OutOfMemory";
    case ErrorCode::IoError: return "IoError";
    case ErrorCode::Internal: return "Internal";
  }
  return "Unknown";
}

std::string_view dtype_name(DType t) noexcept {
  switch (t) {
    case DType::Bool: return "bool";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Complex64: return "complex64";
    case DType::Complex128: return "complex128";
  }
  return "unknown";
}

std::optional<DType> dtype_from_name(std::string_view name) noexcept {
  static constexpr std::array<std::pair<std::string_view, DType>, 20> kNames = {{
      {"bool", DType::Bool},          {"bool_", DType::Bool},          {"?", DType::Bool},
      {"int32", DType::Int32},        {"i4", DType::Int32},            {"int64", DType::Int64},
      {"i8", DType::Int64},           {"int", DType::Int64},           {"float32", DType::Float32},
      {"f4", DType::Float32},         {"single", DType::Float32},      {"float64", DType::Float64},
      {"f8", DType::Float64},         {"float", DType::Float64},       {"double", DType::Float64},
      {"complex64", DType::Complex64}, {"c8", DType::Complex64},       {"complex128", DType::Complex128},
      {"c16", DType::Complex128},     {"complex", DType::Complex128},
  }};
  for (const auto& [n, t] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

namespace {
// NumPy's kinds in promotion order; within a kind, the wider type wins.
int kind(DType t) {
  switch (t) {
    case DType::Bool: return 0;
    case DType::Int32:
    case DType::Int64: return 1;
    case DType::Float32:
    case DType::Float64: return 2;
    case DType::Complex64:
    case DType::Complex128: return 3;
  }
  return 0;
}
}  // namespace

DType real_dtype(DType t) noexcept {
  if (t == DType::Complex64) return DType::Float32;
  if (t == DType::Complex128) return DType::Float64;
  return t;
}

DType promote_types(DType a, DType b) noexcept {
  if (a == b) return a;
  if (kind(a) > kind(b)) std::swap(a, b);  // now kind(a) <= kind(b)
  if (a == DType::Bool) return b;
  if (kind(a) == kind(b)) return itemsize(a) >= itemsize(b) ? a : b;
  // Integers mixed with inexact types: float32 and complex64 cannot hold every int32/int64,
  // so NumPy widens to the double-precision type of b's kind.
  if (kind(a) == 1) return kind(b) == 2 ? DType::Float64 : DType::Complex128;
  // float with complex: the complex type wide enough for both.
  if (a == DType::Float64 || b == DType::Complex128) return DType::Complex128;
  return DType::Complex64;
}

bool can_cast_safely(DType from, DType to) noexcept { return promote_types(from, to) == to; }

}  // namespace ein
