// The softmax of one row, shared by ein::softmax, log_softmax and attention.
//
// Numerically stable: exponents are taken of x - max <= 0, so nothing overflows and the sum is
// at least 1. The exponentials are exp_nonpositive (fast_exp.hpp: vectorisable, within an ulp
// of std::exp) in the row's type; the sum is accumulated in double for float32 rows too.
// Rows without a finite maximum are defined instead of producing NaN (see ein/nn.hpp).
//
// Every loop reads in[j] before writing out[j] at the same j and later passes read only `out`,
// so `in` and `out` may be the same row (attention normalises its scores in place).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ein/nn/fast_exp.hpp"
#include "ein/tensor.hpp"

namespace ein::nn {

// What a first pass over a row learns: its maximum and whether it holds a NaN.
template <class T>
struct RowStats {
  T max = -std::numeric_limits<T>::infinity();
  bool nan = false;
  void add(T v) {
    if (std::isnan(v)) nan = true;
    if (v > max) max = v;
  }
};

// A signed integer key that orders like the float (-NaN < -inf < ... < +inf < +NaN): flipping the
// magnitude bits of negative numbers. The map is its own inverse. Integer max/min reductions
// vectorise where floating ones (with NaN semantics) do not.
template <class T>
using KeyOf = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
template <class T>
inline KeyOf<T> order_key(T v) {
  using K = KeyOf<T>;
  const K i = std::bit_cast<K>(v);
  return i ^ ((i >> (8 * sizeof(K) - 1)) & std::numeric_limits<K>::max());
}
template <class T>
inline T from_order_key(KeyOf<T> k) {
  return std::bit_cast<T>(k ^ ((k >> (8 * sizeof(k) - 1)) & std::numeric_limits<KeyOf<T>>::max()));
}

// RowStats of a contiguous row in one vectorisable pass.
template <class T>
RowStats<T> contiguous_stats(const T* x, Index n) {
  using K = KeyOf<T>;
  constexpr T kInf = std::numeric_limits<T>::infinity();
  K hi = std::numeric_limits<K>::min(), lo = std::numeric_limits<K>::max();
  for (Index j = 0; j < n; ++j) {
    const K k = order_key(x[j]);
    hi = std::max(hi, k);
    lo = std::min(lo, k);
  }
  RowStats<T> st;
  if (n == 0) return st;
  st.nan = hi > order_key(kInf) || lo < order_key(-kInf);
  st.max = from_order_key<T>(hi);
  return st;
}

// out[j] = exp(in[j] - max) for a contiguous row with a finite maximum (out may be null: the
// sum only); returns the sum in double. Eight independent partial sums let the loop vectorise;
// their order is fixed, so the result does not depend on anything but the row.
template <class T>
double exp_shifted(const T* in, T* out, Index n, T max) {
  if (out == nullptr) {
    constexpr int kLanes = 8;
    double lanes[kLanes] = {};
    Index j = 0;
    for (; j + kLanes <= n; j += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        lanes[l] += static_cast<double>(exp_nonpositive(in[j + l] - max));
      }
    }
    double sum = 0;
    for (double v : lanes) sum += v;
    for (; j < n; ++j) sum += static_cast<double>(exp_nonpositive(in[j] - max));
    return sum;
  }
  constexpr int kLanes = 8;
  double lanes[kLanes] = {};
  Index j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      const T e = exp_nonpositive(in[j + l] - max);
      out[j + l] = e;
      lanes[l] += static_cast<double>(e);
    }
  }
  double sum = 0;
  for (double v : lanes) sum += v;
  for (; j < n; ++j) {
    const T e = exp_nonpositive(in[j] - max);
    out[j] = e;
    sum += static_cast<double>(e);
  }
  return sum;
}

// softmax (log = false) or log-softmax (log = true) of a row whose statistics are known.
template <class T>
void softmax_apply(const T* in, Index is, T* out, Index os, Index n, bool log,
                   const RowStats<T>& st) {
  constexpr T kInf = std::numeric_limits<T>::infinity();
  if (st.nan) {
    for (Index j = 0; j < n; ++j) out[j * os] = std::numeric_limits<T>::quiet_NaN();
    return;
  }
  if (st.max == -kInf || st.max == kInf) {
    // No finite maximum. All -inf: nothing to weigh (softmax 0, log-softmax -inf). Some +inf:
    // the limit, where the +inf entries share the weight equally.
    Index count = 0;
    for (Index j = 0; j < n; ++j) count += in[j * is] == kInf ? 1 : 0;
    const T hit = count == 0 ? T{0} : T{1} / static_cast<T>(count);
    for (Index j = 0; j < n; ++j) {
      const bool is_hit = in[j * is] == kInf;
      out[j * os] = log ? (is_hit ? std::log(hit) : -kInf) : (is_hit ? hit : T{0});
    }
    return;
  }
  if (is == 1 && os == 1) {
    // The contiguous case (attention, softmax over the last axis): vectorised passes.
    // log-softmax must not store the exponentials: out may be the input row.
    const double sum = exp_shifted(in, log ? nullptr : out, n, st.max);
    if (log) {
      const T lse = static_cast<T>(std::log(sum));
      for (Index j = 0; j < n; ++j) out[j] = (in[j] - st.max) - lse;
    } else {
      const T inv = static_cast<T>(1.0 / sum);
      for (Index j = 0; j < n; ++j) out[j] *= inv;
    }
    return;
  }
  if (log) {
    double sum = 0;
    for (Index j = 0; j < n; ++j) {
      sum += static_cast<double>(exp_nonpositive(in[j * is] - st.max));
    }
    // (x - max) - log(sum): x - max is exact near the maximum, where it matters, whereas
    // x - (max + log(sum)) would round max + log(sum) to the spacing of max (0.001 at 1e4 in
    // float32) and lose the log term's digits.
    const T lse = static_cast<T>(std::log(sum));
    for (Index j = 0; j < n; ++j) out[j * os] = (in[j * is] - st.max) - lse;
    return;
  }
  double sum = 0;
  for (Index j = 0; j < n; ++j) {
    const T e = exp_nonpositive(in[j * is] - st.max);
    out[j * os] = e;
    sum += static_cast<double>(e);
  }
  const T inv = static_cast<T>(1.0 / sum);
  for (Index j = 0; j < n; ++j) out[j * os] *= inv;
}

template <class T>
void softmax_row(const T* in, Index is, T* out, Index os, Index n, bool log) {
  RowStats<T> st;
  if (is == 1) {
    st = contiguous_stats(in, n);
  } else {
    for (Index j = 0; j < n; ++j) st.add(in[j * is]);
  }
  softmax_apply(in, is, out, os, n, log, st);
}

}  // namespace ein::nn
