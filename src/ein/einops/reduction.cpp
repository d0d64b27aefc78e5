#include "ein/einops/reduction.hpp"

#include <array>
#include <cmath>
#include <span>
#include <type_traits>
#include <vector>

#include "ein/einops/views.hpp"
#include "ein/elementwise/arith.hpp"
#include "ein/ops.hpp"

namespace ein::einops {

namespace {

template <class T>
bool is_nan(const T& v) {
  if constexpr (is_complex_v<T>) {
    return std::isnan(v.real()) || std::isnan(v.imag());
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// NumPy's ordering for maximum/minimum: complex numbers compare lexicographically.
template <class T>
bool less(const T& a, const T& b) {
  if constexpr (is_complex_v<T>) {
    return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
  } else {
    return a < b;
  }
}

// Calls block(outer_offset, for_each_inner) once per output element in C order, where
// for_each_inner(f) calls f(element) for every element of that output's reduced block.
template <class T, class Block>
void for_each_block(const TensorView& v, int kept, Block&& block) {
  const std::span<const Index> shape(v.shape()), strides(v.strides());
  const auto k = static_cast<std::size_t>(kept);
  const T* base = static_cast<const T*>(v.data());
  for_each_offset(shape.first(k), strides.first(k), [&](Index outer) {
    block([&](auto&& f) {
      for_each_offset(shape.subspan(k), strides.subspan(k),
                      [&](Index inner) { f(base[outer + inner]); });
    });
  });
}

template <class T>
void extremum(const TensorView& v, int kept, T* dst, bool want_max) {
  for_each_block<T>(v, kept, [&](auto&& inner) {
    T best{};
    bool first = true, nan = false;
    inner([&](const T& x) {
      if (nan) return;  // NaN propagates, as NumPy's maximum/minimum do
      if (is_nan(x)) {
        best = x;
        nan = true;
      } else if (first || (want_max ? less(best, x) : less(x, best))) {
        best = x;
      }
      first = false;
    });
    *dst++ = best;
  });
}

template <class T, class Out>
void product(const TensorView& v, int kept, Out* dst) {
  for_each_block<T>(v, kept, [&](auto&& inner) {
    Out acc = convert_value<Out>(1);
    // multiply_values wraps integers (no signed overflow) and uses NumPy's complex formula.
    inner([&](const T& x) { acc = elementwise::multiply_values(acc, convert_value<Out>(x)); });
    *dst++ = acc;
  });
}

template <class T>
void any_all(const TensorView& v, int kept, bool* dst, bool want_all) {
  for_each_block<T>(v, kept, [&](auto&& inner) {
    bool acc = want_all;
    inner([&](const T& x) {
      const bool truth = x != T{};
      acc = want_all ? (acc && truth) : (acc || truth);
    });
    *dst++ = acc;
  });
}

Tensor sum_trailing(const TensorView& v, int kept) {
  std::vector<int> axes;
  for (int a = kept; a < v.rank(); ++a) axes.push_back(a);
  return ein::sum(v, axes);
}

}  // namespace

Tensor reduce_trailing(const TensorView& v, int kept, Reduction op, const std::string& context) {
  // Nothing to reduce: einops skips the reduction, so the dtype stays (a sum would widen it).
  if (kept == v.rank()) return Tensor::borrow(v).copy();
  const Shape out_shape(v.shape().begin(), v.shape().begin() + kept);
  Index block = 1;
  for (int a = kept; a < v.rank(); ++a) block *= v.extent(a);
  switch (op) {
    case Reduction::Sum:
      return sum_trailing(v, kept);
    case Reduction::Mean: {
      if (!is_floating(v.dtype())) {
        throw Error(ErrorCode::DTypeMismatch,
                    "reduce_mean is not available for non-floating tensors (dtype " +
                        std::string(dtype_name(v.dtype())) + ")" + context);
      }
      // 0 / 0 gives NaN for an empty block, as NumPy's mean does.
      return ein::divide(sum_trailing(v, kept), static_cast<double>(block));
    }
    case Reduction::Max:
    case Reduction::Min: {
      if (block == 0) {  // NumPy raises even when the result is empty too
        throw Error(ErrorCode::InvalidArgument,
                    std::string("zero-size array to reduction operation ") +
                        (op == Reduction::Max ? "maximum" : "minimum") + " which has no identity" +
                        context);
      }
      Tensor out = Tensor::empty(v.dtype(), out_shape);
      visit_dtype(v.dtype(), [&](auto tag) {
        using T = decltype(tag);
        extremum<T>(v, kept, out.data_as<T>(), op == Reduction::Max);
      });
      return out;
    }
    case Reduction::Prod: {
      const DType out_dtype =
          v.dtype() == DType::Bool || v.dtype() == DType::Int32 ? DType::Int64 : v.dtype();
      Tensor out = Tensor::empty(out_dtype, out_shape);
      visit_dtype(v.dtype(), [&](auto tag) {
        using T = decltype(tag);
        visit_dtype(out_dtype, [&](auto out_tag) {
          using Out = decltype(out_tag);
          if constexpr (std::is_same_v<Out, T> ||
                        (std::is_same_v<Out, std::int64_t> && !is_complex_v<T> &&
                         !std::is_floating_point_v<T>)) {
            product<T, Out>(v, kept, out.data_as<Out>());
          }
        });
      });
      return out;
    }
    case Reduction::Any:
    case Reduction::All: {
      Tensor out = Tensor::empty(DType::Bool, out_shape);
      visit_dtype(v.dtype(), [&](auto tag) {
        using T = decltype(tag);
        any_all<T>(v, kept, out.data_as<bool>(), op == Reduction::All);
      });
      return out;
    }
  }
  throw Error(ErrorCode::Internal, "reduce: unknown reduction" + context);
}

}  // namespace ein::einops
