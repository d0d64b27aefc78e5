// Element types and NumPy's promotion rules between them.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "ein/error.hpp"
#include "ein/float16.hpp"

namespace ein {

// The first seven are compute dtypes: every kernel is instantiated for them (visit_dtype). The
// rest are storage dtypes: tensors may hold them and conversions handle them
// (visit_storage_dtype), but einsum computes in a compute dtype (compute_dtype_of, or the
// EinsumOptions::acc_dtype asked for) and converts the result back. Values are stable (plan files
// store them): new dtypes are appended.
enum class DType : std::uint8_t {
  Bool,
  Int32,
  Int64,
  Float32,
  Float64,
  Complex64,
  Complex128,
  Int8,
  UInt8,
  Int16,
  Float16,
  BFloat16,
};

// The compute dtypes.
inline constexpr int kNumDTypes = 7;
inline constexpr DType kAllDTypes[kNumDTypes] = {DType::Bool,      DType::Int32,    DType::Int64,
                                                 DType::Float32,   DType::Float64,  DType::Complex64,
                                                 DType::Complex128};
// The storage-only dtypes, and every dtype.
inline constexpr int kNumStorageDTypes = 5;
inline constexpr DType kStorageDTypes[kNumStorageDTypes] = {
    DType::Int8, DType::UInt8, DType::Int16, DType::Float16, DType::BFloat16};
inline constexpr int kNumEveryDType = kNumDTypes + kNumStorageDTypes;
inline constexpr DType kEveryDType[kNumEveryDType] = {
    DType::Bool,       DType::Int8,    DType::UInt8,   DType::Int16,
    DType::Int32,      DType::Int64,   DType::Float16, DType::BFloat16,
    DType::Float32,    DType::Float64, DType::Complex64, DType::Complex128};

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
template <>
struct dtype_of_t<std::int8_t> {
  static constexpr DType value = DType::Int8;
};
template <>
struct dtype_of_t<std::uint8_t> {
  static constexpr DType value = DType::UInt8;
};
template <>
struct dtype_of_t<std::int16_t> {
  static constexpr DType value = DType::Int16;
};
template <>
struct dtype_of_t<float16> {
  static constexpr DType value = DType::Float16;
};
template <>
struct dtype_of_t<bfloat16> {
  static constexpr DType value = DType::BFloat16;
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
    case DType::Int8: return 1;
    case DType::UInt8: return 1;
    case DType::Int16: return 2;
    case DType::Float16: return 2;
    case DType::BFloat16: return 2;
  }
  return 0;
}

// A storage dtype: held and converted, never computed in (see DType).
constexpr bool is_storage_only(DType t) noexcept {
  return t == DType::Int8 || t == DType::UInt8 || t == DType::Int16 || t == DType::Float16 ||
         t == DType::BFloat16;
}
// The compute dtype einsum uses for a result of dtype t when no acc_dtype is given: narrow
// integers compute in int32 (their wrap-around results are the same modulo 2^8 or 2^16, which is
// NumPy's int8/uint8/int16 arithmetic), float16 and bfloat16 in float32 (rounded once at the
// end). Compute dtypes map to themselves.
constexpr DType compute_dtype_of(DType t) noexcept {
  switch (t) {
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16: return DType::Int32;
    case DType::Float16:
    case DType::BFloat16: return DType::Float32;
    default: return t;
  }
}

// The predicates below are about compute dtypes (kernels branch on them); the *_kind ones
// include the storage dtypes.
constexpr bool is_complex(DType t) noexcept {
  return t == DType::Complex64 || t == DType::Complex128;
}
constexpr bool is_floating(DType t) noexcept {
  return t == DType::Float32 || t == DType::Float64;
}
constexpr bool is_integer(DType t) noexcept { return t == DType::Int32 || t == DType::Int64; }
// Floating or complex: types where BLAS applies and division is closed.
constexpr bool is_inexact(DType t) noexcept { return is_floating(t) || is_complex(t); }
constexpr bool is_integer_kind(DType t) noexcept {
  return is_integer(t) || t == DType::Int8 || t == DType::UInt8 || t == DType::Int16;
}
constexpr bool is_floating_kind(DType t) noexcept {
  return is_floating(t) || t == DType::Float16 || t == DType::BFloat16;
}

// NumPy's name: "bool", "int8", "uint8", "int16", "int32", "int64", "float16", "float32",
// "float64", "complex64", "complex128"; and "bfloat16" (ml_dtypes' and PyTorch's name).
std::string_view dtype_name(DType t) noexcept;
// Parses NumPy's names (and the aliases "float", "double", "int", "complex", "half", "i1"...).
std::optional<DType> dtype_from_name(std::string_view name) noexcept;

// NumPy's result type of a binary operation on arrays of these dtypes (np.promote_types).
// bfloat16 is not NumPy's; it promotes as ml_dtypes registers it with NumPy (and as PyTorch's
// type promotion agrees): bool, int8 and uint8 cast safely to bfloat16, bfloat16 casts safely to
// float32 and wider, so bfloat16 + int8 -> bfloat16, bfloat16 + float16 -> float32, bfloat16 +
// int16 -> float32, bfloat16 + int32 -> float64.
DType promote_types(DType a, DType b) noexcept;
// The real type underlying a complex type (complex64 -> float32); identity otherwise.
DType real_dtype(DType t) noexcept;
// Whether NumPy's casting='safe' allows from -> to.
bool can_cast_safely(DType from, DType to) noexcept;

namespace detail {
[[noreturn]] void throw_storage_dtype(DType t);
}  // namespace detail

// Calls f(T{}) with the storage type of compute dtype t: visit_dtype(t, [&](auto tag) { using T =
// decltype(tag); ... }). T is default-constructible for every dtype. Kernels use this one, so
// they are instantiated for the seven compute dtypes only; a storage dtype (int8, float16...) is
// an ein::Error(DTypeMismatch) saying to convert it first.
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
    case DType::Int8:
    case DType::UInt8:
    case DType::Int16:
    case DType::Float16:
    case DType::BFloat16: detail::throw_storage_dtype(t);
  }
  throw Error(ErrorCode::Internal, "visit_dtype: unknown dtype");
}

// Like visit_dtype for every dtype, storage dtypes included: for conversion code only.
template <class F>
decltype(auto) visit_storage_dtype(DType t, F&& f) {
  switch (t) {
    case DType::Int8: return f(std::int8_t{});
    case DType::UInt8: return f(std::uint8_t{});
    case DType::Int16: return f(std::int16_t{});
    case DType::Float16: return f(float16{});
    case DType::BFloat16: return f(bfloat16{});
    default: return visit_dtype(t, std::forward<F>(f));
  }
}

}  // namespace ein
