// Typed reduction loops over a canonical loop nest. Internal to reduce/.
#pragma once

#include <array>
#include <cstddef>

#include "ein/gemm/arith.hpp"
#include "ein/reduce/nest.hpp"
#include "ein/tensor.hpp"

namespace ein::reduce::detail {

using gemm::detail::Arith;

// Pairwise summation (NumPy's scheme): runs of up to 128 elements are summed in 8 independent
// lanes (vectorisable without reassociation), longer runs split in halves recursively, so the
// rounding error grows with log(n). Exact types get the same (harmless) treatment.
template <class T>
typename Arith<T>::Acc pairwise_sum(const T* p, Index n, Index stride) {
  using Ar = Arith<T>;
  using Acc = typename Ar::Acc;
  constexpr Index kLeaf = 128;
  if (n > kLeaf) {
    const Index half = (n / 2) / 8 * 8;
    return Ar::add(pairwise_sum(p, half, stride),
                   pairwise_sum(p + half * stride, n - half, stride));
  }
  Acc lane[8] = {};
  Index i = 0;
  if (stride == 1) {
    for (; i + 8 <= n; i += 8) {
      for (int l = 0; l < 8; ++l) lane[l] = Ar::add(lane[l], Ar::load(p[i + l]));
    }
  } else {
    for (; i + 8 <= n; i += 8) {
      for (int l = 0; l < 8; ++l) lane[l] = Ar::add(lane[l], Ar::load(p[(i + l) * stride]));
    }
  }
  Acc s = Ar::add(Ar::add(Ar::add(lane[0], lane[1]), Ar::add(lane[2], lane[3])),
                  Ar::add(Ar::add(lane[4], lane[5]), Ar::add(lane[6], lane[7])));
  for (; i < n; ++i) s = Ar::add(s, Ar::load(p[i * stride]));
  return s;
}

// How the nest treats dst: Write when each dst element is visited exactly once (store the sum),
// Add to accumulate into dst as it is.
enum class Mode { Write, Add };

// Runs shorter than this are summed in one sequential chain, inline.
inline constexpr Index kShortRun = 16;

template <class T>
typename Arith<T>::Acc run_sum(const T* p, Index n, Index stride) {
  using Ar = Arith<T>;
  if (n >= kShortRun) return pairwise_sum(p, n, stride);
  typename Ar::Acc s{};
  for (Index i = 0; i < n; ++i) s = Ar::add(s, Ar::load(p[i * stride]));
  return s;
}

// The two innermost loops: `mid` rows of `in` runs.
template <class T, Mode M>
void run_2d(const T* src, T* dst, const RDim& mid, const RDim& in) {
  using Ar = Arith<T>;
  using Acc = typename Ar::Acc;
  if (in.dst == 0) {
    // Row sums (or, with mid reduced too, sums of row sums into one element).
    for (Index r = 0; r < mid.extent; ++r) {
      const Acc total = run_sum(src + r * mid.src, in.extent, in.src);
      T& d = dst[r * mid.dst];
      d = M == Mode::Write ? Ar::store(total) : Ar::store(Ar::add(Ar::load(d), total));
    }
    return;
  }
  if (M == Mode::Add && mid.dst == 0 && in.extent <= kShortRun) {
    // Column sums of a narrow block: keep the short dst row in registers over all rows.
    Acc acc[kShortRun];
    for (Index j = 0; j < in.extent; ++j) acc[j] = Ar::load(dst[j * in.dst]);
    for (Index r = 0; r < mid.extent; ++r) {
      const T* s = src + r * mid.src;
      for (Index j = 0; j < in.extent; ++j) acc[j] = Ar::add(acc[j], Ar::load(s[j * in.src]));
    }
    for (Index j = 0; j < in.extent; ++j) dst[j * in.dst] = Ar::store(acc[j]);
    return;
  }
  for (Index r = 0; r < mid.extent; ++r) {
    const T* s = src + r * mid.src;
    T* d = dst + r * mid.dst;
    if constexpr (M == Mode::Write) {
      for (Index i = 0; i < in.extent; ++i) d[i * in.dst] = s[i * in.src];
    } else if (in.dst == 1 && in.src == 1) {
      for (Index i = 0; i < in.extent; ++i)
        d[i] = Ar::store(Ar::add(Ar::load(d[i]), Ar::load(s[i])));
    } else {
      for (Index i = 0; i < in.extent; ++i) {
        d[i * in.dst] = Ar::store(Ar::add(Ar::load(d[i * in.dst]), Ar::load(s[i * in.src])));
      }
    }
  }
}

// Runs the nest: the two innermost axes in run_2d, the others with an odometer.
template <class T, Mode M>
void run_nest(const Nest& nest, const T* src, T* dst) {
  const RDim unit{1, 0, 0};
  const RDim in = nest.rank >= 1 ? nest[nest.rank - 1] : unit;
  const RDim mid = nest.rank >= 2 ? nest[nest.rank - 2] : unit;
  const int outer = nest.rank - 2;
  std::array<Index, kMaxRank> idx{};
  Index so = 0, dof = 0;
  for (;;) {
    run_2d<T, M>(src + so, dst + dof, mid, in);
    int a = outer - 1;
    for (; a >= 0; --a) {
      const RDim& ax = nest[a];
      Index& x = idx[static_cast<std::size_t>(a)];
      if (++x < ax.extent) {
        so += ax.src;
        dof += ax.dst;
        break;
      }
      so -= (ax.extent - 1) * ax.src;
      dof -= (ax.extent - 1) * ax.dst;
      x = 0;
    }
    if (a < 0) return;
  }
}

// Sets every dst element the nest touches to zero.
template <class T>
void zero_dst(const Nest& nest, T* dst) {
  Nest kept;
  for (int i = 0; i < nest.rank; ++i) {
    if (nest[i].dst != 0) kept[kept.rank++] = {nest[i].extent, 0, nest[i].dst};
  }
  if (kept.rank == 0) {
    dst[0] = T{};
    return;
  }
  const RDim in = kept[kept.rank - 1];
  std::array<Index, kMaxRank> idx{};
  Index dof = 0;
  for (;;) {
    for (Index i = 0; i < in.extent; ++i) dst[dof + i * in.dst] = T{};
    int a = kept.rank - 2;
    for (; a >= 0; --a) {
      Index& x = idx[static_cast<std::size_t>(a)];
      if (++x < kept[a].extent) {
        dof += kept[a].dst;
        break;
      }
      dof -= (kept[a].extent - 1) * kept[a].dst;
      x = 0;
    }
    if (a < 0) return;
  }
}

}  // namespace ein::reduce::detail
