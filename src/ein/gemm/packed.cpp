#include "ein/gemm/packed.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "ein/gemm/cpu.hpp"
#include "ein/support/fault_injection.hpp"
#include "ein/support/parallel.hpp"

#if EIN_GEMM_AVX2_DISPATCH
#include <immintrin.h>
#endif

namespace ein::gemm::detail {

namespace {

std::atomic<PackedRoute> g_route{PackedRoute::Auto};

// Blocking. NR = 14 columns and MR = two vectors of rows fill 28 accumulators. KC = 256 keeps a
// B sliver (KC x NR: 28 KiB in float64) in the 48 KiB L1 while A slivers stream from L2; an A
// block (MC x KC: 384 KiB in float64) stays in the 2 MiB L2; a B panel (KC x NC: 4 MiB in
// float64) lives in L3.
constexpr Index kNR = 14;
constexpr Index kKC = 384;
constexpr Index kMC = 192;   // a multiple of MR for both dtypes (16, 32)
constexpr Index kNC = 2016;  // a multiple of NR

template <class T>
constexpr Index lanes() {
  return Index{64 / sizeof(T)};
}
template <class T>
constexpr Index mr() {
  return 2 * lanes<T>();
}

// Per-thread packing scratch, grown once and reused (compiled runs must not allocate).
struct Scratch {
  void* data = nullptr;
  std::size_t bytes = 0;
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(data); }
};
thread_local Scratch t_scratch;

void* scratch(std::size_t bytes) {
  if (t_scratch.bytes >= bytes) return t_scratch.data;
  const std::size_t rounded = (bytes + 63) / 64 * 64;
  void* p = support::should_fail_allocation() ? nullptr : std::aligned_alloc(64, rounded);
  if (p == nullptr) {
    throw Error(ErrorCode::OutOfMemory, "gemm: unable to allocate " + std::to_string(rounded) +
                                            " bytes of packing buffers");
  }
  std::free(t_scratch.data);
  t_scratch.data = p;
  t_scratch.bytes = rounded;
  return p;
}

// A[mc x kc] (element (i, k) at i * a_m + k * a_k) as MR-row slivers, each k-major (MR
// consecutive elements per k), rows past mc zero.
template <class T>
void pack_a(const T* a, Index a_m, Index a_k, Index mc, Index kc, T* dst) {
  constexpr Index MR = mr<T>();
  for (Index i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
    const Index rows = std::min(MR, mc - i0);
    const T* src = a + i0 * a_m;
    if (rows == MR && a_m == 1) {
      for (Index k = 0; k < kc; ++k) std::memcpy(dst + k * MR, src + k * a_k, MR * sizeof(T));
      continue;
    }
    for (Index i = 0; i < MR; ++i) {
      if (i >= rows) {
        for (Index k = 0; k < kc; ++k) dst[k * MR + i] = T{0};
        continue;
      }
      const T* row = src + i * a_m;  // one pass along the row: sequential when a_k == 1
      for (Index k = 0; k < kc; ++k) dst[k * MR + i] = row[k * a_k];
    }
  }
}

// B[kc x nc] (element (k, j) at k * b_k + j * b_n) as NR-column slivers, each k-major.
template <class T>
void pack_b(const T* b, Index b_k, Index b_n, Index kc, Index nc, T* dst) {
  for (Index j0 = 0; j0 < nc; j0 += kNR, dst += kNR * kc) {
    const Index cols = std::min(kNR, nc - j0);
    const T* src = b + j0 * b_n;
    if (cols == kNR && b_n == 1) {
      for (Index k = 0; k < kc; ++k) std::memcpy(dst + k * kNR, src + k * b_k, kNR * sizeof(T));
      continue;
    }
    for (Index j = 0; j < kNR; ++j) {
      if (j >= cols) {
        for (Index k = 0; k < kc; ++k) dst[k * kNR + j] = T{0};
        continue;
      }
      const T* col = src + j * b_n;
      for (Index k = 0; k < kc; ++k) dst[k * kNR + j] = col[k * b_k];
    }
  }
}

#if EIN_GEMM_AVX2_DISPATCH

template <class T>
struct Zmm;

template <>
struct Zmm<double> {
  using V = __m512d;
  EIN_AVX512_KERNEL static V zero() { return _mm512_setzero_pd(); }
  EIN_AVX512_KERNEL static V load(const double* p) { return _mm512_load_pd(p); }
  EIN_AVX512_KERNEL static V loadu(const double* p) { return _mm512_loadu_pd(p); }
  EIN_AVX512_KERNEL static V splat(const double* p) { return _mm512_set1_pd(*p); }
  EIN_AVX512_KERNEL static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  EIN_AVX512_KERNEL static V add(V a, V b) { return _mm512_add_pd(a, b); }
  EIN_AVX512_KERNEL static void storeu(double* p, V v) { _mm512_storeu_pd(p, v); }
};

template <>
struct Zmm<float> {
  using V = __m512;
  EIN_AVX512_KERNEL static V zero() { return _mm512_setzero_ps(); }
  EIN_AVX512_KERNEL static V load(const float* p) { return _mm512_load_ps(p); }
  EIN_AVX512_KERNEL static V loadu(const float* p) { return _mm512_loadu_ps(p); }
  EIN_AVX512_KERNEL static V splat(const float* p) { return _mm512_set1_ps(*p); }
  EIN_AVX512_KERNEL static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  EIN_AVX512_KERNEL static V add(V a, V b) { return _mm512_add_ps(a, b); }
  EIN_AVX512_KERNEL static void storeu(float* p, V v) { _mm512_storeu_ps(p, v); }
};

// C[MR x NR] (column j at c + j * ldc, rows contiguous) (+)= packed A sliver * packed B sliver,
// summing k in order. C is read only when `add`.
template <class T>
EIN_AVX512_KERNEL void micro(Index kc, const T* a, const T* b, T* c, Index ldc, bool add) {
  using W = Zmm<T>;
  constexpr Index L = lanes<T>();
  typename W::V lo[kNR], hi[kNR];
#pragma GCC unroll 14
  for (int j = 0; j < kNR; ++j) lo[j] = hi[j] = W::zero();
  for (Index k = 0; k < kc; ++k) {
    const typename W::V a0 = W::load(a), a1 = W::load(a + L);
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * 2 * L), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int j = 0; j < kNR; ++j) {
      const typename W::V bj = W::splat(b + j);
      lo[j] = W::fma(a0, bj, lo[j]);
      hi[j] = W::fma(a1, bj, hi[j]);
    }
    a += 2 * L;
    b += kNR;
  }
#pragma GCC unroll 14
  for (int j = 0; j < kNR; ++j) {
    T* col = c + j * ldc;
    if (add) {
      lo[j] = W::add(lo[j], W::loadu(col));
      hi[j] = W::add(hi[j], W::loadu(col + L));
    }
    W::storeu(col, lo[j]);
    W::storeu(col + L, hi[j]);
  }
}

// A partial tile (rows < MR or cols < NR): computed whole into a buffer, the valid part added
// or stored.
template <class T>
EIN_AVX512_KERNEL void micro_edge(Index kc, const T* a, const T* b, T* c, Index ldc, bool add,
                                  Index rows, Index cols) {
  constexpr Index MR = mr<T>();
  alignas(64) T tile[MR * kNR];
  micro<T>(kc, a, b, tile, MR, false);
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) {
      T& dst = c[i + j * ldc];
      dst = add ? dst + tile[i + j * MR] : tile[i + j * MR];
    }
  }
}

// Rows [i_lo, i_hi) of one (jc, pc) step: A packed block by block into this thread's scratch,
// against the shared packed B panel `bp` (nc columns, kc deep). C unit-stride along m.
template <class T>
void rows_step(const Canonical& c, const T* a, const T* bp, T* out, bool add, Index i_lo,
               Index i_hi, Index jc, Index nc, Index pc, Index kc) {
  constexpr Index MR = mr<T>();
  auto* ap = static_cast<T*>(scratch(sizeof(T) * static_cast<std::size_t>(kKC * kMC)));
  for (Index ic = i_lo; ic < i_hi; ic += kMC) {
    const Index mc = std::min(kMC, i_hi - ic);
    pack_a(a + ic * c.a_m + pc * c.a_k, c.a_m, c.a_k, mc, kc, ap);
    for (Index jr = 0; jr < nc; jr += kNR) {
      const Index cols = std::min(kNR, nc - jr);
      for (Index ir = 0; ir < mc; ir += MR) {
        const Index rows = std::min(MR, mc - ir);
        T* tile = out + (ic + ir) + (jc + jr) * c.c_n;
        if (rows == MR && cols == kNR) {
          micro<T>(kc, ap + ir * kc, bp + jr * kc, tile, c.c_n, add);
        } else {
          micro_edge<T>(kc, ap + ir * kc, bp + jr * kc, tile, c.c_n, add, rows, cols);
        }
      }
    }
  }
}

// One item. For each (NC panel, KC slice) the threads first pack the B panel together (into the
// calling thread's buffer, shared), then split the rows of C in whole MR slivers (contiguous,
// static ranges: each element's sum runs over k in the same order whatever the thread count).
template <class T>
void item(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads, T* bp) {
  constexpr Index MR = mr<T>();
  const Index row_units = (c.m + MR - 1) / MR;
  for (Index jc = 0; jc < c.n; jc += kNC) {
    const Index nc = std::min(kNC, c.n - jc);
    const Index slivers = (nc + kNR - 1) / kNR;
    for (Index pc = 0; pc < c.k; pc += kKC) {
      const Index kc = std::min(kKC, c.k - pc);
      const T* bpc = b + pc * c.b_k + jc * c.b_n;
      support::parallel_for(slivers, threads, [&](Index lo, Index hi) {
        const Index j0 = lo * kNR, j1 = std::min(nc, hi * kNR);
        pack_b(bpc + j0 * c.b_n, c.b_k, c.b_n, kc, j1 - j0, bp + j0 * kc);
      });
      const bool add = accumulate || pc > 0;
      support::parallel_for(row_units, threads, [&](Index lo, Index hi) {
        rows_step<T>(c, a, bp, out, add, lo * MR, std::min(c.m, hi * MR), jc, nc, pc, kc);
      });
    }
  }
}

template <class T>
void run_items(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads) {
  // The shared B panel: the calling thread's buffer past its own A block.
  auto* scratch_base =
      static_cast<T*>(scratch(sizeof(T) * static_cast<std::size_t>(kKC * (kMC + kNC))));
  T* bp = scratch_base + kKC * kMC;
  Cursor cur(c.batch);
  cur.seek(0);
  for (Index it = 0; it < c.batch.count; ++it, cur.next()) {
    item<T>(c, a + cur.a(), b + cur.b(), out + cur.c(), accumulate, threads, bp);
  }
}

#endif  // EIN_GEMM_AVX2_DISPATCH

// The orientation the kernels need: C unit-stride along m.
bool oriented(const Canonical& c) { return c.c_m == 1; }

}  // namespace

void set_packed_route_for_testing(PackedRoute route) noexcept {
  g_route.store(route, std::memory_order_relaxed);
}
PackedRoute packed_route() noexcept { return g_route.load(std::memory_order_relaxed); }

bool packed_takes(const Canonical& c, DType dtype, bool blas_strides) noexcept {
  if (dtype != DType::Float32 && dtype != DType::Float64) return false;
  if (c.empty || c.m < 2 || c.n < 2 || c.k < 2 || (c.c_m != 1 && c.c_n != 1)) return false;
  switch (packed_route()) {
    case PackedRoute::Never:
      return false;
    case PackedRoute::Always:
      return true;
    case PackedRoute::Auto:
      break;
  }
  // Measured against OpenBLAS 0.3.21 on the 2-core AVX-512 box (docs/ARCHITECTURE.md, gemm):
  // on strides BLAS takes, the packed kernels only reach parity (float64 1024^3 146 vs 142
  // GFLOP/s, 2048^3 0.93x; float32 0.95x), so BLAS keeps those. Strides BLAS cannot take would
  // otherwise need a permuting copy of the operands first (or the unpacked own loops): packing
  // reads them directly.
  return !blas_strides && sat_mul(sat_mul(c.m, c.n), c.k) >= kPackedMinWork;
}

void packed_run(const Canonical& c, DType dtype, const void* a, const void* b, void* out,
                bool accumulate, int threads) {
#if EIN_GEMM_AVX2_DISPATCH
  auto go = [&](const Canonical& p, const void* pa, const void* pb) {
    if (dtype == DType::Float32) {
      run_items(p, static_cast<const float*>(pa), static_cast<const float*>(pb),
                static_cast<float*>(out), accumulate, threads);
    } else {
      run_items(p, static_cast<const double*>(pa), static_cast<const double*>(pb),
                static_cast<double*>(out), accumulate, threads);
    }
  };
  if (oriented(c)) {
    go(c, a, b);
    return;
  }
  Canonical t = c;  // C^T = B^T A^T: B's data plays A's role
  t.transpose();
  go(t, b, a);
#else
  (void)c, (void)dtype, (void)a, (void)b, (void)out, (void)accumulate, (void)threads;
  fail("packed kernels without AVX-512 support");
#endif
}

}  // namespace ein::gemm::detail
