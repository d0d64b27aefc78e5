// The public einsum API around the engine: out=, dtype=, aliasing, compiled expressions, paths.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ein/einsum.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::reference_einsum;
using test::tensors_close;
using test::tensors_equal;

TEST(EinsumApi, IntoWritesTheResultAndChecksOut) {
  auto rng = test::make_rng(1);
  Tensor a = test::random_tensor(DType::Float64, {4, 5}, rng);
  Tensor b = test::random_tensor(DType::Float64, {5, 3}, rng);
  Tensor out = Tensor::zeros(DType::Float64, {4, 3});
  einsum_into("ij,jk->ik", std::vector<TensorView>{a, b}, out);
  EXPECT_TRUE(tensors_close(out, reference_einsum("ij,jk->ik", {a, b}), 5));

  // Wrong shape or an unsafe cast: an error, and out untouched.
  Tensor keep = out.copy();
  Tensor bad_shape = Tensor::zeros(DType::Float64, {3, 4});
  EXPECT_THROW(einsum_into("ij,jk->ik", std::vector<TensorView>{a, b}, bad_shape), Error);
  Tensor f32 = Tensor::zeros(DType::Float32, {4, 3});
  try {
    einsum_into("ij,jk->ik", std::vector<TensorView>{a, b}, f32);
    FAIL() << "float64 result into float32 out must be refused under casting='safe'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
    EXPECT_NE(std::string(e.what()).find("'safe'"), std::string::npos);
  }
  EXPECT_TRUE(tensors_equal(f32, Tensor::zeros(DType::Float32, {4, 3})));

  // A wider out dtype is a safe cast.
  Tensor c128 = Tensor::zeros(DType::Complex128, {4, 3});
  einsum_into("ij,jk->ik", std::vector<TensorView>{a, b}, c128);
  EXPECT_TRUE(tensors_close(c128, reference_einsum("ij,jk->ik", {a, b}, DType::Complex128), 5));
  EXPECT_TRUE(tensors_equal(out, keep));
}

TEST(EinsumApi, OutOverlappingAnInputGivesNumPysResult) {
  auto rng = test::make_rng(2);
  Tensor a = test::random_tensor(DType::Float64, {6, 6}, rng);
  Tensor want = reference_einsum("ij,jk->ik", {a, a});
  einsum_into("ij,jk->ik", std::vector<TensorView>{a, a}, a);  // out is both inputs
  EXPECT_TRUE(tensors_close(a, want, 6));

  Tensor v = Tensor::arange(8, DType::Float64);
  Tensor want_t = reference_einsum("ij->ji", {v.reshape({2, 4}).slice(1, 0, 2)});
  // out is a shifted view of the same buffer.
  einsum_into("ij->ji", std::vector<TensorView>{v.reshape({2, 4}).slice(1, 0, 2)},
              v.slice(0, 1, 5).reshape({2, 2}));
  EXPECT_TRUE(tensors_equal(v.slice(0, 1, 5).reshape({2, 2}).copy(), want_t));
}

TEST(EinsumApi, DTypeOptionCastsSafelyOrRefuses) {
  Tensor i = Tensor::arange(4, DType::Int32);
  EinsumOptions o;
  o.dtype = DType::Float64;
  Tensor r = einsum("i,i->", {i, i}, o);
  EXPECT_EQ(r.dtype(), DType::Float64);
  EXPECT_EQ(r.item<double>(), 14.0);
  Tensor f = Tensor::arange(4, DType::Float64);
  o.dtype = DType::Int32;
  try {
    (void)einsum("i,i->", {f, f}, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
    EXPECT_NE(std::string(e.what()).find("operand 0"), std::string::npos);
  }
}

TEST(EinsumApi, ResultDTypeIsNumPys) {
  Tensor i32 = Tensor::arange(3, DType::Int32);
  Tensor f32 = Tensor::arange(3, DType::Float32);
  Tensor b = Tensor::ones(DType::Bool, {3});
  EXPECT_EQ(einsum("i,i->i", {i32, i32}).dtype(), DType::Int32);
  EXPECT_EQ(einsum("i,i->i", {i32, f32}).dtype(), DType::Float64);
  EXPECT_EQ(einsum("i,i->", {b, b}).dtype(), DType::Bool);
  EXPECT_EQ(einsum("i,i->", {b, b}).item<bool>(), true);
}

TEST(EinsumApi, IntegersWrapLikeNumPy) {
  Tensor big = Tensor::from_vector<std::int32_t>({std::numeric_limits<std::int32_t>::max(), 1}, {2});
  EXPECT_EQ(einsum("i->", {big}).item<std::int32_t>(), std::numeric_limits<std::int32_t>::min());
  Tensor m = Tensor::from_vector<std::int64_t>({INT64_MAX, 2}, {2});
  // INT64_MAX * 2 wraps to -2.
  EXPECT_EQ(einsum("i,i->", {m, Tensor::from_vector<std::int64_t>({2, 0}, {2})}).item<std::int64_t>(),
            -2);
}

TEST(EinsumApi, NaNAndInfPropagate) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor a = Tensor::from_vector<double>({nan, 0, 0, 0}, {2, 2});
  Tensor z = Tensor::zeros(DType::Float64, {2, 2});
  Tensor r = einsum("ij,jk->ik", {a, z});
  EXPECT_TRUE(std::isnan(r.at<double>({0, 0})));
  EXPECT_TRUE(std::isnan(r.at<double>({0, 1})));
  EXPECT_EQ(r.at<double>({1, 0}), 0.0);
}

TEST(EinsumApi, ZeroSizeExtents) {
  Tensor a = Tensor::zeros(DType::Float64, {3, 0});
  Tensor b = Tensor::zeros(DType::Float64, {0, 2});
  Tensor r = einsum("ij,jk->ik", {a, b});
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  EXPECT_TRUE(tensors_equal(r, Tensor::zeros(DType::Float64, {3, 2})));
  EXPECT_EQ(einsum("ij->ji", {a}).shape(), (Shape{0, 3}));
  // NumPy gives empty arrays zero strides; such an out is fine (nothing to write).
  double none = 0;
  TensorView empty_out(&none, DType::Float64, {3, 0}, {0, 0});
  einsum_into("ij,jk->ik", std::vector<TensorView>{a, Tensor::zeros(DType::Float64, {0, 0})},
              empty_out);
}

TEST(EinsumApi, CompiledExpressionRunsManyTimes) {
  auto rng = test::make_rng(3);
  std::vector<OperandSpec> specs{{DType::Float32, {3, 3}, {}}, {DType::Float32, {3, 3}, {}}};
  Expression e = Expression::compile("ij,jk->ik", specs);
  EXPECT_EQ(e.output_shape(), (Shape{3, 3}));
  EXPECT_EQ(e.output_dtype(), DType::Float32);
  for (int run = 0; run < 5; ++run) {
    Tensor a = test::random_tensor(DType::Float32, {3, 3}, rng);
    Tensor b = test::random_tensor(DType::Float32, {3, 3}, rng);
    std::vector<TensorView> ops{a, b};
    EXPECT_TRUE(tensors_close(e(ops), reference_einsum("ij,jk->ik", {a, b}), 3));
    Tensor out = Tensor::empty(DType::Float32, {3, 3});
    e.run(ops, out);
    EXPECT_TRUE(tensors_close(out, reference_einsum("ij,jk->ik", {a, b}), 3));
  }
  Tensor wrong = Tensor::zeros(DType::Float32, {3, 4});
  EXPECT_THROW((void)e(std::vector<TensorView>{wrong, wrong}), Error);
  Tensor t = Tensor::zeros(DType::Float32, {3, 3}).transpose();
  EXPECT_THROW((void)e(std::vector<TensorView>{t, t}), Error);  // compiled for other strides
}

TEST(EinsumApi, PathReportNamesKernels) {
  std::vector<OperandSpec> specs{{DType::Float64, {10, 100}, {}},
                                 {DType::Float64, {100, 5}, {}},
                                 {DType::Float64, {5, 50}, {}}};
  EinsumOptions o;
  o.optimize = "optimal";
  PathInfo info = einsum_path("ij,jk,kl->il", specs, o);
  ASSERT_EQ(info.path.size(), 2u);
  EXPECT_EQ(info.path[0], (std::pair<int, int>{0, 1}));
  EXPECT_LT(info.optimized_flops, info.naive_flops);
  const std::string report = info.to_string();
  EXPECT_NE(report.find("ij,jk,kl->il"), std::string::npos) << report;
  for (const auto& s : info.steps) EXPECT_FALSE(s.kernel.empty()) << report;
}

TEST(EinsumApi, ExplicitPathIsValidated) {
  Tensor a = Tensor::ones(DType::Float64, {2, 2});
  EinsumOptions o;
  o.path = {{0, 5}};
  EXPECT_THROW((void)einsum("ij,jk,kl->il", {a, a, a}, o), Error);
  o.path = {{1, 2}, {0, 1}};
  EXPECT_TRUE(tensors_close(einsum("ij,jk,kl->il", {a, a, a}, o),
                            reference_einsum("ij,jk,kl->il", {a, a, a}), 4));
}

TEST(EinsumApi, ViewsForPureRelabelings) {
  Tensor a = Tensor::arange(9, DType::Float64).reshape({3, 3});
  auto t = einsum_view("ij->ji", a);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->data(), a.data());
  EXPECT_EQ(t->strides(), (Strides{1, 3}));
  auto d = einsum_view("ii->i", a);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->strides(), (Strides{4}));
  EXPECT_FALSE(einsum_view("ij->i", a).has_value());
}

}  // namespace
}  // namespace ein
