// Test-only helpers for gemm/ tests: random operands in named layouts, problems built from
// views, and result comparison with dtype- and length-aware tolerances. Not part of the library.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ein/gemm/gemm.hpp"
#include "ein/permute/testing.hpp"

namespace ein::gemm::testing {

using testing_kernels::StridedBuffer;

enum class Layout { Contiguous, Transposed, Padded, Negative, Random };
inline const char* layout_name(Layout l) {
  switch (l) {
    case Layout::Contiguous:
      return "contiguous";
    case Layout::Transposed:
      return "transposed";
    case Layout::Padded:
      return "padded";
    case Layout::Negative:
      return "negative";
    case Layout::Random:
      return "random";
  }
  return "?";
}
inline constexpr Layout kAllLayouts[] = {Layout::Contiguous, Layout::Transposed, Layout::Padded,
                                         Layout::Negative, Layout::Random};

// An operand of shape (batch..., rows, cols) in the given layout. `source` operands may get zero
// (broadcast) strides in the Random layout.
inline StridedBuffer make_operand(DType dt, const Shape& batch, Index rows, Index cols, Layout l,
                                  std::mt19937_64& rng, bool source, bool specials = false) {
  Shape shape = batch;
  testing_kernels::LayoutOptions opt{false, false, false, false};
  if (l == Layout::Padded) opt.allow_padding = true;
  if (l == Layout::Negative) opt.allow_negative = true;
  if (l == Layout::Random) opt = {true, source, true, true};
  if (l == Layout::Transposed) {
    shape.push_back(cols);
    shape.push_back(rows);
    StridedBuffer buf = testing_kernels::random_layout(dt, shape, rng, opt, specials);
    const int r = buf.view.rank();
    buf.view = buf.view.swapaxes(r - 1, r - 2);
    return buf;
  }
  shape.push_back(rows);
  shape.push_back(cols);
  return testing_kernels::random_layout(dt, shape, rng, opt, specials);
}

// C (+)= A*B over views of shape (batch..., m, k), (batch..., k, n), (batch..., m, n).
inline GemmProblem problem_from_views(const TensorView& a, const TensorView& b, const TensorView& c,
                                      bool accumulate) {
  GemmProblem p;
  p.dtype = c.dtype();
  const int nb = c.rank() - 2;
  for (int d = 0; d < nb; ++d) {
    p.batch.push_back(
        {c.shape()[static_cast<std::size_t>(d)], a.strides()[static_cast<std::size_t>(d)],
         b.strides()[static_cast<std::size_t>(d)], c.strides()[static_cast<std::size_t>(d)]});
  }
  p.m = c.shape()[static_cast<std::size_t>(nb)];
  p.n = c.shape()[static_cast<std::size_t>(nb + 1)];
  p.k = a.shape()[static_cast<std::size_t>(nb + 1)];
  p.a = a.data();
  p.a_m_stride = a.strides()[static_cast<std::size_t>(nb)];
  p.a_k_stride = a.strides()[static_cast<std::size_t>(nb + 1)];
  p.b = b.data();
  p.b_k_stride = b.strides()[static_cast<std::size_t>(nb)];
  p.b_n_stride = b.strides()[static_cast<std::size_t>(nb + 1)];
  p.c = c.data();
  p.c_m_stride = c.strides()[static_cast<std::size_t>(nb)];
  p.c_n_stride = c.strides()[static_cast<std::size_t>(nb + 1)];
  p.accumulate = accumulate;
  return p;
}

template <class R>
bool close(R x, R y, double tol) {
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  if (std::isinf(x) || std::isinf(y)) return x == y;
  return std::abs(static_cast<double>(x) - static_cast<double>(y)) <= tol;
}

inline std::string number_string(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

template <class T>
std::string value_string(const T& v) {
  if constexpr (is_complex_v<T>) {
    return "(" + number_string(v.real()) + ", " + number_string(v.imag()) + ")";
  } else if constexpr (std::is_floating_point_v<T>) {
    return number_string(v);
  } else {
    return std::to_string(v);
  }
}

// Compares two buffers with the same layout element by element over their whole storage
// (padding included). Inexact dtypes allow an absolute error of `tol` times the largest finite
// magnitude in `want` (at least 1) per component, since rounding errors scale with the partial
// sums; other dtypes must match exactly. Returns "" or a description of the first mismatch.
inline std::string compare_buffers(const StridedBuffer& got, const StridedBuffer& want,
                                   double tol) {
  std::string err;
  visit_dtype(got.storage.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* g = static_cast<const T*>(got.storage.data());
    const T* w = static_cast<const T*>(want.storage.data());
    double scale = 1;
    if constexpr (is_complex_v<T> || std::is_floating_point_v<T>) {
      for (Index i = 0; i < want.storage.numel(); ++i) {
        const double mag = std::abs(w[i]);
        if (std::isfinite(mag)) scale = std::max(scale, mag);
      }
    }
    const double abs_tol = tol * scale;
    for (Index i = 0; i < got.storage.numel() && err.empty(); ++i) {
      bool ok = false;
      if constexpr (is_complex_v<T>) {
        ok = close(g[i].real(), w[i].real(), abs_tol) && close(g[i].imag(), w[i].imag(), abs_tol);
      } else if constexpr (std::is_floating_point_v<T>) {
        ok = close(g[i], w[i], abs_tol);
      } else {
        ok = g[i] == w[i];
      }
      if (!ok) {
        err = "storage element " + std::to_string(i) + ": got " + value_string(g[i]) + ", want " +
              value_string(w[i]) + " (tolerance " + number_string(abs_tol) + ")";
      }
    }
  });
  return err;
}

// Relative summation error for k terms (plus the accumulated C term) of values of magnitude
// <= 2: each product is <= 4 (8 for complex, which also rounds twice per product); the absolute
// bound is this times the result scale (see compare_buffers).
inline double tolerance(DType dt, Index k) {
  const double eps = real_dtype(dt) == DType::Float32 ? 1.2e-7 : 2.3e-16;
  const double term = is_complex(dt) ? 8.0 : 4.0;
  return 4.0 * eps * term * static_cast<double>(k + 2);
}

// One random problem of the given shape and layouts through run() and reference() on identical
// C buffers: "" when they agree, else the mismatch and the problem. `specials` puts NaN and
// infinities among A's and B's values.
inline std::string run_against_reference(DType dt, const Shape& batch, Index m, Index n, Index k,
                                         Layout la, Layout lb, Layout lc, bool accumulate,
                                         int threads, std::mt19937_64& rng, bool specials = false) {
  const StridedBuffer a = make_operand(dt, batch, m, k, la, rng, true, specials);
  const StridedBuffer b = make_operand(dt, batch, k, n, lb, rng, true, specials);
  const StridedBuffer c0 = make_operand(dt, batch, m, n, lc, rng, false);
  StridedBuffer fast = testing_kernels::clone_layout(c0);
  StridedBuffer slow = testing_kernels::clone_layout(c0);
  run(problem_from_views(a.view, b.view, fast.view, accumulate), threads);
  reference(problem_from_views(a.view, b.view, slow.view, accumulate));
  std::string err = compare_buffers(fast, slow, tolerance(dt, k));
  if (!err.empty()) {
    err += " (" + std::string(dtype_name(dt)) + " m=" + std::to_string(m) +
           " n=" + std::to_string(n) + " k=" + std::to_string(k) + " batch " +
           std::to_string(batch.size()) + " dims, A " + layout_name(la) + " B " + layout_name(lb) +
           " C " + layout_name(lc) + (accumulate ? ", accumulate" : "") + ", threads " +
           std::to_string(threads) + ")";
  }
  return err;
}

}  // namespace ein::gemm::testing
