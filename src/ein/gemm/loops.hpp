// ein's own contraction loops, for every dtype and any strides. Internal to gemm/.
//
//   elementwise  k == 1: C (+)= A * B over the (batch, m, n) index space, inner loop specialised
//                for unit strides and broadcast operands so the compiler vectorises it.
//   fill_zero    k == 0 without accumulate.
//   dots         each output an independent dot product over k, with several accumulator lanes
//                (independent sums the compiler can keep in vector registers without
//                reassociating).
//   gemm_rows    blocked GEMM for rows [begin, end) of one item: a panel of B is packed into a
//                stack buffer (contiguous, converted to the accumulator type) and each row of C
//                accumulates a vectorisable row update per k.
// None of them allocate; stack use is bounded (about 20 KiB). The dot and GEMM bodies are also
// built for AVX2 and chosen at run time (see cpu.hpp).
#pragma once

#include <algorithm>

#include "ein/gemm/arith.hpp"
#include "ein/gemm/cpu.hpp"
#include "ein/gemm/shape.hpp"
#include "ein/support/parallel.hpp"

namespace ein::gemm::detail {

// Index spaces below this many multiply-adds run on the calling thread.
inline constexpr Index kSerialWork = Index{1} << 16;

template <class T, bool Accumulate>
void elementwise_run(const T* a, const T* b, T* c, Index n, Index sa, Index sb, Index sc) {
  using Ar = Arith<T>;
  // `z` points at the output element; it is read only when accumulating, because without
  // accumulation C may hold garbage (for bool a byte that is not 0 or 1: reading it is UB).
  auto op = [](T x, T y, const T* z) {
    if constexpr (Accumulate) {
      return Ar::store(Ar::madd(Ar::load(*z), Ar::load(x), Ar::load(y)));
    } else {
      (void)z;
      return Ar::store(Ar::mul(Ar::load(x), Ar::load(y)));
    }
  };
  if (sc == 1 && sa == 1 && sb == 1) {
    for (Index i = 0; i < n; ++i) c[i] = op(a[i], b[i], c + i);
  } else if (sc == 1 && sa == 0 && sb == 1) {
    const T x = *a;
    for (Index i = 0; i < n; ++i) c[i] = op(x, b[i], c + i);
  } else if (sc == 1 && sa == 1 && sb == 0) {
    const T y = *b;
    for (Index i = 0; i < n; ++i) c[i] = op(a[i], y, c + i);
  } else {
    for (Index i = 0; i < n; ++i) c[i * sc] = op(a[i * sa], b[i * sb], c + i * sc);
  }
}

// The (batch, m, n) space of C with A's and B's strides, canonicalised (innermost last).
inline Dims output_space(const Canonical& c) {
  Dims d = c.batch;
  d.push({c.m, c.a_m, 0, c.c_m});
  d.push({c.n, 0, c.b_n, c.c_n});
  d.canonicalize();
  return d;
}

// Runs body(cursor, inner_dim) over every inner run of `space`, split across threads by outer
// position when there is enough work.
template <class Body>
void for_each_run(const Dims& space, Index work_per_element, int threads, const Body& body) {
  Dims outer = space;
  Dim3 inner{1, 0, 0, 0};
  if (outer.rank > 0) {
    inner = outer.dim[static_cast<std::size_t>(outer.rank - 1)];
    outer.count /= inner.extent;
    --outer.rank;
  }
  auto range = [&](Index lo, Index hi) {
    Cursor cur(outer);
    cur.seek(lo);
    for (Index o = lo; o < hi; ++o) {
      body(cur, inner);
      cur.next();
    }
  };
  const Index work = sat_mul(space.count, work_per_element);
  if (threads == 1 || work < kSerialWork || outer.count < 2) {
    range(0, outer.count);
    return;
  }
  const Index per_run = std::max<Index>(1, sat_mul(inner.extent, work_per_element));
  support::parallel_for(outer.count, threads, range, std::max<Index>(1, kSerialWork / per_run));
}

template <class T>
void elementwise(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads) {
  const Dims space = output_space(c);
  for_each_run(space, 1, threads, [&](const Cursor& cur, const Dim3& in) {
    if (accumulate) {
      elementwise_run<T, true>(a + cur.a(), b + cur.b(), out + cur.c(), in.extent, in.a, in.b,
                               in.c);
    } else {
      elementwise_run<T, false>(a + cur.a(), b + cur.b(), out + cur.c(), in.extent, in.a, in.b,
                                in.c);
    }
  });
}

template <class T>
void fill_zero(const Canonical& c, T* out, int threads) {
  const Dims space = output_space(c);
  for_each_run(space, 1, threads, [&](const Cursor& cur, const Dim3& in) {
    T* p = out + cur.c();
    for (Index i = 0; i < in.extent; ++i) p[i * in.c] = T{};
  });
}

// sum_k a[k] * b[k] in the accumulator type, with independent lanes combined in a fixed order.
template <class T>
typename Arith<T>::Acc dot(const T* a, const T* b, Index k, Index sa, Index sb) {
  using Ar = Arith<T>;
  using Acc = typename Ar::Acc;
  constexpr int kLanes = sizeof(Acc) >= 16 ? 4 : static_cast<int>(32 / sizeof(Acc));
  Acc lane[kLanes] = {};
  Index i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + kLanes <= k; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        lane[l] = Ar::madd(lane[l], Ar::load(a[i + l]), Ar::load(b[i + l]));
      }
    }
  } else {
    for (; i + kLanes <= k; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        lane[l] = Ar::madd(lane[l], Ar::load(a[(i + l) * sa]), Ar::load(b[(i + l) * sb]));
      }
    }
  }
  for (int l = 0; i < k; ++i, ++l) {
    lane[l] = Ar::madd(lane[l], Ar::load(a[i * sa]), Ar::load(b[i * sb]));
  }
  for (int width = kLanes / 2; width > 0; width /= 2) {
    for (int l = 0; l < width; ++l) lane[l] = Ar::add(lane[l], lane[l + width]);
  }
  return lane[0];
}

// Dots shorter than this are summed in one sequential chain, inline: for einsum's "bi,bi->b"
// with a small i the lane set-up and a call per output would cost more than the arithmetic.
inline constexpr Index kShortDot = 16;

// One run of outputs: out[j] (+)= dot(a + j*sa, b + j*sb) for j < count.
template <class T>
void dot_run_kernel(const T* a, const T* b, T* out, Index count, Index sa, Index sb, Index so,
                    Index k, Index ka, Index kb, bool accumulate) {
  using Ar = Arith<T>;
  for (Index j = 0; j < count; ++j, a += sa, b += sb, out += so) {
    typename Ar::Acc s{};
    if (k < kShortDot) {
      for (Index q = 0; q < k; ++q) s = Ar::madd(s, Ar::load(a[q * ka]), Ar::load(b[q * kb]));
    } else {
      s = dot(a, b, k, ka, kb);
    }
    if (accumulate) s = Ar::add(Ar::load(*out), s);
    *out = Ar::store(s);
  }
}

#if EIN_GEMM_AVX2_DISPATCH
template <class T>
EIN_AVX2_KERNEL void dot_run_avx2(const T* a, const T* b, T* out, Index count, Index sa, Index sb,
                                  Index so, Index k, Index ka, Index kb, bool accumulate) {
  dot_run_kernel(a, b, out, count, sa, sb, so, k, ka, kb, accumulate);
}
#endif

template <class T>
void dot_run(const T* a, const T* b, T* out, Index count, Index sa, Index sb, Index so, Index k,
             Index ka, Index kb, bool accumulate) {
#if EIN_GEMM_AVX2_DISPATCH
  if (use_avx2()) {
    dot_run_avx2(a, b, out, count, sa, sb, so, k, ka, kb, accumulate);
    return;
  }
#endif
  dot_run_kernel(a, b, out, count, sa, sb, so, k, ka, kb, accumulate);
}

template <class T>
void dots(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads) {
  const Dims space = output_space(c);
  for_each_run(space, c.k, threads, [&](const Cursor& cur, const Dim3& in) {
    dot_run(a + cur.a(), b + cur.b(), out + cur.c(), in.extent, in.a, in.b, in.c, c.k, c.a_k, c.b_k,
            accumulate);
  });
}

// The blocked GEMM body (see the file comment); `gemm_rows` picks the AVX2 build of it when the
// CPU has AVX2.
template <class T>
void gemm_rows_kernel(const Canonical& c, const T* a, const T* b, T* out, bool accumulate,
                      Index begin, Index end) {
  using Ar = Arith<T>;
  using Acc = typename Ar::Acc;
  constexpr Index kNb = 64;
  constexpr Index kKb = std::max<Index>(8, Index{16384} / (kNb * Index{sizeof(Acc)}));
  alignas(64) Acc panel[kKb * kNb];
  alignas(64) Acc row[kNb];
  for (Index j0 = 0; j0 < c.n; j0 += kNb) {
    const Index nb = std::min(kNb, c.n - j0);
    for (Index k0 = 0; k0 < c.k; k0 += kKb) {
      const Index kb = std::min(kKb, c.k - k0);
      for (Index p = 0; p < kb; ++p) {
        const T* src = b + (k0 + p) * c.b_k + j0 * c.b_n;
        Acc* dst = panel + p * kNb;
        for (Index j = 0; j < nb; ++j) dst[j] = Ar::load(src[j * c.b_n]);
      }
      const bool fresh = k0 == 0 && !accumulate;
      for (Index i = begin; i < end; ++i) {
        T* crow = out + i * c.c_m + j0 * c.c_n;
        if (fresh) {
          std::fill(row, row + nb, Acc{});
        } else {
          for (Index j = 0; j < nb; ++j) row[j] = Ar::load(crow[j * c.c_n]);
        }
        const T* arow = a + i * c.a_m + k0 * c.a_k;
        for (Index p = 0; p < kb; ++p) {
          const Acc x = Ar::load(arow[p * c.a_k]);
          const Acc* brow = panel + p * kNb;
          for (Index j = 0; j < nb; ++j) row[j] = Ar::madd(row[j], x, brow[j]);
        }
        for (Index j = 0; j < nb; ++j) crow[j * c.c_n] = Ar::store(row[j]);
      }
    }
  }
}

#if EIN_GEMM_AVX2_DISPATCH
template <class T>
EIN_AVX2_KERNEL void gemm_rows_avx2(const Canonical& c, const T* a, const T* b, T* out,
                                    bool accumulate, Index begin, Index end) {
  gemm_rows_kernel(c, a, b, out, accumulate, begin, end);
}
#endif

template <class T>
void gemm_rows(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, Index begin,
               Index end) {
#if EIN_GEMM_AVX2_DISPATCH
  if (use_avx2()) {
    gemm_rows_avx2(c, a, b, out, accumulate, begin, end);
    return;
  }
#endif
  gemm_rows_kernel(c, a, b, out, accumulate, begin, end);
}

}  // namespace ein::gemm::detail
