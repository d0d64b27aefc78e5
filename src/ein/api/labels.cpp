#include "ein/api/labels.hpp"

#include <array>

#include "ein/support/checked.hpp"

namespace ein::api {

char label(int i, const char* what) {
  if (i < 0 || i >= kMaxLabels) {
    throw Error(ErrorCode::InvalidArgument,
                std::string(what) + ": needs more than " + std::to_string(kMaxLabels) +
                    " distinct axes in one contraction, more than einsum has letters for");
  }
  return static_cast<char>(i < 26 ? 'a' + i : 'A' + (i - 26));
}

std::string labels(int first, int count, const char* what) {
  std::string s;
  s.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) s += label(first + i, what);
  return s;
}

Tensor contract2(const std::string& a_term, const TensorView& a, const std::string& b_term,
                 const TensorView& b, const std::string& out_term, std::optional<DType> dtype) {
  EinsumOptions options;
  options.dtype = dtype;
  const std::array<TensorView, 2> ops = {a, b};
  return einsum(a_term + "," + b_term + "->" + out_term, ops, options);
}

Tensor contract1(const std::string& term, const TensorView& a, const std::string& out_term,
                 std::optional<DType> dtype) {
  EinsumOptions options;
  options.dtype = dtype;
  const std::array<TensorView, 1> ops = {a};
  return einsum(term + "->" + out_term, ops, options);
}

TensorView complex_as_real(const TensorView& a) {
  Shape shape = a.shape();
  Strides strides = a.strides();
  // A complex element spans two reals.
  for (Index& s : strides) s = support::checked_mul(s, 2, "complex as real strides");
  shape.push_back(2);
  strides.push_back(1);
  return {a.data(), real_dtype(a.dtype()), std::move(shape), std::move(strides)};
}

DType sum_dtype(DType t) noexcept {
  return t == DType::Bool || t == DType::Int32 ? DType::Int64 : t;
}

}  // namespace ein::api
