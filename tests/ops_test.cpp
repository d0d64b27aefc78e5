// Elementwise arithmetic (add, subtract, multiply, divide, conj) against NumPy's rules: dtypes,
// broadcasting, weak scalars, wrap-around, and a seeded random comparison with an independent
// per-element loop over every dtype pair and odd-strided views.
//
// Reproduce one random case: EIN_SEED=<seed> ./ein_e2e_tests --gtest_filter='OpsRandom.*'
#include "ein/ops.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "support/compare.hpp"
#include "support/random_tensor.hpp"

namespace ein {
namespace {

using test::Rng;

enum class Op { Add, Subtract, Multiply, Divide };

const char* op_name(Op op) {
  switch (op) {
    case Op::Add:
      return "add";
    case Op::Subtract:
      return "subtract";
    case Op::Multiply:
      return "multiply";
    case Op::Divide:
      return "divide";
  }
  return "?";
}

Tensor run_op(Op op, const TensorView& a, const TensorView& b) {
  switch (op) {
    case Op::Add:
      return add(a, b);
    case Op::Subtract:
      return subtract(a, b);
    case Op::Multiply:
      return multiply(a, b);
    case Op::Divide:
      return divide(a, b);
  }
  return {};
}

// NumPy's result dtypes, written out (not computed with promote_types) for the table test.
DType numpy_result(Op op, DType a, DType b) {
  const DType t = promote_types(a, b);
  if (op == Op::Divide && !is_inexact(t)) return DType::Float64;
  return t;
}

template <class T>
using Wide = std::conditional_t<is_complex_v<T>, std::complex<long double>, long double>;

// The obvious per-element computation in a wider type (long double; int64 for integers, whose
// random values are small), rounded to T once. Complex divide uses x * conj(y) / |y|^2, a
// different formula from the kernel's.
template <class T>
T reference_value(Op op, T x, T y) {
  if constexpr (std::is_same_v<T, bool>) {
    return op == Op::Add ? (x || y) : (x && y);
  } else if constexpr (std::is_integral_v<T>) {
    const std::int64_t a = x, b = y;
    return static_cast<T>(op == Op::Add ? a + b : op == Op::Subtract ? a - b : a * b);
  } else {
    const Wide<T> a = convert_value<Wide<T>>(x), b = convert_value<Wide<T>>(y);
    Wide<T> r{};
    switch (op) {
      case Op::Add:
        r = a + b;
        break;
      case Op::Subtract:
        r = a - b;
        break;
      case Op::Multiply:
        r = a * b;
        break;
      case Op::Divide:
        if constexpr (is_complex_v<T>) {
          r = a * std::conj(b) / std::norm(b);
        } else {
          r = a / b;
        }
        break;
    }
    return convert_value<T>(r);
  }
}

// op(a, b) by visiting every output index and reading both inputs through broadcast indices.
Tensor reference_op(Op op, const Tensor& a, const Tensor& b, DType dtype) {
  Shape shape = broadcast_shapes(a.shape(), b.shape());
  const Tensor ab = a.broadcast_to(shape), bb = b.broadcast_to(shape);
  Tensor out = Tensor::empty(dtype, shape);
  std::vector<Index> idx(shape.size(), 0);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data_as<T>();
    for (Index i = 0; i < out.numel(); ++i) {
      o[i] = reference_value<T>(op, ab.at<T>(idx), bb.at<T>(idx));
      for (std::size_t k = idx.size(); k-- > 0;) {
        if (++idx[k] < shape[k]) break;
        idx[k] = 0;
      }
    }
  });
  return out;
}

// Shapes that broadcast: a common shape, each operand dropping leading axes or setting some
// extents to 1; extents 0..4, so zero-size axes appear.
void random_broadcast_shapes(Rng& rng, Shape& sa, Shape& sb) {
  const int rank = static_cast<int>(test::uniform_int(rng, 0, 4));
  Shape full(static_cast<std::size_t>(rank));
  for (Index& e : full) e = test::uniform_int(rng, 0, 4) == 0 ? 0 : test::uniform_int(rng, 1, 4);
  if (test::chance(rng, 0.6)) {
    for (Index& e : full) e = std::max<Index>(e, 1);  // mostly non-empty
  }
  auto derive = [&]() {
    const auto drop = static_cast<std::size_t>(test::uniform_int(rng, 0, rank));
    Shape s(full.begin() + static_cast<std::ptrdiff_t>(drop), full.end());
    for (Index& e : s) {
      if (test::chance(rng, 0.25)) e = 1;
    }
    return s;
  };
  sa = derive();
  sb = derive();
}

std::uint64_t base_seed() {
  const char* env = std::getenv("EIN_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 20240611;
}

TEST(OpsBroadcast, ShapesFollowNumPy) {
  EXPECT_EQ(broadcast_shapes(Shape{2, 1, 4}, Shape{3, 1}), (Shape{2, 3, 4}));
  EXPECT_EQ(broadcast_shapes(Shape{}, Shape{5}), (Shape{5}));
  EXPECT_EQ(broadcast_shapes(Shape{0, 1}, Shape{1, 3}), (Shape{0, 3}));
  EXPECT_EQ(broadcast_shapes(Shape{1}, Shape{0}), (Shape{0}));
  try {
    (void)broadcast_shapes(Shape{2, 3}, Shape{4, 3});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ShapeMismatch);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("could not be broadcast together with shapes (2,3) (4,3)"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("axis 0 of a has extent 2"), std::string::npos) << msg;
  }
}

TEST(OpsSeed, HadamardProduct) {
  const Tensor a = Tensor::from_vector<std::int64_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<std::int64_t>({7, 8, 9, 10, 11, 12}, {2, 3});
  const Tensor c = multiply(a, b);
  EXPECT_EQ(c.dtype(), DType::Int64);
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(c.to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 16, 27, 40, 55, 72}));
}

TEST(OpsDType, TableOfResultDTypes) {
  for (DType a : kAllDTypes) {
    for (DType b : kAllDTypes) {
      for (Op op : {Op::Add, Op::Subtract, Op::Multiply, Op::Divide}) {
        const Tensor x = Tensor::ones(a, {2}), y = Tensor::ones(b, {2});
        if (op == Op::Subtract && a == DType::Bool && b == DType::Bool) {
          EXPECT_THROW((void)run_op(op, x, y), Error);
          continue;
        }
        EXPECT_EQ(run_op(op, x, y).dtype(), numpy_result(op, a, b))
            << op_name(op) << " " << dtype_name(a) << " " << dtype_name(b);
      }
    }
  }
  // Spot checks against numpy 2 (np.result_type of the ufuncs).
  const Tensor i32 = Tensor::ones(DType::Int32, {1}), f32 = Tensor::ones(DType::Float32, {1});
  EXPECT_EQ(add(i32, f32).dtype(), DType::Float64);
  EXPECT_EQ(divide(i32, i32).dtype(), DType::Float64);
  EXPECT_EQ(multiply(f32, Tensor::ones(DType::Complex64, {1})).dtype(), DType::Complex64);
}

TEST(OpsBool, LogicalAddMultiplyAndErrors) {
  const Tensor a = Tensor::from_vector<bool>({true, true, false, false}, {4});
  const Tensor b = Tensor::from_vector<bool>({true, false, true, false}, {4});
  EXPECT_EQ(add(a, b).to_vector<int>(), (std::vector<int>{1, 1, 1, 0}));
  EXPECT_EQ(multiply(a, b).to_vector<int>(), (std::vector<int>{1, 0, 0, 0}));
  const Tensor q = divide(a, b);
  EXPECT_EQ(q.dtype(), DType::Float64);
  const auto qv = q.to_vector<double>();
  EXPECT_EQ(qv[0], 1.0);
  EXPECT_TRUE(std::isinf(qv[1]));
  EXPECT_EQ(qv[2], 0.0);
  EXPECT_TRUE(std::isnan(qv[3]));
  try {
    (void)subtract(a, b);
    FAIL() << "bool - bool must be rejected";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
    EXPECT_NE(std::string(e.what()).find("boolean subtract"), std::string::npos);
  }
}

TEST(OpsIntegers, WrapAroundLikeNumPy) {
  // np.array([2**31 - 1], np.int32) + 1 == -2**31; np.int64(2**62) * 4 == 0;
  // np.int64(-2**63) - 1 == 2**63 - 1. No signed overflow (UBSan checks this in CI).
  const Tensor i32 = Tensor::from_vector<std::int32_t>({INT32_MAX, INT32_MIN}, {2});
  EXPECT_EQ(add(i32, Tensor::from_vector<std::int32_t>({1, -1}, {2})).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{INT32_MIN, INT32_MAX}));
  const Tensor i64 = Tensor::from_vector<std::int64_t>({std::int64_t{1} << 62, INT64_MIN}, {2});
  EXPECT_EQ(multiply(i64, Tensor::scalar<std::int64_t>(4)).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(subtract(i64, Tensor::scalar<std::int64_t>(1)).to_vector<std::int64_t>()[1], INT64_MAX);
  EXPECT_EQ(multiply(i32, Tensor::scalar<std::int32_t>(-1)).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{-INT32_MAX, INT32_MIN}));
}

TEST(OpsComplex, DivisionByZeroAndOverflowMatchNumPy) {
  // np.array([1+1j]) / 0 -> inf+infj; complex64 * 1e300 -> inf+infj (no UB on the cast).
  const Tensor z = Tensor::from_vector<complex128>({{1, 1}}, {1});
  const complex128 q = divide(z, 0.0).to_vector<complex128>()[0];
  EXPECT_TRUE(std::isinf(q.real()) && q.real() > 0) << q;
  EXPECT_TRUE(std::isinf(q.imag()) && q.imag() > 0) << q;
  const Tensor z64 = Tensor::from_vector<complex64>({{1, 1}}, {1});
  const Tensor big = multiply(z64, 1e300);
  EXPECT_EQ(big.dtype(), DType::Complex64);
  EXPECT_TRUE(std::isinf(big.to_vector<complex64>()[0].real()));
  // Smith's algorithm keeps huge but finite divisors finite: (1e300+1e300j) / (1e300+1e300j).
  const Tensor h = Tensor::from_vector<complex128>({{1e300, 1e300}}, {1});
  const complex128 one = divide(h, h).to_vector<complex128>()[0];
  EXPECT_DOUBLE_EQ(one.real(), 1.0);
  EXPECT_DOUBLE_EQ(one.imag(), 0.0);
  // conj: complex flips the imaginary part, real is copied.
  EXPECT_EQ(conj(z).to_vector<complex128>()[0], complex128(1, -1));
  EXPECT_EQ(conj(Tensor::arange(3)).to_vector<int>(), (std::vector<int>{0, 1, 2}));
}

TEST(OpsScalars, WeakScalarDTypes) {
  struct Case {
    DType tensor;
    DType with_double, with_int, with_complex, divide_int;
  };
  // Checked against numpy 2.4: (np.ones(2, t) * 2.5).dtype, (... * 2).dtype, (... * 1j).dtype,
  // (... / 2).dtype.
  const Case cases[] = {
      {DType::Bool, DType::Float64, DType::Int64, DType::Complex128, DType::Float64},
      {DType::Int32, DType::Float64, DType::Int32, DType::Complex128, DType::Float64},
      {DType::Int64, DType::Float64, DType::Int64, DType::Complex128, DType::Float64},
      {DType::Float32, DType::Float32, DType::Float32, DType::Complex64, DType::Float32},
      {DType::Float64, DType::Float64, DType::Float64, DType::Complex128, DType::Float64},
      {DType::Complex64, DType::Complex64, DType::Complex64, DType::Complex64, DType::Complex64},
      {DType::Complex128, DType::Complex128, DType::Complex128, DType::Complex128,
       DType::Complex128},
  };
  for (const Case& c : cases) {
    const Tensor t = Tensor::ones(c.tensor, {2});
    SCOPED_TRACE(std::string(dtype_name(c.tensor)));
    EXPECT_EQ(multiply(t, 2.5).dtype(), c.with_double);
    EXPECT_EQ(add(t, 2).dtype(), c.with_int);
    EXPECT_EQ(multiply(t, std::int64_t{2}).dtype(), c.with_int);
    EXPECT_EQ(add(t, complex128(0, 1)).dtype(), c.with_complex);
    EXPECT_EQ(divide(t, 2).dtype(), c.divide_int);
    EXPECT_EQ(divide(2.0, t).dtype(), c.with_double == DType::Float32 ? DType::Float32
                                      : is_complex(c.tensor)          ? c.tensor
                                                                      : DType::Float64);
  }
  // Values: int32 tensor keeps integer arithmetic with an int scalar.
  const Tensor i = Tensor::from_vector<std::int32_t>({1, 2, 3}, {3});
  EXPECT_EQ(multiply(i, 3).to_vector<int>(), (std::vector<int>{3, 6, 9}));
  EXPECT_EQ(subtract(10, i).to_vector<int>(), (std::vector<int>{9, 8, 7}));
  EXPECT_EQ(divide(1.0, i).to_vector<double>(), (std::vector<double>{1.0, 0.5, 1.0 / 3}));
  EXPECT_EQ(multiply(i, 2.5).to_vector<double>(), (std::vector<double>{2.5, 5.0, 7.5}));
  // float32 * 1e300 overflows to inf like numpy (and without UB in the double -> float cast).
  const auto f = multiply(Tensor::ones(DType::Float32, {1}), 1e300).to_vector<float>();
  EXPECT_TRUE(std::isinf(f[0]));
}

TEST(OpsScalars, IntegerScalarOutOfRangeIsAnError) {
  // numpy 2: np.ones(3, np.int32) + 2**40 -> OverflowError: Python integer ... out of bounds.
  const Tensor i = Tensor::ones(DType::Int32, {3});
  try {
    (void)add(i, std::int64_t{1} << 40);
    FAIL() << "expected Overflow";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Overflow);
    EXPECT_NE(std::string(e.what()).find("out of bounds for int32"), std::string::npos) << e.what();
  }
  // True division converts first, so it is fine (numpy gives 9.09e-13).
  EXPECT_DOUBLE_EQ(divide(i, std::int64_t{1} << 40).to_vector<double>()[0], 0x1p-40);
  EXPECT_THROW((void)multiply(i, std::uint64_t{1} << 63), Error);
}

TEST(OpsErrors, MismatchedShapesNameTheAxis) {
  const Tensor a = Tensor::ones(DType::Float64, {2, 3}), b = Tensor::ones(DType::Float64, {2, 4});
  for (Op op : {Op::Add, Op::Subtract, Op::Multiply, Op::Divide}) {
    try {
      (void)run_op(op, a, b);
      FAIL() << op_name(op);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::ShapeMismatch);
      EXPECT_NE(std::string(e.what()).find("axis 1 of a has extent 3 but axis 1 of b has extent 4"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(OpsViews, NegativeAndZeroStrides) {
  // a[::-1] + b.T with b broadcast along a new axis.
  const Tensor a = Tensor::arange(6, DType::Float64).reshape({2, 3});
  const Tensor rev = a.slice(0, 1, -3, -1);  // rows reversed
  const Tensor col = Tensor::from_vector<double>({10, 20}, {2, 1});
  const Tensor r = add(rev, col);
  EXPECT_EQ(r.to_vector<double>(), (std::vector<double>{13, 14, 15, 20, 21, 22}));
  const Tensor t = multiply(a.transpose(), a.transpose());
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{0, 9, 1, 16, 4, 25}));
}

TEST(OpsRandom, EveryOpEveryDTypePairMatchesLoopReference) {
  const std::uint64_t seed0 = base_seed();
  int cases = 0;
  for (Op op : {Op::Add, Op::Subtract, Op::Multiply, Op::Divide}) {
    for (DType da : kAllDTypes) {
      for (DType db : kAllDTypes) {
        if (op == Op::Subtract && da == DType::Bool && db == DType::Bool) continue;
        for (int rep = 0; rep < 3; ++rep) {
          const std::uint64_t seed = seed0 + static_cast<std::uint64_t>(cases++);
          Rng rng = test::make_rng(seed);
          Shape sa, sb;
          random_broadcast_shapes(rng, sa, sb);
          const Tensor a = test::random_view(da, sa, rng);
          const Tensor b = test::random_view(db, sb, rng);
          const DType dt = numpy_result(op, da, db);
          const Tensor got = run_op(op, a, b);
          Tensor want = reference_op(op, a, b, dt);
          if (op == Op::Divide && is_complex(dt)) {
            // Complex division by exactly zero has several defensible inf/nan spellings; the
            // NumPy one is pinned in OpsComplex. Compare only finite-divisor elements here.
            const Shape s = broadcast_shapes(sa, sb);
            const auto bz = Tensor::borrow(b.broadcast_to(s)).to_vector<complex128>();
            const auto g = got.to_vector<complex128>();
            visit_dtype(dt, [&](auto tag) {
              using T = decltype(tag);
              if constexpr (is_complex_v<T>) {
                for (std::size_t i = 0; i < bz.size(); ++i) {
                  if (bz[i] == complex128{}) want.data_as<T>()[i] = convert_value<T>(g[i]);
                }
              }
            });
          }
          ASSERT_TRUE(test::tensors_close(got, want, 1))
              << op_name(op) << " " << dtype_name(da) << shape_to_string(sa) << " with "
              << dtype_name(db) << shape_to_string(sb) << " (case seed " << seed
              << ")\n  reproduce: EIN_SEED=" << seed0
              << " ./ein_e2e_tests --gtest_filter='OpsRandom.*'";
        }
      }
    }
  }
}

TEST(OpsRandom, LargeContiguousFastPaths) {
  // Long rows exercise the unit-stride and scalar-broadcast loops.
  Rng rng = test::make_rng(base_seed() + 7);
  const Tensor a = test::random_tensor(DType::Float32, {3, 1000}, rng);
  const Tensor b = test::random_tensor(DType::Float32, {3, 1000}, rng);
  const Tensor s = test::random_tensor(DType::Float32, {}, rng);
  EXPECT_TRUE(test::tensors_close(add(a, b), reference_op(Op::Add, a, b, DType::Float32), 1));
  EXPECT_TRUE(
      test::tensors_close(multiply(s, b), reference_op(Op::Multiply, s, b, DType::Float32), 1));
  EXPECT_TRUE(test::tensors_close(divide(a, s), reference_op(Op::Divide, a, s, DType::Float32), 1));
  // Big enough for several parallel chunks that start mid-row: a transposed, reversed view
  // plus a broadcast row.
  const Tensor big = test::random_tensor(DType::Float64, {257, 300}, rng).transpose();
  const Tensor rev = big.slice(0, 299, -301, -1);
  const Tensor row = test::random_tensor(DType::Float64, {257}, rng);
  EXPECT_TRUE(test::tensors_close(subtract(rev, row),
                                  reference_op(Op::Subtract, rev, row, DType::Float64), 1));
}

// ---------------------------------------------------------------- sum and trace

// sum by visiting every input element and adding it into its output element (long double,
// complex<long double>; integers exact for the small random values), rounded once.
Tensor reference_sum(const Tensor& a, const std::vector<bool>& reduced, DType dtype) {
  Shape out_shape;
  for (int i = 0; i < a.rank(); ++i) {
    if (!reduced[static_cast<std::size_t>(i)]) out_shape.push_back(a.extent(i));
  }
  const Index n = checked_numel(out_shape);
  std::vector<std::complex<long double>> acc(static_cast<std::size_t>(n));
  const auto values = a.to_vector<complex128>();  // C order
  std::vector<Index> idx(static_cast<std::size_t>(a.rank()), 0);
  for (const complex128& v : values) {
    Index o = 0;
    for (int i = 0; i < a.rank(); ++i) {
      if (!reduced[static_cast<std::size_t>(i)])
        o = o * a.extent(i) + idx[static_cast<std::size_t>(i)];
    }
    acc[static_cast<std::size_t>(o)] += std::complex<long double>(v.real(), v.imag());
    for (std::size_t k = idx.size(); k-- > 0;) {
      if (++idx[k] < a.shape()[k]) break;
      idx[k] = 0;
    }
  }
  Tensor out = Tensor::empty(dtype, out_shape);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    for (Index i = 0; i < n; ++i) {
      out.data_as<T>()[i] = convert_value<T>(acc[static_cast<std::size_t>(i)]);
    }
  });
  return out;
}

DType numpy_sum_dtype(DType t) {
  return t == DType::Bool || t == DType::Int32 ? DType::Int64 : t;  // numpy on 64-bit Linux
}

TEST(OpsSum, DTypesFollowNumPy) {
  const Tensor b = Tensor::from_vector<bool>({true, false, true}, {3});
  EXPECT_EQ(sum(b).dtype(), DType::Int64);
  EXPECT_EQ(sum(b).item<int>(), 2);  // a count, not "any"
  const Tensor i = Tensor::from_vector<std::int32_t>({INT32_MAX, INT32_MAX}, {2});
  EXPECT_EQ(sum(i).dtype(), DType::Int64);
  EXPECT_EQ(sum(i).item<std::int64_t>(), 2 * std::int64_t{INT32_MAX});  // no int32 wrap
  EXPECT_EQ(sum(Tensor::ones(DType::Float32, {4})).dtype(), DType::Float32);
  EXPECT_EQ(sum(Tensor::ones(DType::Complex64, {4})).dtype(), DType::Complex64);
}

TEST(OpsSum, AxesAndKeepdims) {
  const Tensor a = Tensor::arange(24, DType::Float64).reshape({2, 3, 4});
  const std::vector<int> last = {-1}, outer = {0, 2};
  const Tensor s = sum(a, last);
  EXPECT_EQ(s.shape(), (Shape{2, 3}));
  EXPECT_EQ(s.to_vector<double>(), (std::vector<double>{6, 22, 38, 54, 70, 86}));
  const Tensor k = sum(a, outer, true);
  EXPECT_EQ(k.shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(k.to_vector<double>(), (std::vector<double>{60, 92, 124}));
  EXPECT_EQ(sum(a).item<double>(), 276.0);
  EXPECT_EQ(sum(a, {}, true).shape(), (Shape{1, 1, 1}));
  const std::vector<int> mid = {1};
  EXPECT_EQ(sum(Tensor::ones(DType::Float64, {2, 0, 3}), mid).to_vector<double>(),
            std::vector<double>(6, 0.0));
  EXPECT_EQ(sum(Tensor::scalar<double>(4)).item<double>(), 4.0);
}

TEST(OpsSum, BadAxes) {
  const Tensor a = Tensor::ones(DType::Float64, {3});
  const std::vector<int> dup = {0, -1}, far = {3};
  try {
    (void)sum(a, dup);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("duplicate value in 'axis'"), std::string::npos);
  }
  try {
    (void)sum(a, far);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AxisError);
    EXPECT_NE(std::string(e.what()).find("axis 3 is out of bounds for array of dimension 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(OpsRandom, SumOverRandomAxesMatchesLoopReference) {
  const std::uint64_t seed0 = base_seed() + 1000;
  std::uint64_t seed = seed0;
  for (DType dt : kAllDTypes) {
    for (int rep = 0; rep < 8; ++rep, ++seed) {
      Rng rng = test::make_rng(seed);
      const int rank = static_cast<int>(test::uniform_int(rng, 0, 4));
      Shape shape(static_cast<std::size_t>(rank));
      for (Index& e : shape) e = test::uniform_int(rng, test::chance(rng, 0.1) ? 0 : 1, 4);
      const Tensor a = test::random_view(dt, shape, rng);
      std::vector<int> axes;
      std::vector<bool> reduced(static_cast<std::size_t>(rank), false);
      for (int i = 0; i < rank; ++i) {
        if (test::chance(rng, 0.5)) {
          axes.push_back(test::chance(rng, 0.5) ? i - rank : i);
          reduced[static_cast<std::size_t>(i)] = true;
        }
      }
      if (axes.empty()) reduced.assign(reduced.size(), true);  // empty means every axis
      Index len = 1;
      for (int i = 0; i < rank; ++i) {
        if (reduced[static_cast<std::size_t>(i)]) len *= shape[static_cast<std::size_t>(i)];
      }
      ASSERT_TRUE(test::tensors_close(sum(a, axes), reference_sum(a, reduced, numpy_sum_dtype(dt)),
                                      len, 3.0))
          << "sum of " << dtype_name(dt) << shape_to_string(shape) << " strides "
          << shape_to_string(a.strides()) << " (case seed " << seed
          << ")\n  reproduce: EIN_SEED=" << seed0 - 1000
          << " ./ein_e2e_tests --gtest_filter='OpsRandom.*'";
    }
  }
}

TEST(OpsTrace, OffsetsAxesAndDTypes) {
  const Tensor m = Tensor::arange(12, DType::Int32).reshape({3, 4});
  EXPECT_EQ(trace(m).dtype(), DType::Int64);  // numpy.trace of int32 accumulates in int64
  EXPECT_EQ(trace(m).item<int>(), 0 + 5 + 10);
  EXPECT_EQ(trace(m, 1).item<int>(), 1 + 6 + 11);
  EXPECT_EQ(trace(m, -1).item<int>(), 4 + 9);
  EXPECT_EQ(trace(m, 4).item<int>(), 0);  // an empty diagonal
  EXPECT_EQ(trace(Tensor::ones(DType::Bool, {3, 3})).item<int>(), 3);
  // np.trace(np.ones((2, 3, 4)), 0, 2, 1) == [3., 3.]
  const Tensor t = trace(Tensor::ones(DType::Float64, {2, 3, 4}), 0, 2, 1);
  EXPECT_EQ(t.shape(), (Shape{2}));
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{3, 3}));
  // A reversed, transposed view: trace of m.T[::-1] (rows of m.T reversed).
  const Tensor v = m.transpose().slice(0, 3, -5, -1);  // shape (4, 3)
  EXPECT_EQ(trace(v).item<int>(), 3 + 6 + 9);
}

TEST(OpsRandom, TraceMatchesDiagonalLoop) {
  const std::uint64_t seed0 = base_seed() + 2000;
  std::uint64_t seed = seed0;
  for (DType dt : kAllDTypes) {
    for (int rep = 0; rep < 6; ++rep, ++seed) {
      Rng rng = test::make_rng(seed);
      const int rank = static_cast<int>(test::uniform_int(rng, 2, 4));
      Shape shape(static_cast<std::size_t>(rank));
      for (Index& e : shape) e = test::uniform_int(rng, 0, 5);
      const Tensor a = test::random_view(dt, shape, rng);
      const int ax1 = static_cast<int>(test::uniform_int(rng, 0, rank - 1));
      int ax2 = static_cast<int>(test::uniform_int(rng, 0, rank - 2));
      if (ax2 >= ax1) ++ax2;
      const Index offset = test::uniform_int(rng, -4, 4);
      // Expected: for each index of the other axes, sum a[..i..j..] with j - i == offset.
      Shape rest;
      for (int k = 0; k < rank; ++k) {
        if (k != ax1 && k != ax2) rest.push_back(shape[static_cast<std::size_t>(k)]);
      }
      const DType out_dt = numpy_sum_dtype(dt);
      Tensor want = Tensor::zeros(out_dt, rest);
      const auto flat = a.to_vector<complex128>();
      std::vector<std::complex<long double>> acc(static_cast<std::size_t>(want.numel()));
      std::vector<Index> idx(static_cast<std::size_t>(rank), 0);
      for (const complex128& v : flat) {
        if (idx[static_cast<std::size_t>(ax2)] - idx[static_cast<std::size_t>(ax1)] == offset) {
          Index o = 0;
          for (int k = 0; k < rank; ++k) {
            if (k != ax1 && k != ax2) {
              o = o * shape[static_cast<std::size_t>(k)] + idx[static_cast<std::size_t>(k)];
            }
          }
          acc[static_cast<std::size_t>(o)] += std::complex<long double>(v.real(), v.imag());
        }
        for (std::size_t k = idx.size(); k-- > 0;) {
          if (++idx[k] < shape[k]) break;
          idx[k] = 0;
        }
      }
      visit_dtype(out_dt, [&](auto tag) {
        using T = decltype(tag);
        for (std::size_t i = 0; i < acc.size(); ++i) {
          want.data_as<T>()[i] = convert_value<T>(acc[i]);
        }
      });
      ASSERT_TRUE(test::tensors_close(trace(a, offset, ax1, ax2), want, 5, 3.0))
          << "trace(" << dtype_name(dt) << shape_to_string(shape) << ", offset " << offset
          << ", axes " << ax1 << ", " << ax2 << ") case seed " << seed
          << "\n  reproduce: EIN_SEED=" << seed0 - 2000
          << " ./ein_e2e_tests --gtest_filter='OpsRandom.*'";
    }
  }
}

TEST(OpsTrace, BadInput) {
  try {
    (void)trace(Tensor::ones(DType::Float64, {3}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least two dimensions"), std::string::npos);
  }
  try {
    (void)trace(Tensor::ones(DType::Float64, {3, 3}), 0, 0, 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AxisError);
    EXPECT_NE(std::string(e.what()).find("axis2 2 is out of bounds"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)trace(Tensor::ones(DType::Float64, {3, 3}), 0, 1, -1), Error);
}

}  // namespace
}  // namespace ein
