// Running PermutePlans: blocking into units of work, threading, dtype dispatch.
#include "ein/permute/permute.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>

#include "ein/permute/kernels.hpp"
#include "ein/support/parallel.hpp"

namespace ein::permute {

namespace {

// How the 2-D kernel rectangle (rows x inner) of each outer position is cut into units of work.
struct Blocking {
  Index row_block = 1, col_block = 1;
  Index row_blocks = 1, col_blocks = 1;
  [[nodiscard]] Index per_outer() const { return row_blocks * col_blocks; }
};

// Destinations at least this large are written with cache-bypassing stores in transposes: they
// cannot stay cached anyway, and skipping the read-for-ownership of every destination line is
// worth about 2x there. Smaller outputs stay in cache for the GEMM that usually reads them next.
constexpr Index kStreamBytes = Index{8} << 20;

template <class To, class From>
Blocking choose_blocking(const PermutePlan& p, bool stream) {
  Blocking b;
  const Index rows = p.rows.extent, cols = p.inner.extent;
  if (p.kind == PermuteKind::Transpose) {
    const Index side = std::max(detail::tile_side<To>(), detail::tile_side<From>());
    if (stream) {
      // Tall blocks: 1 KiB contiguous source reads per column keep the prefetchers busy, and
      // each tile completes its destination lines at once.
      b.row_block = std::max(side, Index{1024} / static_cast<Index>(sizeof(From)));
      b.col_block = 2 * side;
    } else {
      b.row_block = 4 * side;
      b.col_block = 4 * side;
    }
  } else {
    // About 64 KiB per unit so long 1-D copies can still be split between threads.
    constexpr Index unit_elems = Index{65536} / static_cast<Index>(sizeof(To));
    b.col_block = std::min(cols, unit_elems);
    b.row_block = std::clamp<Index>(unit_elems / b.col_block, 1, rows);
  }
  b.row_blocks = (rows + b.row_block - 1) / b.row_block;
  b.col_blocks = (cols + b.col_block - 1) / b.col_block;
  return b;
}

// Whether a transpose may use streaming stores: a same-type copy with the unit strides the SIMD
// tiles need, a large destination, and every tile row starting on a cache line.
template <class To, class From>
bool use_streaming(const PermutePlan& p, const To* dst) {
#if defined(__SSE2__)
  if (!std::is_same_v<To, From> || sizeof(To) == 2 || p.kind != PermuteKind::Transpose) {
    return false;  // (no 2-byte SIMD tiles: see move_tiled)
  }
  if (p.rows.src_stride != 1 || p.inner.dst_stride != 1) return false;
  if (p.numel() * static_cast<Index>(sizeof(To)) < kStreamBytes) return false;
  constexpr Index line = 64 / static_cast<Index>(sizeof(To));
  if (reinterpret_cast<std::uintptr_t>(dst) % 64 != 0 || p.rows.dst_stride % line != 0) {
    return false;
  }
  for (const PermuteAxis& a : p.outer_axes()) {
    if (a.dst_stride % line != 0) return false;
  }
  return true;
#else
  (void)p;
  (void)dst;
  return false;
#endif
}

// Tracks the element offsets of outer position `o` while walking positions in order.
class Odometer {
 public:
  explicit Odometer(const PermutePlan& p) : p_(p) {}

  void seek(Index o) {
    pos_ = o;
    src_ = dst_ = 0;
    for (int a = p_.outer_rank - 1; a >= 0; --a) {
      const PermuteAxis& ax = p_.outer[static_cast<std::size_t>(a)];
      const Index i = o % ax.extent;
      o /= ax.extent;
      idx_[static_cast<std::size_t>(a)] = i;
      src_ += i * ax.src_stride;
      dst_ += i * ax.dst_stride;
    }
  }

  void go_to(Index o) {
    if (o == pos_) return;
    if (pos_ < 0 || o != pos_ + 1) {
      seek(o);
      return;
    }
    pos_ = o;
    for (int a = p_.outer_rank - 1; a >= 0; --a) {
      const PermuteAxis& ax = p_.outer[static_cast<std::size_t>(a)];
      Index& i = idx_[static_cast<std::size_t>(a)];
      if (++i < ax.extent) {
        src_ += ax.src_stride;
        dst_ += ax.dst_stride;
        return;
      }
      src_ -= (ax.extent - 1) * ax.src_stride;
      dst_ -= (ax.extent - 1) * ax.dst_stride;
      i = 0;
    }
  }

  [[nodiscard]] Index src() const { return src_; }
  [[nodiscard]] Index dst() const { return dst_; }

 private:
  const PermutePlan& p_;
  std::array<Index, kMaxRank> idx_{};
  Index pos_ = -1;
  Index src_ = 0, dst_ = 0;
};

template <class To, class From>
void run_units(const PermutePlan& p, const Blocking& b, bool stream, const From* src, To* dst,
               Index begin, Index end) {
  Odometer odo(p);
  for (Index u = begin; u < end; ++u) {
    const Index o = u / b.per_outer();
    const Index rem = u % b.per_outer();
    const Index rb = rem / b.col_blocks, cb = rem % b.col_blocks;
    odo.go_to(o);
    const Index i0 = rb * b.row_block, j0 = cb * b.col_block;
    const detail::Rect r{std::min(b.row_block, p.rows.extent - i0),
                         std::min(b.col_block, p.inner.extent - j0),
                         p.rows.src_stride,
                         p.inner.src_stride,
                         p.rows.dst_stride,
                         p.inner.dst_stride};
    const From* s = src + odo.src() + i0 * p.rows.src_stride + j0 * p.inner.src_stride;
    To* d = dst + odo.dst() + i0 * p.rows.dst_stride + j0 * p.inner.dst_stride;
    if (p.kind == PermuteKind::Transpose) {
      detail::move_tiled(s, d, r, stream);
    } else {
      detail::move_runs(s, d, r);
    }
  }
#if defined(__SSE2__)
  // Streaming stores are weakly ordered: make them visible before the caller (or the thread
  // that joins this chunk) reads the destination.
  if (stream) _mm_sfence();
#endif
}

template <class To, class From>
void execute_typed(const PermutePlan& p, const From* src, To* dst, int threads) {
  if (p.kind == PermuteKind::Empty) return;
  src += p.src_offset;
  dst += p.dst_offset;
  const bool stream = use_streaming<To, From>(p, dst);
  const Blocking b = choose_blocking<To, From>(p, stream);
  const Index units = p.outer_count * b.per_outer();
  const Index bytes = p.numel() * static_cast<Index>(sizeof(To) + sizeof(From));
  if (threads == 1 || units == 1 || bytes < kParallelBytes) {
    run_units(p, b, stream, src, dst, 0, units);
    return;
  }
  // Each chunk moves at least half of kParallelBytes so thread start-up stays negligible.
  const Index grain = std::max<Index>(1, units / std::max<Index>(1, bytes / (kParallelBytes / 2)));
  support::parallel_for(
      units, threads, [&](Index lo, Index hi) { run_units(p, b, stream, src, dst, lo, hi); },
      grain);
}

// Copying a view onto itself is a no-op (and memcpy on identical ranges is undefined).
bool same_view(const TensorView& src, const TensorView& dst) {
  return src.data() == dst.data() && src.strides() == dst.strides() && src.shape() == dst.shape();
}

void require(bool ok, const char* what) {
  if (!ok) throw Error(ErrorCode::InvalidArgument, what);
}

}  // namespace

void execute(const PermutePlan& plan, DType src_dtype, const void* src, DType dst_dtype, void* dst,
             int threads) {
  // This is the conversion path of the storage dtypes (int8, float16...): the only kernel that
  // visits them.
  visit_storage_dtype(dst_dtype, [&](auto to_tag) {
    using To = decltype(to_tag);
    visit_storage_dtype(src_dtype, [&](auto from_tag) {
      using From = decltype(from_tag);
      execute_typed(plan, static_cast<const From*>(src), static_cast<To*>(dst), threads);
    });
  });
}

void copy(const TensorView& src, const TensorView& dst, int threads) {
  require(src.dtype() == dst.dtype(), "permute::copy: source and destination dtypes differ");
  if (same_view(src, dst)) return;
  const PermutePlan plan = PermutePlan::make(src, dst);
  execute(plan, src.dtype(), src.data(), dst.dtype(), dst.data(), threads);
}

void convert(const TensorView& src, const TensorView& dst, int threads) {
  if (src.dtype() == dst.dtype() && same_view(src, dst)) return;
  const PermutePlan plan = PermutePlan::make(src, dst);
  execute(plan, src.dtype(), src.data(), dst.dtype(), dst.data(), threads);
}

void reference_copy(const TensorView& src, const TensorView& dst) {
  require(src.shape() == dst.shape(), "permute::reference_copy: shapes differ");
  const Index n = dst.numel();
  const int rank = dst.rank();
  visit_storage_dtype(dst.dtype(), [&](auto to_tag) {
    using To = decltype(to_tag);
    visit_storage_dtype(src.dtype(), [&](auto from_tag) {
      using From = decltype(from_tag);
      std::array<Index, kMaxRank> idx{};
      require(rank <= kMaxRank, "permute::reference_copy: rank too large");
      for (Index flat = 0; flat < n; ++flat) {
        Index rest = flat, so = 0, dof = 0;
        for (int a = rank - 1; a >= 0; --a) {
          const auto ua = static_cast<std::size_t>(a);
          idx[ua] = rest % dst.shape()[ua];
          rest /= dst.shape()[ua];
          so += idx[ua] * src.strides()[ua];
          dof += idx[ua] * dst.strides()[ua];
        }
        static_cast<To*>(dst.data())[dof] =
            convert_value<To>(static_cast<const From*>(src.data())[so]);
      }
    });
  });
}

}  // namespace ein::permute
