#include "ein/elementwise/binary.hpp"

#include <array>
#include <string>

#include "ein/elementwise/arith.hpp"
#include "ein/elementwise/loop.hpp"
#include "ein/ops.hpp"
#include "ein/support/parallel.hpp"

namespace ein::elementwise {

namespace {

template <class T>
T* typed(std::byte* p) {
  return static_cast<T*>(static_cast<void*>(p));
}

// One inner row: out is unit-stride; the common stride patterns get their own loops so the
// compiler can vectorise them (both unit, or one side a broadcast scalar).
template <class T, class F>
void binary_row(std::byte* out, std::byte* a, Index sa, std::byte* b, Index sb, Index n, F f) {
  T* o = typed<T>(out);
  const T* pa = typed<T>(a);
  const T* pb = typed<T>(b);
  if (sa == 1 && sb == 1) {
    for (Index i = 0; i < n; ++i) o[i] = f(pa[i], pb[i]);
  } else if (sa == 0 && sb == 1) {
    const T x = *pa;
    for (Index i = 0; i < n; ++i) o[i] = f(x, pb[i]);
  } else if (sa == 1 && sb == 0) {
    const T y = *pb;
    for (Index i = 0; i < n; ++i) o[i] = f(pa[i], y);
  } else {
    for (Index i = 0; i < n; ++i) o[i] = f(pa[i * sa], pb[i * sb]);
  }
}

// Elements per parallel chunk: below this a thread hand-off costs more than the arithmetic.
constexpr Index kGrain = Index{1} << 15;

template <class T, class F>
void run_binary(const TensorView& out, const TensorView& a, const TensorView& b, F f) {
  const std::array<const Strides*, 3> strides = {&out.strides(), &a.strides(), &b.strides()};
  const LoopPlan plan = plan_loop(out.shape(), strides);
  const auto isz = static_cast<Index>(sizeof(T));
  const std::array<std::byte*, 3> bases = {static_cast<std::byte*>(out.data()),
                                           static_cast<std::byte*>(a.data()),
                                           static_cast<std::byte*>(b.data())};
  // Static chunks of the output in C order; each writes only its own elements.
  support::parallel_for(
      out.numel(), 0,
      [&](Index begin, Index end) {
        for_each_in_range(plan, bases, {isz, isz, isz}, begin, end,
                          [&](const std::array<std::byte*, 3>& p, const std::array<Index, 3>& s,
                              Index n) { binary_row<T>(p[0], p[1], s[1], p[2], s[2], n, f); });
      },
      kGrain);
}

// Each op is passed as a lambda (a distinct type), not a function pointer, so the call inlines
// into the row loops and they vectorise.
template <class T>
void dispatch_op(BinaryOp op, const TensorView& out, const TensorView& a, const TensorView& b) {
  switch (op) {
    case BinaryOp::Add:
      return run_binary<T>(out, a, b, [](T x, T y) { return add_values(x, y); });
    case BinaryOp::Subtract:
      return run_binary<T>(out, a, b, [](T x, T y) { return subtract_values(x, y); });
    case BinaryOp::Multiply:
      return run_binary<T>(out, a, b, [](T x, T y) { return multiply_values(x, y); });
    case BinaryOp::Divide:
      // Integer and bool division never get here (binary_result_dtype makes them float64), and
      // must not be instantiated: x / 0 would be undefined behaviour.
      if constexpr (is_complex_v<T> || std::is_floating_point_v<T>) {
        return run_binary<T>(out, a, b, [](T x, T y) { return divide_values(x, y); });
      } else {
        throw Error(ErrorCode::Internal, "divide dispatched on a non-inexact dtype");
      }
  }
}

// `v` as dtype `dtype`: itself when it already is, else a converted contiguous copy.
Tensor as_dtype(const TensorView& v, DType dtype) {
  Tensor t = Tensor::borrow(v);
  return v.dtype() == dtype ? t : t.astype(dtype);
}

}  // namespace

const char* binary_op_name(BinaryOp op) noexcept {
  switch (op) {
    case BinaryOp::Add:
      return "add";
    case BinaryOp::Subtract:
      return "subtract";
    case BinaryOp::Multiply:
      return "multiply";
    case BinaryOp::Divide:
      return "divide";
  }
  return "?";
}

DType binary_result_dtype(BinaryOp op, DType a, DType b) {
  const DType t = promote_types(a, b);
  if (op == BinaryOp::Subtract && t == DType::Bool) {
    throw Error(ErrorCode::DTypeMismatch,
                "numpy boolean subtract, the `-` operator, is not supported: subtract got two "
                "bool operands (use logical xor instead)");
  }
  if (op == BinaryOp::Divide && !is_inexact(t)) return DType::Float64;
  return t;
}

Tensor binary(BinaryOp op, const TensorView& a, const TensorView& b, DType dtype) {
  if (op == BinaryOp::Divide && !is_inexact(dtype)) {
    throw Error(ErrorCode::Internal, "divide needs an inexact result dtype");
  }
  const Shape shape = broadcast_shapes(a.shape(), b.shape());
  const Tensor ac = as_dtype(a, dtype), bc = as_dtype(b, dtype);
  Tensor out = Tensor::empty(dtype, shape);
  const TensorView av = ac.view().broadcast_to(shape), bv = bc.view().broadcast_to(shape);
  visit_dtype(dtype, [&](auto tag) { dispatch_op<decltype(tag)>(op, out.view(), av, bv); });
  return out;
}

}  // namespace ein::elementwise
