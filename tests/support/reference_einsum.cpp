#include "support/reference_einsum.hpp"

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ein::test {

namespace {

// How the reference multiplies and sums values of result type R: in a wider accumulator type,
// converting to R only once at the end.
template <class R>
struct Arith;

template <>
struct Arith<bool> {
  using Acc = unsigned char;  // not bool: std::vector<bool> is a bitset
  static Acc from(bool v) { return v ? 1 : 0; }
  static Acc one() { return 1; }
  static Acc mul(Acc a, Acc b) { return (a != 0 && b != 0) ? 1 : 0; }
  static Acc add(Acc a, Acc b) { return (a != 0 || b != 0) ? 1 : 0; }
  static bool to(Acc a) { return a != 0; }
};

// Fixed-width integers: arithmetic modulo 2^64 is exact modulo 2^32 as well, and unsigned
// overflow is defined; C++20 defines the final unsigned -> signed conversion as modular.
template <class I>
struct IntArith {
  using Acc = std::uint64_t;
  static Acc from(I v) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(v)); }
  static Acc one() { return 1; }
  static Acc mul(Acc a, Acc b) { return a * b; }
  static Acc add(Acc a, Acc b) { return a + b; }
  static I to(Acc a) { return static_cast<I>(a); }
};
template <>
struct Arith<std::int32_t> : IntArith<std::int32_t> {};
template <>
struct Arith<std::int64_t> : IntArith<std::int64_t> {};

template <class F>
struct FloatArith {
  using Acc = long double;
  static Acc from(F v) { return v; }
  static Acc one() { return 1; }
  static Acc mul(Acc a, Acc b) { return a * b; }
  static Acc add(Acc a, Acc b) { return a + b; }
  static F to(Acc a) { return static_cast<F>(a); }
};
template <>
struct Arith<float> : FloatArith<float> {};
template <>
struct Arith<double> : FloatArith<double> {};

template <class F>
struct ComplexArith {
  using Acc = std::complex<long double>;
  static Acc from(std::complex<F> v) { return {v.real(), v.imag()}; }
  static Acc one() { return 1; }
  static Acc mul(Acc a, Acc b) { return a * b; }
  static Acc add(Acc a, Acc b) { return a + b; }
  static std::complex<F> to(Acc a) { return {static_cast<F>(a.real()), static_cast<F>(a.imag())}; }
};
template <>
struct Arith<complex64> : ComplexArith<float> {};
template <>
struct Arith<complex128> : ComplexArith<double> {};

// Per operand (and the output): for each label, how far one step of that label moves in
// elements. A label repeated in an operand walks the diagonal, so its axes' strides add up; an
// extent-1 axis broadcasts, so it contributes nothing.
std::vector<Index> label_steps(const std::vector<int>& term, const Shape& shape,
                               const Strides& strides, int num_labels) {
  std::vector<Index> steps(static_cast<std::size_t>(num_labels), 0);
  for (std::size_t a = 0; a < term.size(); ++a) {
    if (shape[a] != 1) steps[static_cast<std::size_t>(term[a])] += strides[a];
  }
  return steps;
}

Index offset_of(const std::vector<Index>& steps, const std::vector<Index>& index) {
  Index off = 0;
  for (std::size_t l = 0; l < index.size(); ++l) off += index[l] * steps[l];
  return off;
}

// Reads the element `offset` elements from v.data(), converted to the result type R and then
// to its accumulator.
template <class R>
typename Arith<R>::Acc load(const TensorView& v, Index offset) {
  const auto* base = static_cast<const std::byte*>(v.data());
  const std::byte* p = base + offset * static_cast<Index>(v.itemsize());
  return visit_dtype(v.dtype(), [&](auto tag) {
    using S = decltype(tag);
    return Arith<R>::from(convert_value<R>(*reinterpret_cast<const S*>(p)));
  });
}

template <class R>
Tensor run(const expr::ParsedExpression& p, std::span<const TensorView> operands, DType out) {
  using A = Arith<R>;
  const std::size_t num_labels = static_cast<std::size_t>(p.num_labels);
  std::vector<std::vector<Index>> steps;
  for (std::size_t k = 0; k < operands.size(); ++k) {
    steps.push_back(
        label_steps(p.inputs[k], operands[k].shape(), operands[k].strides(), p.num_labels));
  }
  const Shape out_shape = p.output_shape();
  const Strides out_strides = contiguous_strides(out_shape);
  const std::vector<Index> out_steps = label_steps(p.output, out_shape, out_strides, p.num_labels);

  Tensor result = Tensor::zeros(out, out_shape);
  std::vector<typename A::Acc> acc(static_cast<std::size_t>(result.numel()), A::from(R{}));

  bool any_zero = false;
  for (Index e : p.extents) any_zero = any_zero || e == 0;
  if (!any_zero) {
    // The odometer: index[l] runs over 0..extents[l]-1 for every label, last label fastest.
    std::vector<Index> index(num_labels, 0);
    bool done = false;
    while (!done) {
      typename A::Acc product = A::one();
      for (std::size_t k = 0; k < operands.size(); ++k) {
        product = A::mul(product, load<R>(operands[k], offset_of(steps[k], index)));
      }
      const auto o = static_cast<std::size_t>(offset_of(out_steps, index));
      acc[o] = A::add(acc[o], product);
      done = true;
      for (std::size_t l = num_labels; l-- > 0;) {
        if (++index[l] < p.extents[l]) {
          done = false;
          break;
        }
        index[l] = 0;
      }
    }
  }
  R* data = result.data_as<R>();
  for (std::size_t i = 0; i < acc.size(); ++i) data[i] = A::to(acc[i]);
  return result;
}

std::vector<Shape> shapes_of(std::span<const TensorView> operands) {
  std::vector<Shape> shapes;
  shapes.reserve(operands.size());
  for (const TensorView& v : operands) shapes.push_back(v.shape());
  return shapes;
}

}  // namespace

DType einsum_result_dtype(std::span<const TensorView> operands, std::optional<DType> dtype) {
  if (dtype) return *dtype;
  if (operands.empty()) return DType::Float64;
  DType t = operands[0].dtype();
  for (const TensorView& v : operands) t = promote_types(t, v.dtype());
  return t;
}

Tensor reference_einsum(const expr::ParsedExpression& expression,
                        std::span<const TensorView> operands, std::optional<DType> dtype) {
  if (expression.inputs.size() != operands.size()) {
    throw Error(ErrorCode::InvalidArgument,
                "reference_einsum: the expression has " + std::to_string(expression.inputs.size()) +
                    " inputs but " + std::to_string(operands.size()) + " operands were given");
  }
  for (std::size_t k = 0; k < operands.size(); ++k) {
    if (static_cast<std::size_t>(operands[k].rank()) != expression.inputs[k].size()) {
      throw Error(ErrorCode::ShapeMismatch,
                  "reference_einsum: operand " + std::to_string(k) + " has the wrong rank");
    }
  }
  const DType out = einsum_result_dtype(operands, dtype);
  return visit_dtype(out, [&](auto tag) { return run<decltype(tag)>(expression, operands, out); });
}

Tensor reference_einsum(std::string_view subscripts, std::span<const TensorView> operands,
                        std::optional<DType> dtype) {
  const std::vector<Shape> shapes = shapes_of(operands);
  return reference_einsum(expr::parse(subscripts, shapes), operands, dtype);
}

Tensor reference_einsum_sublists(std::span<const std::vector<int>> inputs,
                                 const std::optional<std::vector<int>>& output,
                                 std::span<const TensorView> operands, std::optional<DType> dtype) {
  const std::vector<Shape> shapes = shapes_of(operands);
  return reference_einsum(expr::parse_sublists(inputs, output, shapes), operands, dtype);
}

}  // namespace ein::test
