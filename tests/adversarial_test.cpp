// A catalogue of adversarial inputs, each with the exact ein::ErrorCode or result expected:
// hand-typed subscripts, shapes at the limits of 64-bit arithmetic (zero-stride broadcast views,
// so huge logical shapes cost no memory), calls that must fail before touching `out`, `out`
// aliasing an input, NaN/Inf that BLAS shortcuts could drop, integer wrap-around, allocation
// failure, and hostile .npy/.npz files. docs/reliability.md describes the rules they check.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/npy.hpp"
#include "ein/support/fault_injection.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::reference_einsum;
using test::tensors_equal;
using Views = std::vector<TensorView>;

constexpr Index k2to32 = Index{1} << 32;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Runs f and checks it throws ein::Error with exactly `code` and a non-empty message.
void expect_error(ErrorCode code, const std::function<void()>& f, const std::string& what) {
  SCOPED_TRACE(what);
  try {
    f();
    ADD_FAILURE() << "no error; expected " << error_code_name(code);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << error_code_name(e.code()) << ": " << e.what();
    EXPECT_GT(std::strlen(e.what()), 0u);
  }
}

// A view of any logical shape over one element: every stride 0 (a broadcast view).
TensorView broadcast_scalar(const Shape& shape) {
  static double one = 1.0;
  return {&one, DType::Float64, shape, Strides(shape.size(), 0)};
}

Tensor vec(std::vector<double> v) {
  const auto n = static_cast<Index>(v.size());
  return Tensor::from_vector(v, {n});
}

// A float64 tensor filled with -777, a value no test computes: any write shows.
Tensor sentinel(const Shape& shape) {
  Tensor t = Tensor::empty(DType::Float64, shape);
  auto* p = static_cast<double*>(t.data());
  for (Index i = 0; i < t.numel(); ++i) p[i] = -777.0;
  return t;
}

// Disarms the allocation-failure hook even when an assertion returns early.
struct DisarmOnExit {
  ~DisarmOnExit() { support::disarm_allocation_failure(); }
};

// ---- 1. subscripts typed by hand --------------------------------------------------------------

TEST(Adversarial, MalformedSubscripts) {
  const Tensor m = Tensor::zeros(DType::Float64, {2, 2});
  const Tensor r3 = Tensor::zeros(DType::Float64, {2, 2, 2});
  auto one = [&](std::string_view s) { return [s, &m] { (void)einsum(s, {m}); }; };
  expect_error(ErrorCode::ParseError, one("i.j"), "a stray '.'");
  expect_error(ErrorCode::ParseError, one("ij->iij"), "an output label repeated");
  expect_error(ErrorCode::ParseError, one("ij->k"), "an output label in no input");
  expect_error(ErrorCode::ParseError, one("...i...j"), "two ellipses in one term");
  expect_error(ErrorCode::ParseError, one("i\xc3\xa9"), "a non-ASCII letter");
  expect_error(ErrorCode::ParseError, one(std::string_view("i\0j", 3)), "an embedded NUL");
  expect_error(ErrorCode::ParseError, one("ij->j->i"), "two arrows");
  expect_error(ErrorCode::ParseError, one("i1"), "a digit label");
  expect_error(ErrorCode::ParseError, one("ij-"), "a lone '-'");
  expect_error(
      ErrorCode::InvalidArgument, [&] { (void)einsum("ij,jk", {m}); }, "two terms, one operand");
  expect_error(
      ErrorCode::ShapeMismatch, [&] { (void)einsum("ij", {r3}); }, "rank 3 for 'ij'");
  expect_error(
      ErrorCode::ShapeMismatch,
      [&] {
        (void)einsum("ii", {Tensor::zeros(DType::Float64, {2, 3})});
      },
      "a diagonal of a non-square matrix");
  expect_error(
      ErrorCode::ShapeMismatch,
      [&] {
        (void)einsum("ij,jk->ik", {m, Tensor::zeros(DType::Float64, {3, 2})});
      },
      "contracted extents 2 and 3");
  expect_error(
      ErrorCode::InvalidArgument, [&] { (void)einsum("", std::span<const TensorView>{}); },
      "no operands");
  // Objects that hold no data: refused, never dereferenced.
  expect_error(
      ErrorCode::InvalidArgument, [&] { (void)einsum("->", {TensorView()}); },
      "a default-constructed view");
  expect_error(
      ErrorCode::InvalidArgument,
      [&] {
        (void)einsum("ij,->ij", {m, Tensor()});
      },
      "an invalid Tensor");
  expect_error(
      ErrorCode::InvalidArgument,
      [&] {
        einsum_into("ij->ij", Views{m}, TensorView(nullptr, DType::Float64, {2, 2}));
      },
      "an out without data");
  expect_error(
      ErrorCode::InvalidArgument, [&] { (void)Expression()(Views{m}); },
      "a default-constructed Expression");
  // 200 000 characters of labels: an error in linear time, not a crash or a hang.
  std::string long_term(200000, 'a');
  expect_error(ErrorCode::ShapeMismatch, one(long_term), "200000 axes for a rank-2 operand");
}

TEST(Adversarial, UnusualButValidSubscripts) {
  const Tensor a = vec({1, 2, 3});
  // Spaces anywhere outside '...' and '->'; upper-case labels; an explicit empty output.
  EXPECT_EQ(einsum(" i , i -> ", {a, a}).item<double>(), 14.0);
  EXPECT_EQ(einsum("A,A", {a, a}).item<double>(), 14.0);
  // A scalar operand with an empty term, and '...' that covers no axis.
  EXPECT_EQ(einsum(",...i->...", {Tensor::scalar(2.0), a}).item<double>(), 12.0);
}

// ---- 2. shapes at the limits of 64-bit arithmetic ---------------------------------------------

TEST(Adversarial, ViewAndTensorSizesAreChecked) {
  double x = 0;
  expect_error(
      ErrorCode::Overflow,
      [] {
        (void)Tensor::empty(DType::Float64, {k2to32, k2to32});
      },
      "2^64 elements");
  expect_error(
      ErrorCode::Overflow, [] { (void)Tensor::empty(DType::Complex128, {Index{1} << 60}); },
      "2^60 elements of 16 bytes");
  expect_error(
      ErrorCode::ShapeMismatch,
      [] {
        (void)Tensor::empty(DType::Float64, {2, -1});
      },
      "a negative extent");
  expect_error(
      ErrorCode::Overflow, [&] { (void)TensorView(&x, DType::Float64, {3}, {INT64_MAX / 2}); },
      "a stride whose reach overflows");
  expect_error(
      ErrorCode::Overflow, [&] { (void)TensorView(&x, DType::Float64, {2}, {INT64_MIN}); },
      "stride INT64_MIN");
  expect_error(
      ErrorCode::Overflow,
      [&] {
        (void)TensorView(&x, DType::Bool, {2, 2}, {INT64_MAX / 2, INT64_MAX / 2 + 1});
      },
      "a byte span of exactly INT64_MAX + 1");
  expect_error(
      ErrorCode::ShapeMismatch, [&] { (void)TensorView(&x, DType::Float64, {2}, {}); },
      "rank of strides differs");

  // Empty views whose other extents multiply past 64 bits are valid and have 0 elements.
  const TensorView e(&x, DType::Float64, {Index{1} << 40, Index{1} << 40, 0}, {0, 0, 0});
  EXPECT_EQ(e.numel(), 0);
  const TensorView f(&x, DType::Float64, {0, Index{1} << 40, Index{1} << 40},
                     {0, Index{1} << 40, 1});
  EXPECT_TRUE(f.is_contiguous());
  EXPECT_EQ(f.numel(), 0);
}

TEST(Adversarial, ViewTransformsAtTheLimits) {
  const Tensor a = Tensor::arange(10, DType::Float64);
  // Steps near the int64 limits select one element (no overflow computing the length).
  EXPECT_EQ(a.slice(0, 3, 10, INT64_MAX).shape(), Shape{1});
  EXPECT_EQ(a.slice(0, 3, 10, INT64_MAX).item<double>(), 3.0);
  EXPECT_EQ(a.slice(0, 9, -11, INT64_MIN).shape(), Shape{1});
  EXPECT_EQ(a.slice(0, 9, -11, INT64_MIN).item<double>(), 9.0);
  expect_error(
      ErrorCode::InvalidArgument, [&] { (void)a.slice(0, 0, 10, 0); }, "step 0");
  // Extent-1 axes may carry any stride; their diagonal must not add them up.
  double x = 7;
  const TensorView one(&x, DType::Float64, {1, 1}, {INT64_MAX, INT64_MAX});
  EXPECT_EQ(one.diagonal().shape(), Shape{1});
  expect_error(
      ErrorCode::AxisError, [&] { (void)a.select(0, 10); }, "index 10 of 10");
  expect_error(
      ErrorCode::AxisError, [&] { (void)a.view().permute({1}); }, "axis 1 of rank 1");
}

TEST(Adversarial, HugeLogicalShapesFailBeforeAllocating) {
  const DisarmOnExit disarm;
  const TensorView i = broadcast_scalar({k2to32});
  // Every allocation fails from here: an Overflow (not OutOfMemory) proves that the size check
  // comes before any allocation.
  support::fail_allocation_after(0);
  expect_error(
      ErrorCode::Overflow,
      [&] {
        (void)einsum("i,j->ij", {i, i});
      },
      "an outer product of 2^64 elements");
  const std::vector<OperandSpec> specs{OperandSpec::of(i), OperandSpec::of(i)};
  expect_error(
      ErrorCode::Overflow, [&] { (void)Expression::compile("i,j->ij", specs); },
      "compiling the same");
  // Every operand has 2^48 elements and the output is a scalar, but the path's first
  // intermediate ik has 2^64.
  const TensorView tall = broadcast_scalar({k2to32, Index{1} << 16});
  const TensorView wide = broadcast_scalar({Index{1} << 16, k2to32});
  EinsumOptions left_to_right;
  left_to_right.path = {{0, 1}, {0, 1}, {0, 1}};
  expect_error(
      ErrorCode::Overflow,
      [&] {
        (void)einsum("ij,jk,kl,li->", {tall, wide, tall, wide}, left_to_right);
      },
      "an intermediate of 2^64 elements");
  // 2^61 output elements fit in int64, their bytes do not: every path finder must refuse at
  // compile time (found by fuzz_path: some paths wrote the output directly and compiled).
  const TensorView e20 = broadcast_scalar({Index{1} << 20});
  const TensorView e21 = broadcast_scalar({Index{1} << 21});
  const std::vector<OperandSpec> outer3{OperandSpec::of(e20), OperandSpec::of(e20),
                                        OperandSpec::of(e21)};
  for (const char* finder : {"optimal", "greedy", "none"}) {
    EinsumOptions o;
    o.optimize = finder;
    expect_error(
        ErrorCode::Overflow, [&] { (void)Expression::compile("i,j,k->ijk", outer3, o); },
        std::string("a 2^64-byte output, optimize=") + finder);
  }
  // Each operand's own element count already overflows.
  expect_error(
      ErrorCode::Overflow,
      [&] {
        (void)einsum("ijk->", {broadcast_scalar({k2to32, k2to32, 2})});
      },
      "an operand of 2^65 elements");

  // Planning allocates no tensors: huge but representable shapes get a path and costs (still
  // with every allocation failing)...
  const TensorView big = broadcast_scalar({Index{1} << 20, Index{1} << 20});
  const std::vector<OperandSpec> gemm{OperandSpec::of(big), OperandSpec::of(big)};
  const PathInfo info = einsum_path("ij,jk->ik", gemm);
  EXPECT_EQ(info.path.size(), 1u);
  EXPECT_GE(info.naive_flops, 0x1p60);
  EXPECT_TRUE(std::isfinite(info.optimized_flops));
  // ... but a 2^62-element float64 output has no byte size.
  const TensorView huge = broadcast_scalar({Index{1} << 31, Index{1} << 31});
  const std::vector<OperandSpec> huge_gemm{OperandSpec::of(huge), OperandSpec::of(huge)};
  expect_error(
      ErrorCode::Overflow, [&] { (void)einsum_path("ij,jk->ik", huge_gemm); },
      "a 2^62-element float64 result");
  support::disarm_allocation_failure();
}

// ---- 3. validate everything before writing: `out` untouched on any error ----------------------

TEST(Adversarial, OutIsUntouchedOnEveryError) {
  const DisarmOnExit disarm;
  const Tensor a = Tensor::arange(6, DType::Float64).reshape({2, 3});
  const Tensor b = Tensor::arange(12, DType::Float64).reshape({3, 4});
  const Views ab{a, b};
  Tensor out = sentinel({2, 4});
  const Tensor before = out.copy();
  auto untouched = [&](ErrorCode code, const std::function<void()>& f, const std::string& what) {
    expect_error(code, f, what);
    EXPECT_TRUE(tensors_equal(out, before)) << what;
  };
  untouched(
      ErrorCode::ParseError, [&] { einsum_into("ij,jk->ik->", ab, out); }, "bad subscripts");
  untouched(
      ErrorCode::ShapeMismatch, [&] { einsum_into("ij,jk->ki", ab, out); }, "out transposed");
  untouched(
      ErrorCode::ShapeMismatch, [&] { einsum_into("ij,kj->ik", ab, out); }, "j mismatch");
  Tensor f32 = Tensor::zeros(DType::Float32, {2, 4});
  expect_error(
      ErrorCode::DTypeMismatch, [&] { einsum_into("ij,jk->ik", ab, f32); },
      "float64 into float32 (unsafe)");
  EXPECT_TRUE(tensors_equal(f32, Tensor::zeros(DType::Float32, {2, 4})));
  EinsumOptions o;
  o.path = {{0, 2}};
  untouched(
      ErrorCode::InvalidArgument, [&] { einsum_into("ij,jk->ik", ab, out, o); },
      "a path naming operand 2 of 2");
  o = {};
  o.optimize = "fastest";
  untouched(
      ErrorCode::InvalidArgument, [&] { einsum_into("ij,jk->ik", ab, out, o); },
      "an unknown path finder");
  o = {};
  o.dtype = DType::Int32;
  untouched(
      ErrorCode::DTypeMismatch, [&] { einsum_into("ij,jk->ik", ab, out, o); },
      "dtype=int32 for float64 operands");
  // out aliases an input, so ein computes aside first; that allocation fails.
  Tensor alias = sentinel({3, 4});
  const Tensor alias_before = alias.copy();
  support::fail_allocation_after(0);
  expect_error(
      ErrorCode::OutOfMemory,
      [&] {
        einsum_into("ij,jk->jk", Views{a, alias}, alias);
      },
      "the temporary for an aliased out");
  support::disarm_allocation_failure();
  EXPECT_TRUE(tensors_equal(alias, alias_before));

  // A broadcast out would take several results per element.
  Tensor cell = sentinel({1, 4});
  const TensorView broadcast_out = cell.view().broadcast_to(Shape{2, 4});
  expect_error(
      ErrorCode::InvalidArgument, [&] { einsum_into("ij,jk->ik", ab, broadcast_out); },
      "an out with a zero-stride axis");
  EXPECT_TRUE(tensors_equal(cell, sentinel({1, 4})));

  // A compiled Expression checks its operands before writing.
  const std::vector<OperandSpec> specs{OperandSpec::of(a), OperandSpec::of(b)};
  const Expression e = Expression::compile("ij,jk->ik", specs);
  untouched(
      ErrorCode::InvalidArgument, [&] { e.run(Views{a}, out); }, "one operand of two");
  const Tensor bt = b.transpose().copy().transpose();  // same shape, Fortran strides
  untouched(
      ErrorCode::ShapeMismatch,
      [&] {
        e.run(Views{a, bt}, out);
      },
      "other strides");
  untouched(
      ErrorCode::ShapeMismatch,
      [&] {
        e.run(Views{a, a}, out);
      },
      "other shape");
  const Tensor bi = b.astype(DType::Int64);
  untouched(
      ErrorCode::ShapeMismatch,
      [&] {
        e.run(Views{a, bi}, out);
      },
      "other dtype");
  e.run(ab, out);  // and the right call works
  EXPECT_TRUE(tensors_equal(out, reference_einsum("ij,jk->ik", {a, b})));
}

// ---- 4. out overlapping an input: NumPy's answer (as if computed into a fresh array) ----------

TEST(Adversarial, OutAliasingAnInput) {
  // In-place transpose of a square matrix (out is the operand itself).
  Tensor m = Tensor::arange(9, DType::Float64).reshape({3, 3});
  const Tensor mt = m.transpose().copy();
  einsum_into("ij->ji", Views{m}, m);
  EXPECT_TRUE(tensors_equal(m, mt));

  // out is the input shifted by one element in the same buffer.
  Tensor buf = Tensor::arange(7, DType::Float64);
  const Tensor src = buf.slice(0, 0, 6);
  const Tensor want = reference_einsum("i->i", {src.slice(0, 6, -7, -1)});  // reversed copy
  einsum_into("i->i", Views{buf.slice(0, 0, 6).slice(0, 5, -7, -1)}, buf.slice(0, 1, 7));
  EXPECT_TRUE(tensors_equal(buf.slice(0, 1, 7).contiguous(), want));

  // Writing a matrix-vector product over the vector; writing a diagonal over its matrix.
  Tensor sq = Tensor::arange(16, DType::Float64).reshape({4, 4});
  Tensor v = vec({1, -1, 2, -2});
  const Tensor mv = reference_einsum("ij,j->i", {sq, v});
  einsum_into("ij,j->i", Views{sq, v}, v);
  EXPECT_TRUE(tensors_equal(v, mv));
  const Tensor row0 = reference_einsum("ii->i", {sq});
  einsum_into("ii->i", Views{sq}, sq.select(0, 0));
  EXPECT_TRUE(tensors_equal(sq.select(0, 0).contiguous(), row0));

  // A GEMM whose out is its own left operand (BLAS must never see aliased buffers).
  auto rng = test::make_rng(7);
  Tensor g = test::random_tensor(DType::Float64, {40, 40}, rng);
  Tensor h = test::random_tensor(DType::Float64, {40, 40}, rng);
  const Tensor gh = einsum("ij,jk->ik", {g, h});
  einsum_into("ij,jk->ik", Views{g, h}, g);
  EXPECT_TRUE(tensors_equal(g, gh));
}

// ---- 5. NaN and Inf where BLAS or a shortcut could skip work ----------------------------------

TEST(Adversarial, NaNAndInfPropagate) {
  // 0 * NaN in a dot product, and a sum of +Inf and -Inf.
  EXPECT_TRUE(std::isnan(einsum("i,i->", {vec({0, 0}), vec({kNaN, 1})}).item<double>()));
  EXPECT_TRUE(std::isnan(einsum("i->", {vec({kInf, -kInf})}).item<double>()));
  // A zero scalar times Inf (the "scale" family), and an outer product with a zero vector.
  const Tensor s = einsum(",i->i", {Tensor::scalar(0.0), vec({1, kInf})});
  EXPECT_EQ(s.at<double>({0}), 0.0);
  EXPECT_TRUE(std::isnan(s.at<double>({1})));
  const Tensor outer = einsum("i,j->ij", {vec({0, 1}), vec({kInf, 2})});
  EXPECT_TRUE(std::isnan(outer.at<double>({0, 0})));
  EXPECT_EQ(outer.at<double>({1, 0}), kInf);
  EXPECT_EQ(outer.at<double>({0, 1}), 0.0);

  // A zero matrix times a vector holding Inf (gemv): every output is NaN.
  const Tensor z = Tensor::zeros(DType::Float64, {70, 70});
  Tensor x = Tensor::ones(DType::Float64, {70});
  static_cast<double*>(x.data())[13] = kInf;
  const Tensor zx = einsum("ij,j->i", {z, x});
  for (double y : zx.to_vector<double>()) EXPECT_TRUE(std::isnan(y));

  // GEMM large enough for BLAS (both dtypes): one Inf in B poisons exactly one column of zeros.
  for (DType dt : {DType::Float32, DType::Float64}) {
    const Tensor za = Tensor::zeros(dt, {64, 64});
    Tensor bb = Tensor::ones(DType::Float64, {64, 64});
    static_cast<double*>(bb.data())[5 * 64 + 9] = kInf;  // B[5][9]
    const Tensor c = einsum("ij,jk->ik", {za, bb.astype(dt)}).astype(DType::Float64);
    for (Index i = 0; i < 64; ++i) {
      for (Index k = 0; k < 64; ++k) {
        const double y = c.at<double>({i, k});
        if (k == 9) {
          EXPECT_TRUE(std::isnan(y)) << i << "," << k;
        } else {
          EXPECT_EQ(y, 0.0) << i << "," << k;
        }
      }
    }
  }

  // beta = 0: out's old contents (NaN) are never read.
  Tensor out = sentinel({64, 64});
  static_cast<double*>(out.data())[0] = kNaN;
  einsum_into("ij,jk->ik",
              Views{Tensor::ones(DType::Float64, {64, 64}), Tensor::ones(DType::Float64, {64, 64})},
              out);
  for (double y : out.to_vector<double>()) EXPECT_EQ(y, 64.0);

  // Complex NaN in a batched product.
  Tensor cz = Tensor::zeros(DType::Complex128, {2, 3, 3});
  Tensor cn = Tensor::ones(DType::Complex128, {2, 3, 3});
  static_cast<complex128*>(cn.data())[9] = complex128(kNaN, 0);  // batch 1, row 0, col 0
  const Tensor bc = einsum("bij,bjk->bik", {cz, cn});
  EXPECT_TRUE(std::isnan(bc.at<complex128>({1, 0, 0}).real()));
  EXPECT_EQ(bc.at<complex128>({0, 0, 0}), complex128(0, 0));

  // An empty contracted label: the sum of nothing is 0, even next to NaN operands (NumPy).
  const Tensor e = einsum(
      "ij,jk->ik", {Tensor::zeros(DType::Float64, {2, 0}), Tensor::zeros(DType::Float64, {0, 3})});
  EXPECT_TRUE(tensors_equal(e, Tensor::zeros(DType::Float64, {2, 3})));
}

// ---- 6. integer einsum wraps like NumPy's (no signed-overflow UB: UBSan checks) ---------------

TEST(Adversarial, IntegerWrapAround) {
  constexpr std::int32_t kMax32 = std::numeric_limits<std::int32_t>::max();
  constexpr std::int64_t kMax64 = std::numeric_limits<std::int64_t>::max();
  auto i32 = [](std::vector<std::int32_t> v) {
    const auto n = static_cast<Index>(v.size());
    return Tensor::from_vector(v, {n});
  };
  auto i64 = [](std::vector<std::int64_t> v) {
    const auto n = static_cast<Index>(v.size());
    return Tensor::from_vector(v, {n});
  };
  EXPECT_EQ(einsum("i,i->", {i32({kMax32}), i32({2})}).item<std::int32_t>(), -2);
  EXPECT_EQ(einsum("i->", {i32({kMax32, 1})}).item<std::int32_t>(), INT32_MIN);
  EXPECT_EQ(einsum("i,i->", {i64({kMax64}), i64({kMax64})}).item<std::int64_t>(), 1);
  EXPECT_EQ(einsum("i->", {i64({kMax64, kMax64, 2})}).item<std::int64_t>(), 0);
  EXPECT_EQ(einsum("i,j->ij", {i64({INT64_MIN}), i64({-1})}).item<std::int64_t>(), INT64_MIN);

  // GEMM, reductions and mixed int32/int64 over extreme values, against the wrapping reference.
  auto rng = test::make_rng(11);
  for (DType dt : {DType::Int32, DType::Int64}) {
    Tensor a = test::random_tensor(dt, {9, 17}, rng);
    Tensor b = test::random_tensor(dt, {17, 5}, rng);
    visit_dtype(dt, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        T* p = static_cast<T*>(a.data());
        for (Index k = 0; k < a.numel(); k += 3) p[k] = std::numeric_limits<T>::max() - T(k);
        T* q = static_cast<T*>(b.data());
        for (Index k = 0; k < b.numel(); k += 2) q[k] = std::numeric_limits<T>::min() + T(k);
      }
    });
    for (const char* eq : {"ij,jk->ik", "ij,jk->", "ij->i", "ij->j", "ij,ij->i"}) {
      const Views ops = std::string(eq).find("ij,ij") == 0               ? Views{a, a}
                        : std::string(eq).find(',') == std::string::npos ? Views{a}
                                                                         : Views{a, b};
      EXPECT_TRUE(tensors_equal(einsum(eq, ops), reference_einsum(eq, ops)))
          << eq << " " << dtype_name(dt);
    }
  }
  const Tensor big32 = i32({kMax32, kMax32});
  const Tensor small64 = i64({3, 5});
  EXPECT_EQ(einsum("i,i->", {big32, small64}).item<std::int64_t>(), std::int64_t{kMax32} * 8);
  // bool: OR of ANDs, never a count that could overflow.
  const Tensor t = Tensor::ones(DType::Bool, {300});
  EXPECT_TRUE(einsum("i,i->", {t, t}).item<bool>());
}

// ---- 7. allocation failure: OutOfMemory and no leak (LSan checks under ASan) -------------------

TEST(Adversarial, AllocationFailureGivesOutOfMemoryAndLeaksNothing) {
  const DisarmOnExit disarm;
  auto rng = test::make_rng(21);
  const Tensor a = test::random_view(DType::Float32, {6, 7, 5}, rng);
  const Tensor b = test::random_view(DType::Float64, {5, 7, 4}, rng);
  const Tensor c = test::random_tensor(DType::Float64, {4, 3}, rng);
  const Views ops{a, b, c};
  const char* eq = "ijk,kjl,lm->im";
  const Tensor want = einsum(eq, ops);
  // Fail the 1st, 2nd, ... allocation until a run needs no more than were allowed.
  bool completed = false;
  for (int allowed = 0; allowed < 16 && !completed; ++allowed) {
    support::fail_allocation_after(allowed);
    try {
      const Tensor got = einsum(eq, ops);
      completed = true;
      support::disarm_allocation_failure();
      EXPECT_TRUE(tensors_equal(got, want));
    } catch (const Error& e) {
      support::disarm_allocation_failure();
      EXPECT_EQ(e.code(), ErrorCode::OutOfMemory) << e.what();
      EXPECT_EQ(support::injected_allocation_failures(), 1);
    }
  }
  EXPECT_TRUE(completed);
  // The per-thread workspace is still usable after failures.
  EXPECT_TRUE(tensors_equal(einsum(eq, ops), want));

  support::fail_allocation_after(0);
  expect_error(
      ErrorCode::OutOfMemory, [] { (void)Tensor::zeros(DType::Int64, {3}); }, "Tensor::zeros");
  expect_error(
      ErrorCode::OutOfMemory, [&] { (void)a.copy(); }, "Tensor::copy");
  const std::vector<std::byte> file = write_npy(c);
  expect_error(
      ErrorCode::OutOfMemory, [&] { (void)read_npy(file); }, "read_npy's data");
  support::disarm_allocation_failure();
  EXPECT_TRUE(tensors_equal(read_npy(file), c));
}

// ---- 8. hostile .npy / .npz files --------------------------------------------------------------

// A .npy v1.0 file with this header dict text and `data_bytes` zero bytes of data.
std::vector<std::byte> npy_with_header(const std::string& dict, std::size_t data_bytes) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string f = "\x93NUMPY";
  f += '\x01';
  f += '\x00';
  f += static_cast<char>(h.size() & 0xff);
  f += static_cast<char>(h.size() >> 8);
  f += h;
  f.append(data_bytes, '\0');
  const auto* p = reinterpret_cast<const std::byte*>(f.data());
  return {p, p + f.size()};
}

TEST(Adversarial, HostileNpyFiles) {
  const DisarmOnExit disarm;
  auto load = [](std::string dict, std::size_t data) {
    return [dict, data] { (void)read_npy(npy_with_header(dict, data)); };
  };
  // Any allocation now fails: IoError (not OutOfMemory) proves validation precedes allocation.
  support::fail_allocation_after(0);
  expect_error(ErrorCode::IoError,
               load("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", 64),
               "a shape far larger than the file");
  expect_error(
      ErrorCode::IoError,
      load("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0),
      "a shape whose byte size overflows");
  expect_error(ErrorCode::IoError,
               load("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 1099511627776, "
                    "1099511627776), }",
                    0),
               "an empty shape whose other extents overflow");
  support::disarm_allocation_failure();
  expect_error(ErrorCode::IoError,
               load("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", 0),
               "a negative extent");
  expect_error(ErrorCode::IoError,
               load("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8),
               "an object array");
  expect_error(ErrorCode::IoError,
               load("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 15),
               "data one byte short");
  expect_error(ErrorCode::IoError,
               load("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", 16),
               "an unknown key");
  expect_error(ErrorCode::IoError, load("{'descr': '<f8', 'shape': (2,), }", 16), "a missing key");
  expect_error(
      ErrorCode::IoError, [] { (void)read_npy(std::span<const std::byte>{}); }, "an empty file");
  expect_error(
      ErrorCode::IoError, [] { (void)load_npy("/nonexistent/dir/x.npy"); }, "a missing file");

  // Valid but odd: an empty bool array whose other extents multiply to 2^60 bytes.
  const Tensor e = read_npy(npy_with_header(
      "{'descr': '|b1', 'fortran_order': True, 'shape': (0, 1073741824, 1073741824), }", 0));
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(e.shape(), (Shape{0, Index{1} << 30, Index{1} << 30}));
  // Bool bytes other than 0 and 1 load as true (a bool holding 2 would be UB).
  auto bytes = npy_with_header("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", 2);
  bytes[bytes.size() - 1] = std::byte{0xfe};
  EXPECT_EQ(read_npy(bytes).to_vector<int>(), (std::vector<int>{0, 1}));

  // A zip file that is not an archive, and an archive whose member fails its CRC.
  const auto dir = std::filesystem::temp_directory_path();
  const auto junk =
      dir / ("ein_adversarial_" +
             std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".npz");
  { std::ofstream(junk, std::ios::binary) << "PK\x05\x06 not really a zip"; }
  expect_error(
      ErrorCode::IoError, [&] { (void)load_npz(junk); }, "a truncated zip");
  save_npz(junk, {{"a", Tensor::arange(64, DType::Int64)}});
  {
    std::fstream f(junk, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(200);  // inside member a's data
    f.put('\x7f');
  }
  expect_error(
      ErrorCode::IoError, [&] { (void)load_npz(junk); }, "a corrupted member");
  std::filesystem::remove(junk);
}

}  // namespace
}  // namespace ein
