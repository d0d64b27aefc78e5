// Test-only helpers shared by the kernel tests (permute/, gemm/, reduce/): a seeded generator
// and random strided views (padding, reversed and broadcast axes) over padded buffers whose
// bytes can be compared whole, so a kernel writing outside its view is caught too.
// Header-only and not part of the library.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::testing_kernels {

// EIN_SEED overrides the default seed so a failure printed with its seed can be replayed.
inline std::uint64_t test_seed(std::uint64_t fallback) {
  if (const char* s = std::getenv("EIN_SEED")) return std::strtoull(s, nullptr, 10);
  return fallback;
}

// A view over a padded 1-D storage tensor of the same dtype (64-byte aligned, via Tensor::empty).
struct StridedBuffer {
  Tensor storage;  // every element the view can reach, plus gaps
  TensorView view;
  [[nodiscard]] std::size_t bytes() const {
    return static_cast<std::size_t>(storage.numel()) * storage.view().itemsize();
  }
  [[nodiscard]] const unsigned char* raw() const {
    return static_cast<const unsigned char*>(storage.data());
  }
};

struct LayoutOptions {
  bool allow_negative = true;  // reversed axes
  bool allow_zero = false;     // broadcast (stride 0) axes: only for sources
  bool allow_padding = true;   // gaps between elements or rows
  bool shuffle_order = true;   // axis order in memory differs from logical order
};

// Random values of dtype T including specials: NaN, +-Inf, -0.0, values outside integer ranges.
template <class T>
T random_value(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 19);
  const int k = pick(rng);
  if constexpr (std::is_same_v<T, bool>) {
    return (rng() & 1U) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    if (k == 0) return std::numeric_limits<T>::max();
    if (k == 1) return std::numeric_limits<T>::min();
    if (k < 6) return static_cast<T>(rng());  // any bit pattern (wraps)
    return static_cast<T>(std::uniform_int_distribution<int>(-9, 9)(rng));
  } else if constexpr (is_complex_v<T>) {
    using R = typename T::value_type;
    return T(random_value<R>(rng), random_value<R>(rng));
  } else {
    if (k == 0) return std::numeric_limits<T>::quiet_NaN();
    if (k == 1) return std::numeric_limits<T>::infinity();
    if (k == 2) return -std::numeric_limits<T>::infinity();
    if (k == 3) return T(-0.0);
    if (k == 4) return T(3e10);   // beyond int32
    if (k == 5) return T(-1e19);  // beyond int64
    return static_cast<T>(std::uniform_real_distribution<double>(-8, 8)(rng));
  }
}

// Small "nice" values (no specials) for arithmetic tests where tolerances must be meaningful.
template <class T>
T random_small(std::mt19937_64& rng) {
  if constexpr (std::is_same_v<T, bool>) {
    return (rng() % 3) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(std::uniform_int_distribution<int>(-9, 9)(rng));
  } else if constexpr (is_complex_v<T>) {
    using R = typename T::value_type;
    return T(random_small<R>(rng), random_small<R>(rng));
  } else {
    return static_cast<T>(std::uniform_real_distribution<double>(-2, 2)(rng));
  }
}

inline void fill_random(const Tensor& t, std::mt19937_64& rng, bool specials) {
  visit_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data());
    for (Index i = 0; i < t.numel(); ++i)
      p[i] = specials ? random_value<T>(rng) : random_small<T>(rng);
  });
}

// A random layout for `shape`: storage with optional gaps, axes in a random memory order,
// optional reversed and broadcast axes. The storage is filled with random values.
inline StridedBuffer random_layout(DType dtype, const Shape& shape, std::mt19937_64& rng,
                                   const LayoutOptions& opt, bool specials = true) {
  const int rank = static_cast<int>(shape.size());
  std::vector<int> order(static_cast<std::size_t>(rank));
  std::iota(order.begin(), order.end(), 0);
  if (opt.shuffle_order) std::shuffle(order.begin(), order.end(), rng);
  Strides strides(static_cast<std::size_t>(rank), 0);
  Index step = opt.allow_padding ? static_cast<Index>(1 + rng() % 2) : 1;
  bool any_zero_extent = false;
  for (Index e : shape) any_zero_extent = any_zero_extent || e == 0;
  for (int i = rank - 1; i >= 0; --i) {  // order[rank-1] is the fastest axis
    const auto a = static_cast<std::size_t>(order[static_cast<std::size_t>(i)]);
    strides[a] = step;
    const Index extent = std::max<Index>(shape[a], 1);
    step *= extent;
    if (opt.allow_padding && rng() % 4 == 0) step += static_cast<Index>(rng() % 3);
  }
  const Index span = std::max<Index>(step, 1);
  Index offset = 0;
  for (int a = 0; a < rank; ++a) {
    const auto ua = static_cast<std::size_t>(a);
    if (opt.allow_zero && rng() % 5 == 0) {
      strides[ua] = 0;
    } else if (opt.allow_negative && rng() % 3 == 0 && !any_zero_extent) {
      offset += (shape[ua] - 1) * strides[ua];
      strides[ua] = -strides[ua];
    }
  }
  StridedBuffer b;
  b.storage = Tensor::empty(dtype, {span});
  fill_random(b.storage, rng, specials);
  auto* base = static_cast<unsigned char*>(b.storage.data()) +
               static_cast<std::size_t>(offset) * itemsize(dtype);
  b.view = TensorView(base, dtype, shape, strides);
  return b;
}

// A buffer with the same layout (strides, offset, size) and the same bytes as `like`.
inline StridedBuffer clone_layout(const StridedBuffer& like) {
  StridedBuffer b;
  b.storage = Tensor::empty(like.storage.dtype(), like.storage.shape());
  std::memcpy(b.storage.data(), like.storage.data(), like.bytes());
  const auto offset = static_cast<const unsigned char*>(like.view.data()) - like.raw();
  b.view = TensorView(static_cast<unsigned char*>(b.storage.data()) + offset, like.view.dtype(),
                      like.view.shape(), like.view.strides());
  return b;
}

inline Shape random_shape(std::mt19937_64& rng, int max_rank, Index max_extent) {
  const int rank = static_cast<int>(rng() % static_cast<std::uint64_t>(max_rank + 1));
  Shape s(static_cast<std::size_t>(rank));
  for (auto& e : s) e = 1 + static_cast<Index>(rng() % static_cast<std::uint64_t>(max_extent));
  return s;
}

inline std::string describe(const TensorView& v) {
  std::string s = std::string(dtype_name(v.dtype())) + " shape " + shape_to_string(v.shape()) +
                  " strides " + shape_to_string(v.strides());
  return s;
}

}  // namespace ein::testing_kernels
