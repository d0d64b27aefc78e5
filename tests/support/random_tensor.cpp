#include "support/random_tensor.hpp"

#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

namespace ein::test {

Index uniform_int(Rng& rng, Index lo, Index hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<Index>(rng() % span);
}

double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

bool chance(Rng& rng, double p) { return uniform01(rng) < p; }

Rng make_rng(std::uint64_t seed) {
  // splitmix64: decorrelates consecutive seeds before they reach the Mersenne twister.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return Rng(z ^ (z >> 31));
}

namespace {

template <class T>
T random_value(Rng& rng) {
  if constexpr (std::is_same_v<T, bool>) {
    return (rng() >> 63) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(uniform_int(rng, -3, 3));
  } else if constexpr (is_complex_v<T>) {
    using F = typename T::value_type;
    const F re = static_cast<F>(2 * uniform01(rng) - 1);
    const F im = static_cast<F>(2 * uniform01(rng) - 1);
    return T(re, im);
  } else {
    return static_cast<T>(2 * uniform01(rng) - 1);
  }
}

// What fills the gaps of an odd-strided buffer: values that visibly spoil a result.
template <class T>
T sentinel() {
  if constexpr (std::is_same_v<T, bool>) {
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(1000003);
  } else if constexpr (is_complex_v<T>) {
    using F = typename T::value_type;
    return T(std::numeric_limits<F>::quiet_NaN(), std::numeric_limits<F>::quiet_NaN());
  } else {
    return std::numeric_limits<T>::quiet_NaN();
  }
}

}  // namespace

Tensor random_tensor(DType dtype, const Shape& shape, Rng& rng) {
  Tensor t = Tensor::empty(dtype, shape);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) p[i] = random_value<T>(rng);
  });
  return t;
}

Tensor random_tensor(DType dtype, const Shape& shape, std::uint64_t seed) {
  Rng rng = make_rng(seed);
  return random_tensor(dtype, shape, rng);
}

Tensor odd_strided_copy(const TensorView& values, Rng& rng, const LayoutOptions& options) {
  const Shape& shape = values.shape();
  const std::size_t rank = shape.size();
  std::vector<Index> step(rank, 1);
  std::vector<bool> reversed(rank, false);
  for (std::size_t a = 0; a < rank; ++a) {
    if (shape[a] > 1) {
      step[a] = uniform_int(rng, 1, options.max_step);
      reversed[a] = chance(rng, options.p_reverse);
    }
  }
  // Axis a of the view sits at position where[a] of the buffer's (row-major) axes.
  std::vector<std::size_t> order(rank);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (chance(rng, options.p_permute)) {
    for (std::size_t i = rank; i > 1; --i) {
      std::swap(order[i - 1], order[static_cast<std::size_t>(uniform_int(rng, 0, Index(i) - 1))]);
    }
  }
  Shape buffer_shape(rank);
  for (std::size_t j = 0; j < rank; ++j) buffer_shape[j] = shape[order[j]] * step[order[j]];
  const Strides buffer_strides = contiguous_strides(buffer_shape);
  const Index pad = uniform_int(rng, 0, 3);  // so data() is not the buffer's first element
  const Index total = pad + checked_numel(buffer_shape);

  Strides strides(rank);
  Index offset = pad;
  for (std::size_t j = 0; j < rank; ++j) {
    const std::size_t a = order[j];
    strides[a] = buffer_strides[j] * step[a] * (reversed[a] ? -1 : 1);
    if (reversed[a]) offset += (shape[a] - 1) * step[a] * buffer_strides[j];
    // An extent-1 axis may have any stride; engines must not read through it.
    if (shape[a] == 1 && chance(rng, options.p_odd_unit)) strides[a] = chance(rng, 0.5) ? 0 : 977;
  }

  Tensor buffer = Tensor::empty(values.dtype(), {total});
  visit_dtype(values.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(buffer.data());
    for (Index i = 0; i < total; ++i) p[i] = sentinel<T>();
  });
  if (values.numel() == 0) offset = 0;  // nothing is read; stay inside the allocation
  auto* data = static_cast<std::byte*>(buffer.data());
  if (data != nullptr) data += offset * static_cast<Index>(values.itemsize());
  TensorView view(data, values.dtype(), shape, strides);
  copy_into(values, view);
  return {buffer.owner(), view};
}

Tensor random_view(DType dtype, const Shape& shape, Rng& rng, const LayoutOptions& options) {
  const Tensor values = random_tensor(dtype, shape, rng);
  return odd_strided_copy(values, rng, options);
}

Tensor random_broadcast(DType dtype, const Shape& shape, int axis, Rng& rng) {
  Shape narrow = shape;
  narrow.at(static_cast<std::size_t>(axis)) = 1;
  return random_tensor(dtype, narrow, rng).broadcast_to(shape);
}

}  // namespace ein::test
