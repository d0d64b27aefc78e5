// Element types and NumPy's promotion rules between them.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ein/error.hpp"

namespace ein {

enum class DType : std::uint8_t { Bool, Int32, Int64, Float32, Float64, Complex64, Complex128 };

inline constexpr int kNumDTypes = 7;
inline constexpr DType kAllDTypes[kNumDTypes] = {DType::Bool,      DType::Int32,    DType::Int64,
                                                 DType::Float32,   DType::Float64,  DType::Complex64,
                                                 DType::Complex128};

using complex64 = std::complex<float>;
using complex128 = std::complex<double>;

// The C++ type that stores one element of each dtype.
template <class T>
struct dtype_of_t;
template <>
struct dtype_of_t<bool> {
  static constexpr DType value = DType::Bool;
};
template <>
struct dtype_of_t<std::int32_t> {
  static constexpr DType value = DType::Int32;
};
template <>
struct dtype_of_t<std::int64_t> {
  static constexpr DType value = DType::Int64;
};
template <>
struct dtype_of_t<float> {
  static constexpr DType value = DType::Float32;
};
template <>
struct dtype_of_t<double> {
  static constexpr DType value = DType::Float64;
};
template <>
struct dtype_of_t<complex64> {
  static constexpr DType value = DType::Complex64;
};
template <>
struct dtype_of_t<complex128> {
  static constexpr DType value = DType::Complex128;
};
template <class T>
inline constexpr DType dtype_of = dtype_of_t<T>::value;

constexpr std::size_t itemsize(DType t) noexcept {
  switch (t) {
    case DType::Bool: return 1;
    case DType::Int32: return 4;
    case DType::Int64: return 8;
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Complex64: return 8;
    case DType::Complex128: return 16;
  }
  return 0;
}

constexpr bool is_complex(DType t) noexcept {
  return t == DType::Complex64 || t == DType::Complex128;
}
constexpr bool is_floating(DType t) noexcept {
  return t == DType::Float32 || t == DType::Float64;
}
constexpr bool is_integer(DType t) noexcept { return t == DType::Int32 || t == DType::Int64; }
// Floating or complex: types where BLAS applies and division is closed.
constexpr bool is_inexact(DType t) noexcept { return is_floating(t) || is_complex(t); }

// NumPy's name: "bool", "int32", "int64", "float32", "float64", "complex64", "complex128".
std::string_view dtype_name(DType t) noexcept;
// Parses NumPy's names (and the aliases "float", "double", "int", "complex", "cfloat"...).
std::optional<DType> dtype_from_name(std::string_view name) noexcept;

// NumPy's result type of a binary operation on arrays of these dtypes (np.promote_types).
DType promote_types(DType a, DType b) noexcept;
// The real type underlying a complex type (complex64 -> float32); identity otherwise.
DType real_dtype(DType t) noexcept;
// Whether NumPy's casting='safe' allows from -> to.
bool can_cast_safely(DType from, DType to) noexcept;

// Calls f(T{}) with the storage type of dtype t: visit_dtype(t, [&](auto tag) { using T =
// decltype(tag); ... }). T is default-constructible for every dtype.
template <class F>
decltype(auto) visit_dtype(DType t, F&& f) {
  switch (t) {
    case DType::Bool: return f(bool{});
    case DType::Int32: return f(std::int32_t{});
    case DType::Int64: return f(std::int64_t{});
    case DType::Float32: return f(float{});
    case DType::Float64: return f(double{});
    case DType::Complex64: return f(complex64{});
    case DType::Complex128: return f(complex128{});
  }
  throw Error(ErrorCode::Internal, "visit_dtype: unknown dtype");
}

}  // namespace ein
