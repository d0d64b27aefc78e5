// Semiring reductions (an einsum's single-operand "sum" steps and the combination of sliced
// chunks), the zero fill, and the names.
//
// The loop is output-major: threads take ranges of output elements, and each folds its input
// elements in the order of src's memory (the reduced axes sorted by stride, the smallest
// innermost). Log-sum-exp folds twice per output element, max first and then the sum of
// exp(x - max), so it needs no buffer and is exact-stable like the pairwise kernel.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "ein/semiring/ops.hpp"
#include "ein/semiring/semiring.hpp"
#include "ein/support/parallel.hpp"

namespace ein::semiring {
namespace {

constexpr int kMaxRank = 64;

struct Axis {
  Index extent = 1;
  Index src = 0;
  Index dst = 0;
};

// The axes of a reduction, split into kept (output) and reduced ones; extent-1 axes dropped.
struct Split {
  std::array<Axis, kMaxRank> kept{};
  std::array<Axis, kMaxRank> red{};
  int num_kept = 0;
  int num_red = 0;
  Index kept_count = 1;
  Index red_count = 1;
};

Split split_axes(std::span<const Index> shape, std::span<const Index> src_strides,
                 std::span<const Index> dst_strides) {
  Split s;
  for (std::size_t ax = 0; ax < shape.size(); ++ax) {
    const Axis a{shape[ax], src_strides[ax], dst_strides[ax]};
    if (a.extent == 1) continue;
    if (a.dst == 0 && a.extent > 1) {
      s.red[static_cast<std::size_t>(s.num_red++)] = a;
      s.red_count *= a.extent;
    } else {
      s.kept[static_cast<std::size_t>(s.num_kept++)] = a;
      s.kept_count *= a.extent;
    }
  }
  // Innermost reduced axis: the one with the smallest |src stride| (memory order).
  std::stable_sort(s.red.begin(), s.red.begin() + s.num_red,
                   [](const Axis& x, const Axis& y) { return std::abs(x.src) > std::abs(y.src); });
  return s;
}

// Calls f(x) for every src element reduced into one output element, in memory order.
template <class T, class F>
void for_each_reduced(const Split& s, const T* base, F&& f) {
  if (s.red_count == 0) return;
  if (s.num_red == 0) {
    f(*base);
    return;
  }
  const Axis& inner = s.red[static_cast<std::size_t>(s.num_red - 1)];
  std::array<Index, kMaxRank> idx{};
  // An element offset, not a moving pointer: with negative strides a pointer stepped past the
  // last index would leave the buffer (UB even if never dereferenced).
  Index off = 0;
  for (;;) {
    for (Index i = 0; i < inner.extent; ++i) f(base[off + i * inner.src]);
    int d = s.num_red - 2;
    for (; d >= 0; --d) {
      const Axis& a = s.red[static_cast<std::size_t>(d)];
      off += a.src;
      if (++idx[static_cast<std::size_t>(d)] < a.extent) break;
      off -= a.extent * a.src;
      idx[static_cast<std::size_t>(d)] = 0;
    }
    if (d < 0) return;
  }
}

template <class T, class Op>
T fold(const Split& s, const T* base) {
  if constexpr (std::is_same_v<Op, detail::LogSumExpOp<T>>) {
    T m = -detail::kInf<T>;
    for_each_reduced(s, base, [&](T x) { m = x > m ? x : m; });
    if (!std::isfinite(m)) {
      // NaN never wins a comparison: look for one so NaN inputs give NaN.
      for_each_reduced(s, base, [&](T x) { m = std::isnan(x) ? x : m; });
      return m;
    }
    T sum = 0;
    for_each_reduced(s, base, [&](T x) { sum += std::exp(x - m); });
    return m + std::log(sum);
  } else {
    T acc = Op::zero();
    for_each_reduced(s, base, [&](T x) { acc = Op::add(acc, x); });
    return acc;
  }
}

template <class T, class Op>
void reduce_typed(const Split& s, const T* src, T* dst, bool accumulate, int threads) {
  if (s.kept_count == 0) return;
  const double work = static_cast<double>(s.kept_count) * static_cast<double>(s.red_count);
  const int nthreads = work < 32768.0 ? 1 : threads;
  const Index grain = std::max<Index>(1, 4096 / std::max<Index>(s.red_count, 1));
  support::parallel_for(
      s.kept_count, nthreads,
      [&](Index begin, Index end) {
        for (Index e = begin; e < end; ++e) {
          Index rest = e, so = 0, dof = 0;
          for (int d = s.num_kept; d-- > 0;) {
            const Axis& a = s.kept[static_cast<std::size_t>(d)];
            const Index i = rest % a.extent;
            rest /= a.extent;
            so += i * a.src;
            dof += i * a.dst;
          }
          const T v = fold<T, Op>(s, src + so);
          dst[dof] = accumulate ? Op::add(dst[dof], v) : v;
        }
      },
      grain);
}

template <class T>
constexpr T zero_of(Semiring s) {
  switch (s) {
    case Semiring::MaxPlus:
    case Semiring::LogSumExp:
      return -detail::kInf<T>;
    case Semiring::MinPlus:
      return detail::kInf<T>;
    case Semiring::MaxTimes:
    case Semiring::Standard:
      break;
  }
  return T{0};
}

}  // namespace

const char* name(Semiring s) noexcept {
  switch (s) {
    case Semiring::Standard:
      return "standard";
    case Semiring::MaxPlus:
      return "max_plus";
    case Semiring::MinPlus:
      return "min_plus";
    case Semiring::LogSumExp:
      return "log_sum_exp";
    case Semiring::MaxTimes:
      return "max_times";
  }
  return "?";
}

std::optional<Semiring> from_name(std::string_view n) noexcept {
  for (Semiring s : {Semiring::Standard, Semiring::MaxPlus, Semiring::MinPlus, Semiring::LogSumExp,
                     Semiring::MaxTimes}) {
    if (n == name(s)) return s;
  }
  return std::nullopt;
}

void check_dtype(Semiring s, DType dtype) {
  if (s == Semiring::Standard || dtype == DType::Float32 || dtype == DType::Float64) return;
  throw Error(ErrorCode::DTypeMismatch,
              std::string("einsum: semiring '") + name(s) + "' needs float32 or float64 operands" +
                  ", the computation dtype is " + std::string(dtype_name(dtype)) +
                  " (cast the operands, or pass dtype=float64)");
}

void fill_zero(Semiring s, DType dtype, void* out, Index n) noexcept {
  if (dtype == DType::Float32) {
    std::fill_n(static_cast<float*>(out), n, zero_of<float>(s));
  } else if (dtype == DType::Float64) {
    std::fill_n(static_cast<double*>(out), n, zero_of<double>(s));
  }
}

void reduce(Semiring s, DType dtype, std::span<const Index> shape, const void* src,
            std::span<const Index> src_strides, void* dst, std::span<const Index> dst_strides,
            bool accumulate, int threads) {
  check_dtype(s, dtype);
  if (s == Semiring::Standard || shape.size() > static_cast<std::size_t>(kMaxRank) ||
      src_strides.size() != shape.size() || dst_strides.size() != shape.size()) {
    throw Error(ErrorCode::Internal, "semiring::reduce: bad call (standard semiring or rank)");
  }
  const Split sp = split_axes(shape, src_strides, dst_strides);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    detail::with_op<T>(s, [&](auto op) {
      reduce_typed<T, decltype(op)>(sp, static_cast<const T*>(src), static_cast<T*>(dst),
                                    accumulate, threads);
    });
  };
  if (dtype == DType::Float32) {
    run(float{});
  } else {
    run(double{});
  }
}

}  // namespace ein::semiring
