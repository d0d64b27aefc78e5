// float16 (IEEE 754 binary16, NumPy's float16) and bfloat16 (the top half of a float32, as in
// ml_dtypes and PyTorch): 16-bit storage types.
//
// ein never computes in these types: einsum converts them to float32 (or the accumulator dtype
// asked for) and rounds the result back once. The conversions here are exact where the value is
// representable and round to nearest, ties to even, everywhere else; overflow gives +-inf, NaN
// stays NaN (payload bits kept where they fit, always quiet on narrowing). No floating-point
// environment is consulted and nothing here is undefined for any input.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ein {

namespace half_detail {

// A binary floating-point format of 16 bits: 1 sign bit, E exponent bits, M mantissa bits.
template <int E, int M>
struct Format {
  static_assert(1 + E + M == 16);
  static constexpr int kM = M;
  static constexpr int kBias = (1 << (E - 1)) - 1;
  static constexpr int kMinExp = 1 - kBias;  // exponent of the smallest normal number
  static constexpr std::uint16_t kExpMask = static_cast<std::uint16_t>(((1 << E) - 1) << M);
  static constexpr std::uint16_t kManMask = static_cast<std::uint16_t>((1 << M) - 1);
  static constexpr std::uint16_t kInf = kExpMask;
  static constexpr std::uint16_t kQuietBit = static_cast<std::uint16_t>(1 << (M - 1));
};

// x / 2^shift rounded to nearest, ties to even (shift >= 0; any shift, even >= 64).
constexpr std::uint64_t round_shift(std::uint64_t x, int shift) noexcept {
  if (shift == 0) return x;
  if (shift > 64) return 0;  // x < 2^64 <= 2^(shift-1): below half of one unit
  if (shift == 64) return x > (std::uint64_t{1} << 63) ? 1 : 0;  // exactly half rounds to 0
  const std::uint64_t q = x >> shift;
  const std::uint64_t rem = x & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t half = std::uint64_t{1} << (shift - 1);
  return (rem > half || (rem == half && (q & 1) != 0)) ? q + 1 : q;
}

// The format's bits for (-1)^negative * sig * 2^exp2, rounded to nearest even (sig > 0).
template <class F>
constexpr std::uint16_t encode(bool negative, std::uint64_t sig, int exp2) noexcept {
  constexpr int M = F::kM;
  const auto sign = static_cast<std::uint16_t>(negative ? 0x8000 : 0);
  const int top = std::bit_width(sig) - 1;  // value in [2^(top+exp2), 2^(top+exp2+1))
  int e = top + exp2;
  std::uint64_t q = 0;
  if (e >= F::kMinExp) {
    // Normal: keep M+1 significant bits. Rounding may carry into the next binade.
    const int shift = top - M;
    q = shift >= 0 ? round_shift(sig, shift) : sig << -shift;
    if (q == (std::uint64_t{1} << (M + 1))) {
      q >>= 1;
      ++e;
    }
    if (e > F::kBias) return static_cast<std::uint16_t>(sign | F::kInf);
    const auto biased = static_cast<std::uint64_t>(e + F::kBias);
    return static_cast<std::uint16_t>(sign | (biased << M) | (q & F::kManMask));
  }
  // Subnormal: units of 2^(kMinExp - M). A result of 2^M is the smallest normal's encoding.
  const int shift = (F::kMinExp - M) - exp2;  // > 0 here, since e < kMinExp
  q = round_shift(sig, shift);
  return static_cast<std::uint16_t>(sign | q);
}

template <class F>
constexpr std::uint16_t from_double(double v) noexcept {
  constexpr int M = F::kM;
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const bool negative = (bits >> 63) != 0;
  const auto sign = static_cast<std::uint16_t>(negative ? 0x8000 : 0);
  const std::uint64_t exp_field = (bits >> 52) & 0x7ff;
  const std::uint64_t man = bits & ((std::uint64_t{1} << 52) - 1);
  if (exp_field == 0x7ff) {
    if (man == 0) return static_cast<std::uint16_t>(sign | F::kInf);
    // NaN: keep the top payload bits, force the quiet bit (never collapses to inf).
    return static_cast<std::uint16_t>(sign | F::kInf | F::kQuietBit | (man >> (52 - M)));
  }
  if (exp_field == 0) {
    if (man == 0) return sign;               // +-0
    return encode<F>(negative, man, -1074);  // a double subnormal
  }
  return encode<F>(negative, man | (std::uint64_t{1} << 52), static_cast<int>(exp_field) - 1075);
}

template <class F>
constexpr std::uint16_t from_int(std::int64_t v) noexcept {
  if (v == 0) return 0;
  const bool negative = v < 0;
  // |v| in unsigned arithmetic: well defined for INT64_MIN too.
  const std::uint64_t mag =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return encode<F>(negative, mag, 0);
}

// Exact: every float16 and bfloat16 value is a float32 value.
template <class F>
constexpr float to_float(std::uint16_t h) noexcept {
  constexpr int M = F::kM;
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16;
  const std::uint32_t exp_field = (h & F::kExpMask) >> M;
  const std::uint32_t man = h & F::kManMask;
  constexpr std::uint32_t kMaxField = F::kExpMask >> M;
  if (exp_field == kMaxField) {
    return std::bit_cast<float>(sign | 0x7f800000U | (man << (23 - M)));  // inf or NaN
  }
  if (exp_field == 0) {
    // Zero or subnormal: man * 2^kMinExp * 2^-M. Both factors are powers of two and every
    // product is a float (bfloat16's subnormals are float subnormals), so this is exact.
    const float min_normal =
        std::bit_cast<float>(static_cast<std::uint32_t>(127 + F::kMinExp) << 23);
    const float mag = static_cast<float>(man) * min_normal * (1.0F / static_cast<float>(1 << M));
    return sign != 0 ? -mag : mag;
  }
  const std::uint32_t biased = exp_field - static_cast<std::uint32_t>(F::kBias) + 127;
  return std::bit_cast<float>(sign | (biased << 23) | (man << (23 - M)));
}

using Binary16 = Format<5, 10>;
using BFloat16Format = Format<8, 7>;

}  // namespace half_detail

// A 16-bit floating-point storage type. Construct from bits with from_bits(); convert with
// explicit casts (float/double exact; from double, float and integers correctly rounded).
template <class F>
struct basic_half {
  std::uint16_t bits = 0;

  constexpr basic_half() = default;
  static constexpr basic_half from_bits(std::uint16_t b) noexcept {
    basic_half h;
    h.bits = b;
    return h;
  }
  constexpr explicit basic_half(double v) noexcept : bits(half_detail::from_double<F>(v)) {}
  constexpr explicit basic_half(float v) noexcept
      : bits(half_detail::from_double<F>(static_cast<double>(v))) {}
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  constexpr explicit basic_half(I v) noexcept : bits(0) {
    if constexpr (std::is_same_v<I, bool>) {
      bits = v ? half_detail::from_int<F>(1) : 0;
    } else if constexpr (std::is_unsigned_v<I> && sizeof(I) == 8) {
      // Above INT64_MAX: halve (keeping the sticky bit) so the rounding stays exact.
      if (v > static_cast<I>(std::numeric_limits<std::int64_t>::max())) {
        bits = half_detail::encode<F>(false, (v >> 1) | (v & 1), 1);
      } else {
        bits = half_detail::from_int<F>(static_cast<std::int64_t>(v));
      }
    } else {
      bits = half_detail::from_int<F>(static_cast<std::int64_t>(v));
    }
  }

  constexpr explicit operator float() const noexcept { return half_detail::to_float<F>(bits); }
  constexpr explicit operator double() const noexcept {
    return static_cast<double>(half_detail::to_float<F>(bits));
  }
  // Compares values (so +0 == -0, NaN != NaN), as the arithmetic types do.
  friend constexpr bool operator==(basic_half a, basic_half b) noexcept {
    return static_cast<float>(a) == static_cast<float>(b);
  }
};

using float16 = basic_half<half_detail::Binary16>;
using bfloat16 = basic_half<half_detail::BFloat16Format>;

template <class T>
inline constexpr bool is_half_v = std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>;

}  // namespace ein
