// float16 / bfloat16 conversions, checked exhaustively against a slow reference: every bit
// pattern decodes to the value its fields denote, and every rounding boundary (each midpoint
// between neighbouring values, and the doubles just beside it) rounds to nearest, ties to even.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "ein/convert.hpp"
#include "ein/dtype.hpp"

namespace ein {
namespace {

struct FormatInfo {
  int exp_bits, man_bits;
  [[nodiscard]] int bias() const { return (1 << (exp_bits - 1)) - 1; }
  [[nodiscard]] std::uint32_t max_field() const { return (1U << exp_bits) - 1; }
};

// The value of a bit pattern straight from IEEE 754's definition (ldexp is exact here).
double slow_decode(std::uint16_t h, FormatInfo f) {
  const bool negative = (h & 0x8000) != 0;
  const std::uint32_t field = (h >> f.man_bits) & f.max_field();
  const std::uint32_t man = h & ((1U << f.man_bits) - 1);
  double mag;
  if (field == f.max_field()) {
    mag = man == 0 ? std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::quiet_NaN();
  } else if (field == 0) {
    mag = std::ldexp(static_cast<double>(man), 1 - f.bias() - f.man_bits);
  } else {
    mag = std::ldexp(static_cast<double>(man + (1U << f.man_bits)),
                     static_cast<int>(field) - f.bias() - f.man_bits);
  }
  return negative ? -mag : mag;
}

template <class H>
FormatInfo info_of() {
  return std::is_same_v<H, float16> ? FormatInfo{5, 10} : FormatInfo{8, 7};
}

template <class H>
class HalfTest : public ::testing::Test {};
using HalfTypes = ::testing::Types<float16, bfloat16>;
TYPED_TEST_SUITE(HalfTest, HalfTypes);

TYPED_TEST(HalfTest, EveryBitPatternDecodesToItsValue) {
  using H = TypeParam;
  const FormatInfo f = info_of<H>();
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const auto h = H::from_bits(static_cast<std::uint16_t>(b));
    const double want = slow_decode(static_cast<std::uint16_t>(b), f);
    const auto got = static_cast<double>(h);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << "bits 0x" << std::hex << b;
    } else {
      ASSERT_EQ(got, want) << "bits 0x" << std::hex << b;
      ASSERT_EQ(std::signbit(got), (b & 0x8000) != 0) << "bits 0x" << std::hex << b;
      ASSERT_EQ(static_cast<double>(static_cast<float>(h)), want);
    }
  }
}

TYPED_TEST(HalfTest, EveryBitPatternRoundTripsThroughFloatAndDouble) {
  using H = TypeParam;
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const auto h = H::from_bits(static_cast<std::uint16_t>(b));
    const H via_float(static_cast<float>(h));
    const H via_double(static_cast<double>(h));
    if (std::isnan(static_cast<float>(h))) {
      // NaN stays NaN with its sign (and becomes quiet); never infinity.
      ASSERT_TRUE(std::isnan(static_cast<float>(via_float))) << std::hex << b;
      ASSERT_TRUE(std::isnan(static_cast<float>(via_double))) << std::hex << b;
      ASSERT_EQ(via_float.bits & 0x8000, b & 0x8000);
    } else {
      ASSERT_EQ(via_float.bits, b) << "bits 0x" << std::hex << b;
      ASSERT_EQ(via_double.bits, b) << "bits 0x" << std::hex << b;
    }
  }
}

// For each pair of neighbouring non-negative values (infinity standing for the value one step
// above the largest finite one, as rounding treats it): the midpoint goes to the one with an
// even mantissa, and the doubles (and floats) beside it to the nearer one; negated likewise.
TYPED_TEST(HalfTest, EveryMidpointRoundsToNearestEven) {
  using H = TypeParam;
  const FormatInfo f = info_of<H>();
  const auto inf_bits = static_cast<std::uint16_t>(f.max_field() << f.man_bits);
  for (std::uint16_t lo = 0; lo < inf_bits; ++lo) {
    const auto hi = static_cast<std::uint16_t>(lo + 1);
    const double a = slow_decode(lo, f);
    // Past the largest finite value the next step is 2^(emax+1), which rounds to infinity.
    const double b = hi == inf_bits ? std::ldexp(1.0, f.bias() + 1) : slow_decode(hi, f);
    const double mid = (a + b) / 2;  // exact: a few more bits than the format has
    const std::uint16_t even = (lo & 1) == 0 ? lo : hi;
    const double below = std::nextafter(mid, a), above = std::nextafter(mid, b);
    for (const double sign : {1.0, -1.0}) {
      const std::uint16_t s = sign < 0 ? 0x8000 : 0;
      ASSERT_EQ(H(sign * mid).bits, s | even) << "midpoint of 0x" << std::hex << lo;
      ASSERT_EQ(H(sign * below).bits, s | lo) << "below the midpoint of 0x" << std::hex << lo;
      ASSERT_EQ(H(sign * above).bits, s | hi) << "above the midpoint of 0x" << std::hex << lo;
      const auto midf = static_cast<float>(sign * mid);
      ASSERT_EQ(static_cast<double>(midf), sign * mid);  // float holds the midpoints exactly
      ASSERT_EQ(H(midf).bits, s | even);
      ASSERT_EQ(H(std::nextafter(midf, 0.0F)).bits, s | lo);
      ASSERT_EQ(H(std::nextafter(midf, sign * std::numeric_limits<float>::infinity())).bits,
                s | hi);
    }
  }
}

// The nearest value by search over the sorted table of non-negative values (ties to even).
template <class H>
std::uint16_t slow_round(double x) {
  const FormatInfo f = info_of<H>();
  const auto inf_bits = static_cast<std::uint16_t>(f.max_field() << f.man_bits);
  const std::uint16_t s = std::signbit(x) ? 0x8000 : 0;
  const double m = std::fabs(x);
  // Binary search on the bits: non-negative values increase with their bit pattern.
  std::uint16_t lo = 0, hi = inf_bits;
  while (hi - lo > 1) {
    const auto mid = static_cast<std::uint16_t>((lo + hi) / 2);
    (slow_decode(mid, f) <= m ? lo : hi) = mid;
  }
  const double a = slow_decode(lo, f);
  const double b = hi == inf_bits ? std::ldexp(1.0, f.bias() + 1) : slow_decode(hi, f);
  if (m >= b) return s | hi;
  const long double da = static_cast<long double>(m) - a, db = b - static_cast<long double>(m);
  if (da < db) return s | lo;
  if (db < da) return s | hi;
  return s | ((lo & 1) == 0 ? lo : hi);
}

TYPED_TEST(HalfTest, RandomFloatsAndIntegersRoundLikeTheReference) {
  using H = TypeParam;
  constexpr std::uint64_t kSeed = 20261122;
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 200000; ++i) {
    // Random bit patterns cover every binade, subnormals and the overflow range.
    const auto bits = static_cast<std::uint32_t>(rng());
    const auto x = std::bit_cast<float>(bits);
    if (std::isnan(x)) continue;
    ASSERT_EQ(H(x).bits, slow_round<H>(x))
        << "float bits 0x" << std::hex << bits << " (seed " << std::dec << kSeed << ")";
  }
  for (std::int64_t v = -70000; v <= 70000; ++v) {
    ASSERT_EQ(H(v).bits, slow_round<H>(static_cast<double>(v))) << "integer " << v;
  }
  EXPECT_EQ(H(std::numeric_limits<std::int64_t>::min()).bits,
            slow_round<H>(-9223372036854775808.0));
}

TEST(HalfConversion, IntegersRoundOnceNotTwice) {
  // 2^60 + 2^52 + 1 lies just above the midpoint between two bfloat16 values; through double
  // it would first round to the midpoint itself and then to even (down).
  const std::int64_t v = (std::int64_t{1} << 60) + (std::int64_t{1} << 52) + 1;
  EXPECT_EQ(bfloat16(v).bits, 0x5D81);
  EXPECT_EQ(bfloat16(static_cast<double>(v)).bits, 0x5D80);
  EXPECT_EQ(float16(65519).bits, 0x7BFF);  // 65504, NumPy's float16 maximum
  EXPECT_EQ(float16(65520).bits, 0x7C00);  // a tie with 65536: even, which overflows
  EXPECT_EQ(float16(-65520).bits, 0xFC00);
  EXPECT_EQ(float16(true).bits, 0x3C00);
  EXPECT_EQ(bfloat16(std::uint8_t{255}).bits, 0x437F);
}

TEST(HalfConversion, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(float16(inf).bits, 0x7C00);
  EXPECT_EQ(float16(-inf).bits, 0xFC00);
  EXPECT_EQ(bfloat16(inf).bits, 0x7F80);
  EXPECT_EQ(float16(-0.0).bits, 0x8000);
  EXPECT_EQ(bfloat16(-0.0F).bits, 0x8000);
  EXPECT_EQ(float16(std::ldexp(1.0, -25)).bits, 0x0000);  // tie between 0 and 2^-24: even
  EXPECT_EQ(float16(std::nextafter(std::ldexp(1.0, -25), 1.0)).bits, 0x0001);
  EXPECT_EQ(float16(-std::ldexp(1.0, -26)).bits, 0x8000);  // underflow keeps the sign
  EXPECT_EQ(float16(std::numeric_limits<double>::denorm_min()).bits, 0x0000);
  EXPECT_EQ(bfloat16(std::numeric_limits<float>::denorm_min()).bits, 0x0000);  // underflow
  EXPECT_EQ(bfloat16(std::numeric_limits<float>::max()).bits, 0x7F80);         // rounds up
  // A signalling NaN whose payload lies below the kept bits must not become infinity.
  const auto snan = std::bit_cast<float>(0x7F800001U);
  EXPECT_TRUE(std::isnan(static_cast<float>(float16(snan))));
  EXPECT_TRUE(std::isnan(static_cast<float>(bfloat16(snan))));
  EXPECT_EQ(float16(-std::numeric_limits<double>::quiet_NaN()).bits & 0x8000, 0x8000);
  EXPECT_TRUE(float16(0.0) == float16(-0.0));
  EXPECT_FALSE(float16(std::nan("")) == float16(std::nan("")));
}

TEST(HalfConversion, ConvertValueFollowsNumPy) {
  // NumPy 2.x on x86: a float goes to narrow integers through int32 (NaN and out-of-range give
  // INT32_MIN), then wraps modulo 2^8 / 2^16.
  const double in[] = {-1.0, 300.0, std::nan(""), 1e10, -129.7, 255.9, 70000.0, -40000.0, 3e9};
  const int i8[] = {-1, 44, 0, 0, 127, -1, 112, -64, 0};
  const int u8[] = {255, 44, 0, 0, 127, 255, 112, 192, 0};
  const int i16[] = {-1, 300, 0, 0, -129, 255, 4464, 25536, 0};
  for (std::size_t k = 0; k < std::size(in); ++k) {
    EXPECT_EQ(convert_value<std::int8_t>(in[k]), i8[k]) << in[k];
    EXPECT_EQ(convert_value<std::uint8_t>(in[k]), u8[k]) << in[k];
    EXPECT_EQ(convert_value<std::int16_t>(in[k]), i16[k]) << in[k];
    EXPECT_EQ(convert_value<std::int8_t>(static_cast<float>(in[k])), i8[k]) << in[k];
  }
  EXPECT_EQ(convert_value<std::uint8_t>(float16(70000.0)), 0);  // inf -> INT32_MIN -> 0
  EXPECT_EQ(convert_value<std::int8_t>(std::int32_t{200}), -56);
  EXPECT_EQ(convert_value<std::int16_t>(std::int64_t{70000}), 4464);
  EXPECT_EQ(convert_value<float16>(complex64(1.5F, 2.0F)).bits, 0x3E00);  // the real part
  EXPECT_EQ(convert_value<complex128>(bfloat16(2.0)), complex128(2.0, 0.0));
  EXPECT_EQ(convert_value<bool>(float16(-0.0)), false);
  EXPECT_EQ(convert_value<bool>(bfloat16(std::nan(""))), true);
  EXPECT_EQ(convert_value<std::int32_t>(float16(-2.5)), -2);  // truncation
  EXPECT_EQ(convert_value<bfloat16>(float16(65504.0)).bits, bfloat16(65504.0).bits);
}

}  // namespace
}  // namespace ein
