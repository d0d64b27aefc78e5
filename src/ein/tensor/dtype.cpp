#include "ein/dtype.hpp"

#include <array>
#include <cstdint>
#include <string>
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
    case DType::Int8: return "int8";
    case DType::UInt8: return "uint8";
    case DType::Int16: return "int16";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
  }
  return "unknown";
}

std::optional<DType> dtype_from_name(std::string_view name) noexcept {
  static constexpr std::array<std::pair<std::string_view, DType>, 33> kNames = {{
      {"bool", DType::Bool},          {"bool_", DType::Bool},          {"?", DType::Bool},
      {"int32", DType::Int32},        {"i4", DType::Int32},            {"int64", DType::Int64},
      {"i8", DType::Int64},           {"int", DType::Int64},           {"float32", DType::Float32},
      {"f4", DType::Float32},         {"single", DType::Float32},      {"float64", DType::Float64},
      {"f8", DType::Float64},         {"float", DType::Float64},       {"double", DType::Float64},
      {"complex64", DType::Complex64}, {"c8", DType::Complex64},       {"complex128", DType::Complex128},
      {"c16", DType::Complex128},     {"complex", DType::Complex128},  {"int8", DType::Int8},
      {"i1", DType::Int8},            {"byte", DType::Int8},           {"uint8", DType::UInt8},
      {"u1", DType::UInt8},           {"ubyte", DType::UInt8},         {"int16", DType::Int16},
      {"i2", DType::Int16},           {"short", DType::Int16},         {"float16", DType::Float16},
      {"f2", DType::Float16},         {"half", DType::Float16},        {"bfloat16", DType::BFloat16},
  }};
  for (const auto& [n, t] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

namespace {
// Bit i of kSafe[from] says whether `from` casts safely (NumPy's casting='safe') to the dtype
// with value i. Written out from NumPy's can_cast table for the NumPy dtypes, and from what
// ml_dtypes registers for bfloat16 (bool, int8 and uint8 cast safely to it; it casts safely to
// float32, float64 and the complex types).
constexpr std::uint32_t bit(DType t) { return std::uint32_t{1} << static_cast<unsigned>(t); }
constexpr std::uint32_t kComplexes = bit(DType::Complex64) | bit(DType::Complex128);
constexpr std::uint32_t kFrom32 = bit(DType::Float32) | bit(DType::Float64) | kComplexes;
constexpr std::uint32_t kWide = bit(DType::Int32) | bit(DType::Int64) | kFrom32;

constexpr std::uint32_t safe_targets(DType from) {
  switch (from) {
    case DType::Bool: return ~std::uint32_t{0};
    case DType::Int8:
      return bit(DType::Int8) | bit(DType::Int16) | kWide | bit(DType::Float16) |
             bit(DType::BFloat16);
    case DType::UInt8:
      return bit(DType::UInt8) | bit(DType::Int16) | kWide | bit(DType::Float16) |
             bit(DType::BFloat16);
    case DType::Int16: return bit(DType::Int16) | kWide;
    case DType::Int32:
      return bit(DType::Int32) | bit(DType::Int64) | bit(DType::Float64) | bit(DType::Complex128);
    case DType::Int64: return bit(DType::Int64) | bit(DType::Float64) | bit(DType::Complex128);
    case DType::Float16: return bit(DType::Float16) | kFrom32;
    case DType::BFloat16: return bit(DType::BFloat16) | kFrom32;
    case DType::Float32: return kFrom32;
    case DType::Float64: return bit(DType::Float64) | bit(DType::Complex128);
    case DType::Complex64: return kComplexes;
    case DType::Complex128: return bit(DType::Complex128);
  }
  return 0;
}
}  // namespace

void detail::throw_storage_dtype(DType t) {
  throw Error(ErrorCode::DTypeMismatch,
              "dtype " + std::string(dtype_name(t)) +
                  " is a storage dtype: ein computes in bool, int32, int64, float32, float64, "
                  "complex64 or complex128 (einsum converts it; convert it first here)");
}

DType real_dtype(DType t) noexcept {
  if (t == DType::Complex64) return DType::Float32;
  if (t == DType::Complex128) return DType::Float64;
  return t;
}

// NumPy's legacy rule: the first dtype, in order of size and kind, that both cast to safely.
DType promote_types(DType a, DType b) noexcept {
  if (a == b) return a;
  const std::uint32_t both = safe_targets(a) & safe_targets(b);
  for (DType t : kEveryDType) {
    if ((both & bit(t)) != 0) return t;
  }
  return DType::Complex128;  // unreachable: both cast safely to complex128
}

bool can_cast_safely(DType from, DType to) noexcept { return (safe_targets(from) & bit(to)) != 0; }

}  // namespace ein
