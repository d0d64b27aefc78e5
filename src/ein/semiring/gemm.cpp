// The semiring GEMM: C[batch, m, n] (+)= (+)_k A[batch, m, k] (x) B[batch, k, n].
//
// Blocking, after BLIS's loop structure: the work is cut into tiles of kMC rows by kNC columns
// (one task each; tasks of all batch items are spread over threads with parallel_for). A task
// walks k in blocks of kKC: it packs A's kMC x kKC block into kMR-row panels and B's kKC x kNC
// block into NR-column panels (contiguous, padded with zeros so edge tiles need no special
// case), then runs a kMR x NR register tile over each pair of panels. The accumulator tile
// lives in registers for the whole k block and in a kMC x kNC buffer between blocks; everything
// a task touches (packed A 32 KiB, packed B 64 KiB, tile 16 KiB for float64) stays in L1/L2.
// The register tile's loops have constant trip counts, so the compiler unrolls and vectorises
// them: max/min/add/mul over NR-wide rows (SSE2: NR = 2 vectors; AVX2, chosen at run time: NR =
// 2 AVX vectors).
//
// Log-sum-exp is computed exactly-stably in two passes per tile (documented in
// docs/semirings.md): pass 1 is max-plus, giving M[i, j] = max_k (A[i, k] + B[k, j]); pass 2
// sums exp(A[i, k] + B[k, j] - M[i, j]) (every argument <= 0, the largest exactly 0, so the sum
// S is in [1, k] and nothing overflows or underflows to a wrong answer), with the vectorisable
// exp of nn/fast_exp.hpp; C = M + log(S). Where M is not finite (all terms -inf, or +inf or NaN
// among them) C = M, so an all -inf sum is -inf, not NaN.
//
// k == 1 (outer products, scaling, Hadamard products) needs no blocking: C = A (x) B row by row.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "ein/gemm/cpu.hpp"
#include "ein/nn/fast_exp.hpp"
#include "ein/semiring/ops.hpp"
#include "ein/semiring/semiring.hpp"
#include "ein/support/parallel.hpp"

namespace ein::semiring {
namespace {

using detail::LogSumExpOp;
using detail::MaxPlusOp;
using gemm::detail::use_avx2;

constexpr Index kMR = 4;    // rows of the register tile
constexpr Index kMC = 32;   // rows of a task's tile (a multiple of kMR)
constexpr Index kKC = 128;  // depth of a packed block
constexpr Index kNC = 64;   // columns of a task's tile (a multiple of every NR)

// One batch item's matrices.
template <class T>
struct Mats {
  const T* a;
  const T* b;
  T* c;
  Index m, n, k;
  Index a_m, a_k, b_k, b_n, c_m, c_n;
};

// A's rows [0, mc) x [0, kc) as kMR-row panels: ap[panel][kk][r]; missing rows are 0.
template <class T>
void pack_a(const T* a, Index a_m, Index a_k, Index mc, Index kc, T* ap) {
  for (Index p = 0; p < mc; p += kMR) {
    const Index rows = std::min(kMR, mc - p);
    for (Index kk = 0; kk < kc; ++kk) {
      for (Index r = 0; r < kMR; ++r) ap[r] = r < rows ? a[(p + r) * a_m + kk * a_k] : T{0};
      ap += kMR;
    }
  }
}

// B's [0, kc) x columns [0, nc) as NR-column panels: bp[panel][kk][c]; missing columns are 0.
template <class T, Index NR>
void pack_b(const T* b, Index b_k, Index b_n, Index kc, Index nc, T* bp) {
  for (Index q = 0; q < nc; q += NR) {
    const Index cols = std::min(NR, nc - q);
    for (Index kk = 0; kk < kc; ++kk) {
      const T* src = b + kk * b_k + q * b_n;
      if (cols == NR && b_n == 1) {
        for (Index c = 0; c < NR; ++c) bp[c] = src[c];
      } else {
        for (Index c = 0; c < NR; ++c) bp[c] = c < cols ? src[c * b_n] : T{0};
      }
      bp += NR;
    }
  }
}

// acc (+)= a panel (x) b panel over kc; the tile is loaded from / stored to `ct` (row stride
// kNC), or starts at the zero on the first k block. The tile is kMR x NR elements held as
// vectors of VB bytes (GCC/Clang vector extensions: the compiler's own auto-vectoriser does not
// keep a 2-D accumulator in registers); Op's kTimes/kMax pick the operations (max/min become
// maxps/minps, or vmaxps/vminps in the AVX2 build).
template <class T, class Op, Index NR, int VB>
inline void micro(const T* ap, const T* bp, Index kc, T* ct, bool first) {
  typedef T V __attribute__((vector_size(VB)));
  constexpr Index kW = VB / static_cast<Index>(sizeof(T));
  constexpr Index kNV = NR / kW;
  static_assert(kNV * kW == NR);
  V acc[kMR][kNV];
  const V zero = V{} + Op::zero();
  for (Index r = 0; r < kMR; ++r) {
    for (Index v = 0; v < kNV; ++v) {
      if (first) {
        acc[r][v] = zero;
      } else {
        std::memcpy(&acc[r][v], ct + r * kNC + v * kW, sizeof(V));
      }
    }
  }
  for (Index kk = 0; kk < kc; ++kk) {
    V b[kNV];
    for (Index v = 0; v < kNV; ++v) std::memcpy(&b[v], bp + kk * NR + v * kW, sizeof(V));
    for (Index r = 0; r < kMR; ++r) {
      const V a = V{} + ap[kk * kMR + r];
      for (Index v = 0; v < kNV; ++v) {
        V prod;
        if constexpr (Op::kTimes) {
          prod = a * b[v];
        } else {
          prod = a + b[v];
        }
        if constexpr (Op::kMax) {
          acc[r][v] = prod > acc[r][v] ? prod : acc[r][v];
        } else {
          acc[r][v] = prod < acc[r][v] ? prod : acc[r][v];
        }
      }
    }
  }
  for (Index r = 0; r < kMR; ++r) {
    for (Index v = 0; v < kNV; ++v) std::memcpy(ct + r * kNC + v * kW, &acc[r][v], sizeof(V));
  }
}

// Log-sum-exp pass 2: st (+)= sum_k exp(a + b - mt) (all arguments <= 0 by pass 1).
template <class T, Index NR>
inline void micro_exp(const T* ap, const T* bp, Index kc, const T* mt, T* st, bool first) {
  T acc[kMR][NR];
  T mx[kMR][NR];
  for (Index r = 0; r < kMR; ++r) {
    for (Index c = 0; c < NR; ++c) {
      acc[r][c] = first ? T{0} : st[r * kNC + c];
      mx[r][c] = mt[r * kNC + c];
    }
  }
  for (Index kk = 0; kk < kc; ++kk) {
    const T* a = ap + kk * kMR;
    const T* b = bp + kk * NR;
    for (Index r = 0; r < kMR; ++r) {
      const T ar = a[r];
      for (Index c = 0; c < NR; ++c) {
        acc[r][c] += nn::exp_nonpositive((ar + b[c]) - mx[r][c]);
      }
    }
  }
  for (Index r = 0; r < kMR; ++r) {
    for (Index c = 0; c < NR; ++c) st[r * kNC + c] = acc[r][c];
  }
}

// One pass over k for the tile at (i0, j0): Pass::MaxLike runs `Op` into ct; Pass::Exp runs
// the log-sum-exp sum into st against the maxima in ct.
enum class Pass { Fold, Exp };

template <class T, class Op, Index NR, int VB, Pass P>
void tile_pass(const Mats<T>& x, Index i0, Index j0, Index mc, Index nc, T* ap, T* bp, T* ct,
               T* st) {
  for (Index k0 = 0; k0 < x.k; k0 += kKC) {
    const Index kc = std::min(kKC, x.k - k0);
    pack_a(x.a + i0 * x.a_m + k0 * x.a_k, x.a_m, x.a_k, mc, kc, ap);
    pack_b<T, NR>(x.b + k0 * x.b_k + j0 * x.b_n, x.b_k, x.b_n, kc, nc, bp);
    for (Index p = 0; p < mc; p += kMR) {
      for (Index q = 0; q < nc; q += NR) {
        if constexpr (P == Pass::Fold) {
          micro<T, Op, NR, VB>(ap + p * kc, bp + q * kc, kc, ct + p * kNC + q, k0 == 0);
        } else {
          micro_exp<T, NR>(ap + p * kc, bp + q * kc, kc, ct + p * kNC + q, st + p * kNC + q,
                           k0 == 0);
        }
      }
    }
  }
}

// The tile at (i0, j0) of one batch item, written into C.
template <class T, class Op, int VB>
void tile(const Mats<T>& x, Index i0, Index j0, bool accumulate) {
  constexpr Index NR = 2 * VB / static_cast<Index>(sizeof(T));  // two vectors per tile row
  alignas(64) T ap[kMC * kKC];
  alignas(64) T bp[kKC * kNC];
  alignas(64) T ct[kMC * kNC];
  const Index mc = std::min(kMC, x.m - i0);
  const Index nc = std::min(kNC, x.n - j0);
  auto write = [&](auto&& value) {
    for (Index i = 0; i < mc; ++i) {
      T* crow = x.c + (i0 + i) * x.c_m + j0 * x.c_n;
      for (Index j = 0; j < nc; ++j) {
        const T v = value(i * kNC + j);
        T& dst = crow[j * x.c_n];
        dst = accumulate ? Op::add(dst, v) : v;
      }
    }
  };
  if constexpr (std::is_same_v<Op, LogSumExpOp<T>>) {
    alignas(64) T st[kMC * kNC];
    tile_pass<T, MaxPlusOp<T>, NR, VB, Pass::Fold>(x, i0, j0, mc, nc, ap, bp, ct, nullptr);
    tile_pass<T, Op, NR, VB, Pass::Exp>(x, i0, j0, mc, nc, ap, bp, ct, st);
    write([&](Index t) { return std::isfinite(ct[t]) ? ct[t] + std::log(st[t]) : ct[t]; });
  } else {
    tile_pass<T, Op, NR, VB, Pass::Fold>(x, i0, j0, mc, nc, ap, bp, ct, nullptr);
    write([&](Index t) { return ct[t]; });
  }
}

// k == 1: C[i, j] (+)= A[i] (x) B[j] for rows [i0, i1).
template <class T, class Op>
void rank_one_rows(const Mats<T>& x, Index i0, Index i1, bool accumulate) {
  for (Index i = i0; i < i1; ++i) {
    const T ai = x.a[i * x.a_m];
    T* crow = x.c + i * x.c_m;
    if (accumulate) {
      for (Index j = 0; j < x.n; ++j) {
        crow[j * x.c_n] = Op::add(crow[j * x.c_n], Op::mul(ai, x.b[j * x.b_n]));
      }
    } else if (x.b_n == 1 && x.c_n == 1) {
      for (Index j = 0; j < x.n; ++j) crow[j] = Op::mul(ai, x.b[j]);
    } else {
      for (Index j = 0; j < x.n; ++j) crow[j * x.c_n] = Op::mul(ai, x.b[j * x.b_n]);
    }
  }
}

template <class T, class Op>
void tile_base(const Mats<T>& x, Index i0, Index j0, bool accumulate) {
  tile<T, Op, 16>(x, i0, j0, accumulate);
}

#if EIN_GEMM_AVX2_DISPATCH
template <class T, class Op>
EIN_AVX2_KERNEL void tile_avx2(const Mats<T>& x, Index i0, Index j0, bool accumulate) {
  tile<T, Op, 32>(x, i0, j0, accumulate);
}
#endif

// Element offsets of batch item `t` (C order over p.batch).
struct Offsets {
  Index a = 0, b = 0, c = 0;
};
Offsets batch_offsets(const gemm::GemmProblem& p, Index t) {
  Offsets o;
  for (std::size_t d = p.batch.size(); d-- > 0;) {
    const gemm::BatchDim& bd = p.batch[d];
    const Index i = t % bd.extent;
    t /= bd.extent;
    o.a += i * bd.a_stride;
    o.b += i * bd.b_stride;
    o.c += i * bd.c_stride;
  }
  return o;
}

template <class T, class Op>
void run_typed(const gemm::GemmProblem& p, const T* a, const T* b, T* c, int threads) {
  Index count = 1;
  for (const auto& d : p.batch) count *= d.extent;
  if (count == 0 || p.m == 0 || p.n == 0) return;
  auto mats = [&](Index t) {
    const Offsets o = batch_offsets(p, t);
    return Mats<T>{a + o.a,      b + o.b,      c + o.c,      p.m,
                   p.n,          p.k,          p.a_m_stride, p.a_k_stride,
                   p.b_k_stride, p.b_n_stride, p.c_m_stride, p.c_n_stride};
  };
  // Small problems are not worth waking threads for.
  const double work = static_cast<double>(count) * static_cast<double>(p.m) *
                      static_cast<double>(p.n) * static_cast<double>(std::max<Index>(p.k, 1));
  const int nthreads = work < 65536.0 ? 1 : threads;

  if (p.k == 0) {
    if (p.accumulate) return;  // C (+) zero = C
    support::parallel_for(count * p.m, nthreads, [&](Index r0, Index r1) {
      for (Index r = r0; r < r1; ++r) {
        const Mats<T> x = mats(r / p.m);
        T* crow = x.c + (r % p.m) * x.c_m;
        for (Index j = 0; j < x.n; ++j) crow[j * x.c_n] = Op::zero();
      }
    });
    return;
  }
  if (p.k == 1) {
    // Rows of all batch items; a row is at least a few hundred elements of work per chunk.
    const Index grain = std::max<Index>(1, 256 / p.n);
    support::parallel_for(
        count * p.m, nthreads,
        [&](Index r0, Index r1) {
          for (Index r = r0; r < r1;) {
            const Index t = r / p.m;
            const Index end = std::min(r1, (t + 1) * p.m);
            rank_one_rows<T, Op>(mats(t), r - t * p.m, end - t * p.m, p.accumulate);
            r = end;
          }
        },
        grain);
    return;
  }
  const Index mb = (p.m + kMC - 1) / kMC;
  const Index nb = (p.n + kNC - 1) / kNC;
  support::parallel_for(count * mb * nb, nthreads, [&](Index t0, Index t1) {
#if EIN_GEMM_AVX2_DISPATCH
    const bool avx2 = use_avx2();
#endif
    for (Index t = t0; t < t1; ++t) {
      const Index item = t / (mb * nb);
      const Index rest = t % (mb * nb);
      const Mats<T> x = mats(item);
      const Index i0 = rest / nb * kMC;
      const Index j0 = rest % nb * kNC;
#if EIN_GEMM_AVX2_DISPATCH
      if (avx2) {
        tile_avx2<T, Op>(x, i0, j0, p.accumulate);
        continue;
      }
#endif
      tile_base<T, Op>(x, i0, j0, p.accumulate);
    }
  });
}

template <class T>
void run_dtype(Semiring s, const gemm::GemmProblem& p, const void* a, const void* b, void* c,
               int threads) {
  detail::with_op<T>(s, [&](auto op) {
    run_typed<T, decltype(op)>(p, static_cast<const T*>(a), static_cast<const T*>(b),
                               static_cast<T*>(c), threads);
  });
}

}  // namespace

void gemm(Semiring s, const gemm::GemmProblem& p, const void* a, const void* b, void* c,
          int threads) {
  if (s == Semiring::Standard) {
    gemm::run(p, a, b, c, threads);
    return;
  }
  check_dtype(s, p.dtype);
  if (p.dtype == DType::Float32) {
    run_dtype<float>(s, p, a, b, c, threads);
  } else {
    run_dtype<double>(s, p, a, b, c, threads);
  }
}

}  // namespace ein::semiring
