// Scalar arithmetic with NumPy's meaning and no undefined behaviour.
//
// Integers wrap like NumPy's (two's complement) by computing in the unsigned type, where overflow
// is defined; bool add/multiply are logical or/and as in NumPy. Complex multiply uses the plain
// formula (what NumPy does, and what vectorises) instead of std::complex's Annex G routine, and
// complex divide uses Smith's scaled algorithm, again as NumPy does, so results match it bit for
// bit in the common cases and no intermediate overflows for large but finite operands.
#pragma once

#include <cmath>
#include <complex>
#include <limits>
#include <type_traits>

#include "ein/convert.hpp"

namespace ein::elementwise {

// double -> float without the undefined behaviour of an out-of-range conversion: values beyond
// float's range round to +-inf (or to +-FLT_MAX within half an ulp), as IEEE and NumPy do.
inline float to_float(double v) {
  constexpr double kMax = std::numeric_limits<float>::max();
  constexpr double kOverflow = 0x1p128 - 0x1p103;  // FLT_MAX + half an ulp: rounds to infinity
  if (std::isnan(v)) return std::numeric_limits<float>::quiet_NaN();
  if (std::fabs(v) > kMax) {
    return std::copysign(std::fabs(v) < kOverflow ? std::numeric_limits<float>::max()
                                                  : std::numeric_limits<float>::infinity(),
                         v > 0 ? 1.0F : -1.0F);
  }
  return static_cast<float>(v);
}

template <class T>
inline T add_values(T x, T y) {
  if constexpr (std::is_same_v<T, bool>) {
    return x || y;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(x) + static_cast<U>(y)));
  } else {
    return x + y;
  }
}

template <class T>
inline T subtract_values(T x, T y) {
  if constexpr (std::is_same_v<T, bool>) {
    return x != y;  // never reached: bool subtract is rejected like NumPy; defined for completeness
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(x) - static_cast<U>(y)));
  } else {
    return x - y;
  }
}

template <class T>
inline T multiply_values(T x, T y) {
  if constexpr (std::is_same_v<T, bool>) {
    return x && y;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(x) * static_cast<U>(y)));
  } else if constexpr (is_complex_v<T>) {
    return T(x.real() * y.real() - x.imag() * y.imag(), x.real() * y.imag() + x.imag() * y.real());
  } else {
    return x * y;
  }
}

// Only inexact types reach division (integers are converted to float64 first, as in NumPy).
template <class T>
inline T divide_values(T x, T y) {
  if constexpr (is_complex_v<T>) {
    using R = typename T::value_type;
    const R xr = x.real(), xi = x.imag(), yr = y.real(), yi = y.imag();
    const R ayr = std::fabs(yr), ayi = std::fabs(yi);
    if (ayr >= ayi) {
      if (ayr == 0 && ayi == 0) return T(xr / ayr, xi / ayr);  // complex inf or nan, like NumPy
      const R rat = yi / yr, scl = R(1) / (yr + yi * rat);
      return T((xr + xi * rat) * scl, (xi - xr * rat) * scl);
    }
    const R rat = yr / yi, scl = R(1) / (yi + yr * rat);
    return T((xr * rat + xi) * scl, (xi * rat - xr) * scl);
  } else {
    return x / y;
  }
}

}  // namespace ein::elementwise
