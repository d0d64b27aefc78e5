// Element conversion with NumPy's casting='unsafe' meaning and no undefined behaviour:
// complex -> real keeps the real part, anything -> bool is "!= 0", float -> int truncates and
// maps NaN or out-of-range values to the minimum integer (what NumPy gives on x86). Integers
// narrower than 32 bits take the int32 result modulo 2^8 or 2^16 (NumPy on x86 goes through a
// 32-bit conversion: 300.0 -> int8 is 44, 1e10 -> int8 is 0). float16 and bfloat16 convert
// through float32, which holds all their values exactly; conversions into them round once, to
// nearest even (see ein/float16.hpp).
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ein/dtype.hpp"

namespace ein {

namespace detail {
template <class T>
struct is_std_complex : std::false_type {};
template <class T>
struct is_std_complex<std::complex<T>> : std::true_type {};
}  // namespace detail

template <class T>
inline constexpr bool is_complex_v = detail::is_std_complex<T>::value;

template <class To, class From>
constexpr To convert_value(const From& v) noexcept {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (is_half_v<From>) {
    return convert_value<To>(static_cast<float>(v));
  } else if constexpr (is_half_v<To>) {
    if constexpr (is_complex_v<From>) {
      return To(static_cast<double>(v.real()));
    } else {
      return To(v);  // bool, integers, float, double: one correctly rounded conversion
    }
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From{};
  } else if constexpr (is_complex_v<From>) {
    if constexpr (is_complex_v<To>) {
      using R = typename To::value_type;
      return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
    } else {
      return convert_value<To>(v.real());
    }
  } else if constexpr (is_complex_v<To>) {
    using R = typename To::value_type;
    return To(convert_value<R>(v), R{});
  } else if constexpr (std::is_integral_v<To> && sizeof(To) < 4 && std::is_floating_point_v<From>) {
    return static_cast<To>(convert_value<std::int32_t>(v));  // modular since C++20
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    // Out-of-range float -> int conversion is UB in C++; NumPy yields INT_MIN there.
    constexpr auto lo = static_cast<From>(std::numeric_limits<To>::min());
    constexpr auto hi = -lo;  // 2^(bits-1), exactly representable
    if (!(v >= lo && v < hi)) return std::numeric_limits<To>::min();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace ein
