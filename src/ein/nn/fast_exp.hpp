// exp(x) for x <= 0, written so that the compiler vectorises loops that call it.
//
// glibc's exp is a function call per element, which keeps softmax (16.7M exponentials for one
// batch-8, 8-head, 512-token attention) an order of magnitude slower than the GEMMs around it.
// This is the classic Cody-Waite scheme: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by its Taylor
// polynomial (degree 7 for float, 13 for double: truncation error below 1e-8 and 1e-17
// relative), and 2^n put straight into the exponent bits. Rounding x log2(e) to n uses the
// 1.5 * 2^(mantissa bits) trick, whose result bits also hold n, so no float->int conversion
// is needed (SSE2 has none for 64-bit lanes). Accuracy: within a few ulp of std::exp (checked
// in tests/nn_test.cpp). Inputs below the smallest normal result give 0, as do -inf; NaN and
// positive inputs are not expected (softmax subtracts the row maximum and handles NaN rows
// before calling this).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

namespace ein::nn {

template <class T>
struct ExpConstants;

template <>
struct ExpConstants<float> {
  using Bits = std::uint32_t;
  static constexpr float kLog2e = 1.44269504088896341F;
  // ln 2 split so that n * kLn2Hi is exact for |n| <= 2^8 (kLn2Hi has 9 significant bits).
  static constexpr float kLn2Hi = 0.693359375F;
  static constexpr float kLn2Lo = -2.12194440e-4F;
  static constexpr float kMagic = 12582912.0F;  // 1.5 * 2^23
  // exp(-104) is below half the smallest subnormal float, so it rounds to 0.
  static constexpr float kClamp = -104.0F;
  static constexpr int kMantissa = 23;
  static constexpr Bits kBias = 127;
  static float poly(float r) {
    constexpr float c2 = 1.0F / 2, c3 = 1.0F / 6, c4 = 1.0F / 24, c5 = 1.0F / 120, c6 = 1.0F / 720,
                    c7 = 1.0F / 5040;
    return 1.0F + r * (1.0F + r * (c2 + r * (c3 + r * (c4 + r * (c5 + r * (c6 + r * c7))))));
  }
};

template <>
struct ExpConstants<double> {
  using Bits = std::uint64_t;
  static constexpr double kLog2e = 1.44269504088896338700e+00;
  // fdlibm's split of ln 2: n * kLn2Hi is exact for |n| <= 2^11.
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;
  static constexpr double kMagic = 6755399441055744.0;  // 1.5 * 2^52
  // exp(-746) is below half the smallest subnormal double, so it rounds to 0.
  static constexpr double kClamp = -746.0;
  static constexpr int kMantissa = 52;
  static constexpr Bits kBias = 1023;
  static double poly(double r) {
    // Horner on 1/k!, k = 13 down to 0.
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    return p * r + 1.0;
  }
};

// exp(x) for x <= 0 (x = -inf gives 0). Branch-free so that loops over it vectorise: inputs are
// clamped where exp is already 0 in T, and 2^n is applied as two factors 2^h * 2^(n-h), each a
// normal number, so that results in the subnormal range round correctly (to 0 at the clamp).
template <class T>
inline T exp_nonpositive(T x) {
  using C = ExpConstants<T>;
  using Bits = typename C::Bits;
  // Clamp through the bits: for x <= 0 (and -inf) the bit patterns order like the magnitudes, so
  // an unsigned min clamps at kClamp. A floating ternary here would make GCC split the loop body
  // on the (constant) clamped path, and the branch stops vectorisation.
  const T xc = std::bit_cast<T>(std::min(std::bit_cast<Bits>(x), std::bit_cast<Bits>(C::kClamp)));
  // t's low mantissa bits hold n = round(xc log2 e) as a two's complement integer.
  const T t = xc * C::kLog2e + C::kMagic;
  const T n = t - C::kMagic;
  const T r = (xc - n * C::kLn2Hi) - n * C::kLn2Lo;
  const Bits n_bits = std::bit_cast<Bits>(t) - std::bit_cast<Bits>(C::kMagic);
  // h = round(n / 2), by the same trick; unsigned arithmetic wraps, so n - h stays exact.
  const Bits h_bits = std::bit_cast<Bits>(n * T{0.5} + C::kMagic) - std::bit_cast<Bits>(C::kMagic);
  const T s1 = std::bit_cast<T>((h_bits + C::kBias) << C::kMantissa);
  const T s2 = std::bit_cast<T>((n_bits - h_bits + C::kBias) << C::kMantissa);
  return (C::poly(r) * s1) * s2;
}

}  // namespace ein::nn
