// The softmax of one row, shared by ein::softmax, log_softmax and attention.
//
// Numerically stable: exponents are taken of x - max <= 0, so nothing overflows and the sum is
// at least 1. The sum is accumulated in double for float32 rows too (rows can be long; the
// exponentials themselves stay in the row's type, where they are accurate to an ulp or two).
// Rows without a finite maximum are defined instead of producing NaN (see ein/nn.hpp).
//
// Every loop reads in[j] before writing out[j] at the same j and later passes read only `out`,
// so `in` and `out` may be the same row (attention normalises its scores in place).
#pragma once

#include <cmath>
#include <limits>

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
  if (log) {
    double sum = 0;
    for (Index j = 0; j < n; ++j) sum += static_cast<double>(std::exp(in[j * is] - st.max));
    // (x - max) - log(sum): x - max is exact near the maximum, where it matters, whereas
    // x - (max + log(sum)) would round max + log(sum) to the spacing of max (0.001 at 1e4 in
    // float32) and lose the log term's digits.
    const T lse = static_cast<T>(std::log(sum));
    for (Index j = 0; j < n; ++j) out[j * os] = (in[j * is] - st.max) - lse;
    return;
  }
  double sum = 0;
  for (Index j = 0; j < n; ++j) {
    const T e = std::exp(in[j * is] - st.max);
    out[j * os] = e;
    sum += static_cast<double>(e);
  }
  const T inv = static_cast<T>(1.0 / sum);
  for (Index j = 0; j < n; ++j) out[j * os] *= inv;
}

template <class T>
void softmax_row(const T* in, Index is, T* out, Index os, Index n, bool log) {
  RowStats<T> st;
  for (Index j = 0; j < n; ++j) st.add(in[j * is]);
  softmax_apply(in, is, out, os, n, log, st);
}

}  // namespace ein::nn
