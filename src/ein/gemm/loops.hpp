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

template <class T, bool Accumulate, bool CA = false, bool CB = false>
void elementwise_run(const T* a, const T* b, T* c, Index n, Index sa, Index sb, Index sc) {
  using Ar = Arith<T>;
  // `z` points at the output element; it is read only when accumulating, because without
  // accumulation C may hold garbage (for bool a byte that is not 0 or 1: reading it is UB).
  auto op = [](T x, T y, const T* z) {
    if constexpr (Accumulate) {
      return Ar::store(Ar::madd(Ar::load(*z), load_op<CA>(x), load_op<CB>(y)));
    } else {
      (void)z;
      return Ar::store(Ar::mul(load_op<CA>(x), load_op<CB>(y)));
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

// A piece of an inner run: element offsets of its first element and the run's dim (extent cut
// to the piece).
struct Run {
  Index a = 0, b = 0, c = 0;
  Dim3 in;
};

// Runs body(run) over every inner run of `space`. With enough work, threads split the outer
// positions; when there are fewer runs than threads (a single long run, say), runs are cut into
// pieces too.
template <class Body>
void for_each_run(const Dims& space, Index work_per_element, int threads, const Body& body) {
  Dims outer = space;
  Dim3 inner{1, 0, 0, 0};
  if (outer.rank > 0) {
    inner = outer.dim[static_cast<std::size_t>(outer.rank - 1)];
    outer.count /= inner.extent;
    --outer.rank;
  }
  const bool parallel = threads != 1 && sat_mul(space.count, work_per_element) >= kSerialWork;
  const int chunks = parallel ? support::parallel_chunks(space.count, threads) : 1;
  Index pieces = 1;
  if (outer.count < chunks) {
    pieces = std::min(inner.extent, (chunks + outer.count - 1) / outer.count);
  }
  const Index piece_len = (inner.extent + pieces - 1) / pieces;
  pieces = (inner.extent + piece_len - 1) / piece_len;
  auto range = [&](Index lo, Index hi) {
    Cursor cur(outer);
    Index o = lo / pieces;
    cur.seek(o);
    for (Index u = lo; u < hi; ++u) {
      if (u / pieces != o) {
        ++o;
        cur.next();
      }
      const Index j0 = (u % pieces) * piece_len;
      const Index len = std::min(piece_len, inner.extent - j0);
      body(Run{cur.a() + j0 * inner.a, cur.b() + j0 * inner.b, cur.c() + j0 * inner.c,
               Dim3{len, inner.a, inner.b, inner.c}});
    }
  };
  const Index units = outer.count * pieces;
  if (!parallel || units < 2) {
    range(0, units);
    return;
  }
  const Index per_unit = std::max<Index>(1, sat_mul(piece_len, work_per_element));
  support::parallel_for(units, threads, range, std::max<Index>(1, kSerialWork / per_unit));
}

template <class T>
void elementwise(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads) {
  const Dims space = output_space(c);
  with_conj<T>(c.conj_a, c.conj_b, [&](auto ca, auto cb) {
    constexpr bool CA = decltype(ca)::value, CB = decltype(cb)::value;
    for_each_run(space, 1, threads, [&](const Run& r) {
      if (accumulate) {
        elementwise_run<T, true, CA, CB>(a + r.a, b + r.b, out + r.c, r.in.extent, r.in.a, r.in.b,
                                         r.in.c);
      } else {
        elementwise_run<T, false, CA, CB>(a + r.a, b + r.b, out + r.c, r.in.extent, r.in.a, r.in.b,
                                          r.in.c);
      }
    });
  });
}

template <class T>
void fill_zero(const Canonical& c, T* out, int threads) {
  const Dims space = output_space(c);
  for_each_run(space, 1, threads, [&](const Run& r) {
    T* p = out + r.c;
    for (Index i = 0; i < r.in.extent; ++i) p[i * r.in.c] = T{};
  });
}

// sum_k a[k] * b[k] in the accumulator type, with independent lanes combined in a fixed order.
template <class T, bool CA = false, bool CB = false>
typename Arith<T>::Acc dot(const T* a, const T* b, Index k, Index sa, Index sb) {
  using Ar = Arith<T>;
  using Acc = typename Ar::Acc;
  constexpr int kLanes = sizeof(Acc) >= 16 ? 4 : static_cast<int>(32 / sizeof(Acc));
  Acc lane[kLanes] = {};
  Index i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + kLanes <= k; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        lane[l] = Ar::madd(lane[l], load_op<CA>(a[i + l]), load_op<CB>(b[i + l]));
      }
    }
  } else {
    for (; i + kLanes <= k; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        lane[l] = Ar::madd(lane[l], load_op<CA>(a[(i + l) * sa]), load_op<CB>(b[(i + l) * sb]));
      }
    }
  }
  for (int l = 0; i < k; ++i, ++l) {
    lane[l] = Ar::madd(lane[l], load_op<CA>(a[i * sa]), load_op<CB>(b[i * sb]));
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
template <class T, bool CA = false, bool CB = false>
void dot_run_kernel(const T* a, const T* b, T* out, Index count, Index sa, Index sb, Index so,
                    Index k, Index ka, Index kb, bool accumulate) {
  using Ar = Arith<T>;
  for (Index j = 0; j < count; ++j, a += sa, b += sb, out += so) {
    typename Ar::Acc s{};
    if (k < kShortDot) {
      for (Index q = 0; q < k; ++q) {
        s = Ar::madd(s, load_op<CA>(a[q * ka]), load_op<CB>(b[q * kb]));
      }
    } else {
      s = dot<T, CA, CB>(a, b, k, ka, kb);
    }
    if (accumulate) s = Ar::add(Ar::load(*out), s);
    *out = Ar::store(s);
  }
}

#if EIN_GEMM_AVX2_DISPATCH
template <class T, bool CA, bool CB>
EIN_AVX2_KERNEL void dot_run_avx2(const T* a, const T* b, T* out, Index count, Index sa, Index sb,
                                  Index so, Index k, Index ka, Index kb, bool accumulate) {
  dot_run_kernel<T, CA, CB>(a, b, out, count, sa, sb, so, k, ka, kb, accumulate);
}
#endif

template <class T, bool CA = false, bool CB = false>
void dot_run(const T* a, const T* b, T* out, Index count, Index sa, Index sb, Index so, Index k,
             Index ka, Index kb, bool accumulate) {
#if EIN_GEMM_AVX2_DISPATCH
  if (use_avx2()) {
    dot_run_avx2<T, CA, CB>(a, b, out, count, sa, sb, so, k, ka, kb, accumulate);
    return;
  }
#endif
  dot_run_kernel<T, CA, CB>(a, b, out, count, sa, sb, so, k, ka, kb, accumulate);
}

template <class T>
void dots(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, int threads) {
  const Dims space = output_space(c);
  with_conj<T>(c.conj_a, c.conj_b, [&](auto ca, auto cb) {
    constexpr bool CA = decltype(ca)::value, CB = decltype(cb)::value;
    for_each_run(space, c.k, threads, [&](const Run& r) {
      dot_run<T, CA, CB>(a + r.a, b + r.b, out + r.c, r.in.extent, r.in.a, r.in.b, r.in.c, c.k,
                         c.a_k, c.b_k, accumulate);
    });
  });
}

// The blocked GEMM body (see the file comment); `gemm_rows` picks the AVX2 build of it when the
// CPU has AVX2.
template <class T, bool CA = false, bool CB = false>
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
        for (Index j = 0; j < nb; ++j) dst[j] = load_op<CB>(src[j * c.b_n]);
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
          const Acc x = load_op<CA>(arow[p * c.a_k]);
          const Acc* brow = panel + p * kNb;
          for (Index j = 0; j < nb; ++j) row[j] = Ar::madd(row[j], x, brow[j]);
        }
        for (Index j = 0; j < nb; ++j) crow[j * c.c_n] = Ar::store(row[j]);
      }
    }
  }
}

#if EIN_GEMM_AVX2_DISPATCH
template <class T, bool CA, bool CB>
EIN_AVX2_KERNEL void gemm_rows_avx2(const Canonical& c, const T* a, const T* b, T* out,
                                    bool accumulate, Index begin, Index end) {
  gemm_rows_kernel<T, CA, CB>(c, a, b, out, accumulate, begin, end);
}
#endif

// Rows [begin, end) with c.conj_a / c.conj_b applied to A's / B's elements.
template <class T>
void gemm_rows(const Canonical& c, const T* a, const T* b, T* out, bool accumulate, Index begin,
               Index end) {
  with_conj<T>(c.conj_a, c.conj_b, [&](auto ca, auto cb) {
    constexpr bool CA = decltype(ca)::value, CB = decltype(cb)::value;
#if EIN_GEMM_AVX2_DISPATCH
    if (use_avx2()) {
      gemm_rows_avx2<T, CA, CB>(c, a, b, out, accumulate, begin, end);
      return;
    }
#endif
    gemm_rows_kernel<T, CA, CB>(c, a, b, out, accumulate, begin, end);
  });
}

}  // namespace ein::gemm::detail
