// The semirings' scalar operations, shared by the kernels (gemm.cpp, reduce.cpp) and the tests.
//
// add() is a plain comparison, which compiles to maxps/minps (and their double and AVX2 forms).
// kTimes and kMax spell the same operations for the vector kernel (gemm.cpp), which applies them
// to whole SIMD vectors inline (a function taking 32-byte vectors would change the ABI). NaN inputs
// give unspecified (but defined, never UB) results, as max/min instructions do; docs/semirings.md
// says so.
#pragma once

#include <cmath>
#include <limits>

#include "ein/options.hpp"

namespace ein::semiring::detail {

template <class T>
inline constexpr T kInf = std::numeric_limits<T>::infinity();

template <class T>
struct MaxPlusOp {
  static constexpr T zero() { return -kInf<T>; }
  static constexpr bool kTimes = false, kMax = true;
  static T mul(T a, T b) { return a + b; }
  static T add(T x, T y) { return y > x ? y : x; }
};

template <class T>
struct MinPlusOp {
  static constexpr T zero() { return kInf<T>; }
  static constexpr bool kTimes = false, kMax = false;
  static T mul(T a, T b) { return a + b; }
  static T add(T x, T y) { return y < x ? y : x; }
};

template <class T>
struct MaxTimesOp {
  static constexpr T zero() { return T{0}; }
  static constexpr bool kTimes = true, kMax = true;
  static T mul(T a, T b) { return a * b; }
  static T add(T x, T y) { return y > x ? y : x; }
};

// log(exp(x) + exp(y)) without overflow: max + log1p(exp(min - max)); -inf (+) -inf = -inf and
// +inf (+) anything = +inf (the argument of exp would be NaN there).
template <class T>
struct LogSumExpOp {
  static constexpr T zero() { return -kInf<T>; }
  static T mul(T a, T b) { return a + b; }
  static T add(T x, T y) {
    const T hi = y > x ? y : x;
    const T lo = y > x ? x : y;
    if (!std::isfinite(hi)) return hi;  // -inf: both are; +inf wins; NaN stays NaN
    return hi + std::log1p(std::exp(lo - hi));
  }
};

// Calls f(Op{}) with the op struct of semiring `s` for element type T (s != Standard).
template <class T, class F>
decltype(auto) with_op(Semiring s, F&& f) {
  switch (s) {
    case Semiring::MaxPlus:
      return f(MaxPlusOp<T>{});
    case Semiring::MinPlus:
      return f(MinPlusOp<T>{});
    case Semiring::LogSumExp:
      return f(LogSumExpOp<T>{});
    case Semiring::MaxTimes:
    case Semiring::Standard:
      break;
  }
  return f(MaxTimesOp<T>{});
}

}  // namespace ein::semiring::detail
