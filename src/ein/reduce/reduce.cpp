// reduce::sum — planning the loop nest, splitting it across threads, dtype dispatch.
#include "ein/reduce/reduce.hpp"

#include <algorithm>
#include <string>

#include "ein/reduce/loops.hpp"
#include "ein/support/parallel.hpp"

namespace ein::reduce {

namespace {

using detail::Mode;
using detail::Nest;
using detail::RDim;

constexpr Index kSerialElems = Index{1} << 16;  // below this, one thread
constexpr Index kPartialElems = 2048;           // stack budget for per-chunk partial sums

Index mag(Index s) { return s < 0 ? -s : s; }

void require(bool ok, const std::string& what) {
  if (!ok) throw Error(ErrorCode::InvalidArgument, "reduce::sum: " + what);
}
// Literal messages build no string unless they fail (plans are made on allocation-free paths).
void require(bool ok, const char* what) {
  if (!ok) throw Error(ErrorCode::InvalidArgument, std::string("reduce::sum: ") + what);
}

void validate(const TensorView& src, const TensorView& dst) {
  require(src.shape() == dst.shape(), "source shape " + shape_to_string(src.shape()) +
                                          " differs from destination view shape " +
                                          shape_to_string(dst.shape()));
  require(src.dtype() == dst.dtype(), "source and destination dtypes differ");
  require(src.rank() <= detail::kMaxRank, "rank above 64");
}

using Plan = ReducePlan;
using Outcome = ReducePlan::Outcome;

// Runs the whole nest serially: zeroing first unless accumulating or each dst is written once.
template <class T>
void run_serial(const Nest& nest, const T* src, T* dst, bool accumulate, bool pure) {
  if (!accumulate && pure) {
    detail::run_nest<T, Mode::Write>(nest, src, dst);
    return;
  }
  if (!accumulate) detail::zero_dst(nest, dst);
  detail::run_nest<T, Mode::Add>(nest, src, dst);
}

// The nest with axis `a` restricted to [lo, hi); pointers move by lo steps along it.
Nest restrict_axis(const Nest& nest, int a, Index lo, Index hi, Index& src_off, Index& dst_off) {
  Nest r = nest;
  r[a].extent = hi - lo;
  src_off = lo * nest[a].src;
  dst_off = lo * nest[a].dst;
  return r;
}

template <class T>
void split_kept(const Plan& p, int axis, const T* src, T* dst, bool accumulate, int threads) {
  support::parallel_for(p.nest[axis].extent, threads, [&](Index lo, Index hi) {
    Index so = 0, dof = 0;
    const Nest r = restrict_axis(p.nest, axis, lo, hi, so, dof);
    run_serial(r, src + so, dst + dof, accumulate, p.pure);
  });
}

// Splits reduced axis `axis` into chunks that sum into private partial buffers, then adds the
// partials in chunk order (deterministic for a given thread count).
template <class T>
void split_reduced(const Plan& p, int axis, const T* src, T* dst, bool accumulate, int threads) {
  using Ar = detail::Arith<T>;
  const int chunks = support::parallel_chunks(p.nest[axis].extent, threads);
  T partial[kPartialElems];
  // The nest writing into a compact partial buffer: kept axes get C-order strides.
  Nest compact = p.nest;
  Index stride = 1;
  for (int i = compact.rank - 1; i >= 0; --i) {
    if (compact[i].dst == 0) continue;
    compact[i].dst = stride;
    stride *= compact[i].extent;
  }
  const bool compact_pure = p.pure;
  support::parallel_for_chunks(p.nest[axis].extent, threads, [&](int c, Index lo, Index hi) {
    Index so = 0, dof = 0;
    const Nest r = restrict_axis(compact, axis, lo, hi, so, dof);
    run_serial(r, src + so, partial + c * p.kept_count, false, compact_pure);
  });
  // Combine: walk the kept positions in the compact order, tracking the real dst offset.
  Nest kept;
  for (int i = 0; i < p.nest.rank; ++i) {
    if (p.nest[i].dst != 0) kept[kept.rank++] = p.nest[i];
  }
  std::array<Index, detail::kMaxRank> idx{};
  Index dof = 0;
  for (Index e = 0; e < p.kept_count; ++e) {
    auto v = Ar::load(partial[e]);
    for (int c = 1; c < chunks; ++c) v = Ar::add(v, Ar::load(partial[c * p.kept_count + e]));
    dst[dof] = accumulate ? Ar::store(Ar::add(Ar::load(dst[dof]), v)) : Ar::store(v);
    for (int a = kept.rank - 1; a >= 0; --a) {
      Index& x = idx[static_cast<std::size_t>(a)];
      if (++x < kept[a].extent) {
        dof += kept[a].dst;
        break;
      }
      dof -= (kept[a].extent - 1) * kept[a].dst;
      x = 0;
    }
  }
}

template <class T>
void sum_typed(const Plan& p, const T* src, T* dst, bool accumulate, int threads) {
  if (threads == 1 || p.src_count < kSerialElems) {
    run_serial(p.nest, src, dst, accumulate, p.pure);
    return;
  }
  const int want = support::parallel_chunks(p.src_count, threads);
  int kept_axis = -1, reduced_axis = -1;
  for (int i = 0; i < p.nest.rank; ++i) {
    const bool kept = p.nest[i].dst != 0;
    int& best = kept ? kept_axis : reduced_axis;
    if (best < 0 || p.nest[i].extent > p.nest[best].extent) best = i;
  }
  const Index kept_extent = kept_axis >= 0 ? p.nest[kept_axis].extent : 0;
  if (kept_extent >= want) {
    split_kept(p, kept_axis, src, dst, accumulate, threads);
  } else if (reduced_axis >= 0 && p.nest[reduced_axis].extent >= want &&
             p.kept_count * want <= kPartialElems) {
    split_reduced(p, reduced_axis, src, dst, accumulate, threads);
  } else if (kept_extent >= 2) {
    split_kept(p, kept_axis, src, dst, accumulate, threads);
  } else {
    run_serial(p.nest, src, dst, accumulate, p.pure);
  }
}

}  // namespace

ReducePlan ReducePlan::make(std::span<const Index> shape, std::span<const Index> src_strides,
                            std::span<const Index> dst_strides) {
  require(src_strides.size() == shape.size() && dst_strides.size() == shape.size(),
          "shape and strides differ in rank");
  require(shape.size() <= static_cast<std::size_t>(detail::kMaxRank), "rank above 64");
  const int rank = static_cast<int>(shape.size());
  ReducePlan p;
  bool zero_reduced = false;
  for (int i = 0; i < rank; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    if (shape[ui] == 0 && dst_strides[ui] != 0) {
      p.outcome = Outcome::Nothing;  // the output itself is empty
      return p;
    }
    if (shape[ui] == 0) zero_reduced = true;
  }
  Nest& n = p.nest;
  for (int i = 0; i < rank; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    if (shape[ui] == 1) continue;
    n[n.rank++] = {shape[ui], src_strides[ui], dst_strides[ui]};
  }
  if (zero_reduced) {
    p.outcome = Outcome::ZeroOutput;
    return p;
  }
  // Innermost = src's fastest axis; fold axes contiguous in both operands.
  std::stable_sort(n.dim.begin(), n.dim.begin() + n.rank,
                   [](const RDim& x, const RDim& y) { return mag(x.src) > mag(y.src); });
  int folded = 0;
  for (int i = 0; i < n.rank; ++i) {
    const RDim d = n[i];
    if (folded > 0) {
      RDim& prev = n[folded - 1];
      if (prev.src == d.extent * d.src && prev.dst == d.extent * d.dst) {
        prev = {prev.extent * d.extent, d.src, d.dst};
        continue;
      }
    }
    n[folded++] = d;
  }
  n.rank = folded;
  for (int i = 0; i < n.rank; ++i) {
    p.src_count *= n[i].extent;
    if (n[i].dst != 0) {
      p.kept_count *= n[i].extent;
    } else if (i != n.rank - 1) {
      p.pure = false;
    }
  }
  return p;
}

void sum(const ReducePlan& p, DType dtype, const void* src, void* dst_data, bool accumulate,
         int threads) {
  if (p.outcome == Outcome::Nothing) return;
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* dst = static_cast<T*>(dst_data);
    if (p.outcome == Outcome::ZeroOutput) {
      if (!accumulate) detail::zero_dst(p.nest, dst);
      return;
    }
    sum_typed(p, static_cast<const T*>(src), dst, accumulate, threads);
  });
}

void sum(const TensorView& src, const TensorView& dst_view, bool accumulate, int threads) {
  validate(src, dst_view);
  const ReducePlan p = ReducePlan::make(src.shape(), src.strides(), dst_view.strides());
  sum(p, src.dtype(), src.data(), dst_view.data(), accumulate, threads);
}

void reference_sum(const TensorView& src, const TensorView& dst_view, bool accumulate) {
  validate(src, dst_view);
  const Index n = src.numel();
  const int rank = src.rank();
  visit_dtype(src.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using Ar = detail::Arith<T>;
    const T* s = static_cast<const T*>(src.data());
    T* d = static_cast<T*>(dst_view.data());
    auto offsets = [&](Index flat, Index& so, Index& dof) {
      so = dof = 0;
      for (int a = rank - 1; a >= 0; --a) {
        const auto ua = static_cast<std::size_t>(a);
        const Index x = flat % src.shape()[ua];
        flat /= src.shape()[ua];
        so += x * src.strides()[ua];
        dof += x * dst_view.strides()[ua];
      }
    };
    if (!accumulate) {
      // Every output element is zero first, including those no source element reaches (a
      // reduced axis of extent 0).
      Shape kept_shape = src.shape();
      for (int a = 0; a < rank; ++a) {
        const auto ua = static_cast<std::size_t>(a);
        if (dst_view.strides()[ua] == 0) kept_shape[ua] = 1;
      }
      const TensorView out(dst_view.data(), dst_view.dtype(), kept_shape, dst_view.strides());
      for (Index flat = 0; flat < out.numel(); ++flat) {
        Index rest = flat, dof = 0;
        for (int a = rank - 1; a >= 0; --a) {
          const auto ua = static_cast<std::size_t>(a);
          dof += (rest % kept_shape[ua]) * dst_view.strides()[ua];
          rest /= kept_shape[ua];
        }
        d[dof] = T{};
      }
    }
    for (Index flat = 0; flat < n; ++flat) {
      Index so = 0, dof = 0;
      offsets(flat, so, dof);
      d[dof] = Ar::store(Ar::add(Ar::load(d[dof]), Ar::load(s[so])));
    }
  });
}

}  // namespace ein::reduce
