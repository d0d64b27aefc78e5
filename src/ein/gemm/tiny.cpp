#include "ein/gemm/tiny.hpp"

#include <algorithm>
#include <utility>

#include "ein/gemm/cpu.hpp"
#include "ein/gemm/loops.hpp"
#include "ein/support/parallel.hpp"

#if EIN_GEMM_AVX2_DISPATCH
#include <immintrin.h>
#endif

namespace ein::gemm::detail {

namespace {

template <class T>
constexpr Index lanes() {
  return Index{64 / sizeof(T)};
}

#if EIN_GEMM_AVX2_DISPATCH

// One AVX-512 vector of T with the operations the kernel needs (masked to the row's n lanes).
template <class T>
struct Vec;

template <>
struct Vec<float> {
  using V = __m512;
  using Mask = __mmask16;
  EIN_AVX512_KERNEL static Mask mask(Index n) { return static_cast<Mask>((1U << n) - 1U); }
  EIN_AVX512_KERNEL static V zero() { return _mm512_setzero_ps(); }
  EIN_AVX512_KERNEL static V load(Mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  EIN_AVX512_KERNEL static V splat(float x) { return _mm512_set1_ps(x); }
  EIN_AVX512_KERNEL static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  EIN_AVX512_KERNEL static V add(V a, V b) { return _mm512_add_ps(a, b); }
  EIN_AVX512_KERNEL static void store(Mask m, float* p, V v) { _mm512_mask_storeu_ps(p, m, v); }
};

template <>
struct Vec<double> {
  using V = __m512d;
  using Mask = __mmask8;
  EIN_AVX512_KERNEL static Mask mask(Index n) { return static_cast<Mask>((1U << n) - 1U); }
  EIN_AVX512_KERNEL static V zero() { return _mm512_setzero_pd(); }
  EIN_AVX512_KERNEL static V load(Mask m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  EIN_AVX512_KERNEL static V splat(double x) { return _mm512_set1_pd(x); }
  EIN_AVX512_KERNEL static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  EIN_AVX512_KERNEL static V add(V a, V b) { return _mm512_add_pd(a, b); }
  EIN_AVX512_KERNEL static void store(Mask m, double* p, V v) { _mm512_mask_storeu_pd(p, m, v); }
};

// R rows of C starting at row i: R accumulators, each row's sum over k in order (so results do
// not depend on how items are split across threads). C is read only when accumulating: without
// accumulation it may hold anything.
template <class T, int R>
EIN_AVX512_KERNEL inline void rows(const Canonical& c, const T* a, const T* b, T* out,
                                   typename Vec<T>::Mask mask, bool accumulate) {
  using W = Vec<T>;
  typename W::V acc[R];
  for (int r = 0; r < R; ++r) acc[r] = W::zero();
  for (Index kk = 0; kk < c.k; ++kk) {
    const typename W::V bv = W::load(mask, b + kk * c.b_k);
    for (int r = 0; r < R; ++r) acc[r] = W::fma(W::splat(a[r * c.a_m + kk * c.a_k]), bv, acc[r]);
  }
  for (int r = 0; r < R; ++r) {
    T* row = out + r * c.c_m;
    W::store(mask, row, accumulate ? W::add(W::load(mask, row), acc[r]) : acc[r]);
  }
}

// One item.
template <class T>
EIN_AVX512_KERNEL inline void item_avx512(const Canonical& c, const T* a, const T* b, T* out,
                                          bool accumulate, typename Vec<T>::Mask mask) {
  Index i = 0;
  // Four rows at a time: four independent FMA chains hide the FMA latency, and each row of B
  // is loaded once per four rows of C.
  for (; i + 4 <= c.m; i += 4) rows<T, 4>(c, a + i * c.a_m, b, out + i * c.c_m, mask, accumulate);
  for (; i < c.m; ++i) rows<T, 1>(c, a + i * c.a_m, b, out + i * c.c_m, mask, accumulate);
}

// Items [lo, hi) of the batch.
template <class T>
EIN_AVX512_KERNEL void items_avx512(const Canonical& c, const T* a, const T* b, T* out,
                                    bool accumulate, Index lo, Index hi) {
  const typename Vec<T>::Mask mask = Vec<T>::mask(c.n);
  if (c.batch.rank == 0) {  // a single product: no batch cursor to set up
    item_avx512<T>(c, a, b, out, accumulate, mask);
    return;
  }
  Cursor cur(c.batch);
  cur.seek(lo);
  for (Index item = lo; item < hi; ++item, cur.next()) {
    item_avx512<T>(c, a + cur.a(), b + cur.b(), out + cur.c(), accumulate, mask);
  }
}

#endif  // EIN_GEMM_AVX2_DISPATCH

template <class T>
void run_typed(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads) {
#if EIN_GEMM_AVX2_DISPATCH
  const Index items = c.batch.count;
  const Index work = std::max<Index>(1, sat_mul(sat_mul(c.m, c.n), c.k));
  auto range = [&](Index lo, Index hi) { items_avx512<T>(c, a, b, out, accumulate, lo, hi); };
  if (threads == 1 || items < 2 || sat_mul(items, work) < kSerialWork) {
    range(0, items);
    return;
  }
  support::parallel_for(items, threads, range, std::max<Index>(1, kSerialWork / work));
#else
  (void)c, (void)a, (void)b, (void)out, (void)accumulate, (void)threads;
  fail("tiny kernel without AVX-512 support");
#endif
}

// The shape test on the fields of either orientation (no copy of the batch dims).
bool fits(DType dtype, Index m, Index n, Index k, Index b_n, Index c_n) noexcept {
  if (dtype != DType::Float32 && dtype != DType::Float64) return false;
  const Index width = dtype == DType::Float32 ? lanes<float>() : lanes<double>();
  return n >= 2 && n <= width && m >= 1 && m <= kTinyMaxMK && k >= 2 && k <= kTinyMaxMK &&
         b_n == 1 && c_n == 1;
}

}  // namespace

bool tiny_fits(const Canonical& c, DType dtype) noexcept {
  return fits(dtype, c.m, c.n, c.k, c.b_n, c.c_n);
}

bool tiny_takes(const Canonical& c, DType dtype) noexcept {
  if (c.empty) return false;
  // Transposed: m and n swap, the new B is old A^T (its n stride is old A's m stride).
  return tiny_fits(c, dtype) || fits(dtype, c.n, c.m, c.k, c.a_m, c.c_m);
}

bool tiny_applies(const Canonical& c, DType dtype) noexcept {
  return use_avx512() && tiny_takes(c, dtype);
}

void tiny_run(const Canonical& c, DType dtype, const void* a, const void* b, void* out,
              bool accumulate, int threads) {
  auto go = [&](const Canonical& p, const void* pa, const void* pb) {
    if (dtype == DType::Float32) {
      run_typed(p, static_cast<const float*>(pa), static_cast<const float*>(pb),
                static_cast<float*>(out), accumulate, threads);
    } else {
      run_typed(p, static_cast<const double*>(pa), static_cast<const double*>(pb),
                static_cast<double*>(out), accumulate, threads);
    }
  };
  if (tiny_fits(c, dtype)) {
    go(c, a, b);
    return;
  }
  Canonical t = c;  // C^T = B^T A^T: B's data plays A's role
  t.transpose();
  go(t, b, a);
}

}  // namespace ein::gemm::detail
