// Scaled dot-product attention: two einsums around a masked, scaled softmax.
#include "ein/nn/attention.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "ein/einsum.hpp"
#include "ein/nn/common.hpp"
#include "ein/nn/rows.hpp"
#include "ein/nn/softmax_kernel.hpp"

namespace ein::nn {

namespace {

constexpr const char* kSdpa = "scaled_dot_product_attention";

Tensor contract(const char* equation, const TensorView& a, const TensorView& b, DType dtype,
                int threads) {
  EinsumOptions options;
  options.dtype = dtype;
  options.threads = threads;
  const std::array<TensorView, 2> ops = {a, b};
  return einsum(equation, ops, options);
}

// The mask as a view of the scores' shape (broadcast), converted to the scores' dtype when it is
// an additive float mask.
Tensor prepare_mask(const TensorView& mask, const Shape& scores_shape, DType dtype) {
  if (mask.dtype() != DType::Bool && !is_floating(mask.dtype())) {
    throw Error(ErrorCode::DTypeMismatch,
                std::string("attention: mask must be bool (true = attend) or floating (added to "
                            "the scores), got ") +
                    std::string(dtype_name(mask.dtype())));
  }
  const int r = static_cast<int>(scores_shape.size());
  bool fits = mask.rank() <= r;
  for (int i = 1; fits && i <= mask.rank(); ++i) {
    const Index e = mask.extent(-i), s = scores_shape[static_cast<std::size_t>(r - i)];
    fits = e == s || e == 1;
  }
  if (!fits) {
    throw Error(ErrorCode::ShapeMismatch, "attention: mask of shape " +
                                              shape_to_string(mask.shape()) +
                                              " does not broadcast to the scores' shape " +
                                              shape_to_string(scores_shape) + " (..., L, S)");
  }
  const Tensor m = mask.dtype() == DType::Bool ? Tensor::borrow(mask) : as_dtype(mask, dtype);
  return m.broadcast_to(scores_shape);
}

template <class T>
void weights_rows(const Tensor& scores, const Tensor* mask, T scale, bool causal) {
  constexpr T kNegInf = -std::numeric_limits<T>::infinity();
  const TensorView& s = scores.view();
  const int r = s.rank();
  const Index L = s.extent(-2), S = s.extent(-1);
  T* base = static_cast<T*>(s.data());
  const std::span<const Index> outer(s.shape().data(), static_cast<std::size_t>(r - 1));
  const bool bool_mask = mask && mask->dtype() == DType::Bool;
  const std::span<const Index> mask_strides =
      mask ? std::span<const Index>(mask->strides().data(), static_cast<std::size_t>(r - 1))
           : std::span<const Index>();
  const Index ms = mask ? mask->strides().back() : 0;
  for_each_row(s, s, 0, [&](Index row, Index, Index offset) {
    T* x = base + offset;
    // Causal: keys after the query position are cut off (top-left aligned).
    const Index limit = causal ? std::min(S, row % L + 1) : S;
    // Scale and mask in place; the unmasked case is a plain vectorisable loop.
    if (!mask) {
      for (Index j = 0; j < limit; ++j) x[j] *= scale;
    } else {
      const Index mo = row_offset(row, outer, mask_strides);
      if (bool_mask) {
        const bool* m = static_cast<const bool*>(mask->data()) + mo;
        for (Index j = 0; j < limit; ++j) x[j] = m[j * ms] ? x[j] * scale : kNegInf;
      } else {
        const T* a = static_cast<const T*>(mask->data()) + mo;
        for (Index j = 0; j < limit; ++j) x[j] = x[j] * scale + a[j * ms];
      }
    }
    for (Index j = limit; j < S; ++j) x[j] = kNegInf;
    softmax_apply(x, 1, x, 1, S, false, contiguous_stats(x, S));
  });
}

}  // namespace

void check_attention_shapes(const TensorView& q, const TensorView& k, const TensorView& v) {
  const std::array<std::pair<const char*, const TensorView*>, 3> named = {
      {{"q", &q}, {"k", &k}, {"v", &v}}};
  for (const auto& [name, t] : named) {
    if (t->rank() < 2) {
      throw Error(ErrorCode::ShapeMismatch,
                  std::string(kSdpa) + ": " + name +
                      " needs at least 2 dimensions (..., length, features), got shape " +
                      shape_to_string(t->shape()));
    }
  }
  if (q.extent(-1) != k.extent(-1)) {
    throw Error(ErrorCode::ShapeMismatch,
                std::string(kSdpa) + ": q " + shape_to_string(q.shape()) + " and k " +
                    shape_to_string(k.shape()) +
                    " must have the same feature extent (last axis), got " +
                    std::to_string(q.extent(-1)) + " and " + std::to_string(k.extent(-1)));
  }
  if (k.extent(-2) != v.extent(-2)) {
    throw Error(ErrorCode::ShapeMismatch,
                std::string(kSdpa) + ": k " + shape_to_string(k.shape()) + " and v " +
                    shape_to_string(v.shape()) +
                    " must have the same number of keys (second-to-last axis), got " +
                    std::to_string(k.extent(-2)) + " and " + std::to_string(v.extent(-2)));
  }
}

Tensor attention_scores(const TensorView& q, const TensorView& k, DType dtype, int threads) {
  return contract("...ie,...je->...ij", q, k, dtype, threads);
}

void attention_weights_inplace(const Tensor& scores, const std::optional<TensorView>& mask,
                               double scale, bool causal) {
  std::optional<Tensor> m;
  if (mask) m = prepare_mask(*mask, scores.shape(), scores.dtype());
  visit_dtype(scores.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      weights_rows<T>(scores, m ? &*m : nullptr, static_cast<T>(scale), causal);
    } else {
      throw Error(ErrorCode::Internal, "attention: scores must be floating");
    }
  });
}

Tensor attention_output(const TensorView& weights, const TensorView& v, DType dtype, int threads) {
  return contract("...ij,...jf->...if", weights, v, dtype, threads);
}

}  // namespace ein::nn

namespace ein {

Tensor scaled_dot_product_attention(const TensorView& q, const TensorView& k, const TensorView& v,
                                    const std::optional<TensorView>& mask,
                                    std::optional<double> scale, bool causal) {
  nn::check_attention_shapes(q, k, v);
  const DType dtype = nn::compute_dtype({q.dtype(), k.dtype(), v.dtype()}, nn::kSdpa);
  const Index e = q.extent(-1);
  const double s = scale ? *scale : (e > 0 ? 1.0 / std::sqrt(static_cast<double>(e)) : 1.0);
  const Tensor scores = nn::attention_scores(q, k, dtype);
  nn::attention_weights_inplace(scores, mask, s, causal);
  return nn::attention_output(scores, v, dtype);
}

}  // namespace ein
