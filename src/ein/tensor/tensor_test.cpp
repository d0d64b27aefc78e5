#include <gtest/gtest.h>

#include "ein/tensor.hpp"

namespace ein {
namespace {

TEST(DType, PromotionFollowsNumPy) {
  EXPECT_EQ(promote_types(DType::Bool, DType::Int32), DType::Int32);
  EXPECT_EQ(promote_types(DType::Int32, DType::Int64), DType::Int64);
  EXPECT_EQ(promote_types(DType::Int32, DType::Float32), DType::Float64);
  EXPECT_EQ(promote_types(DType::Int64, DType::Float32), DType::Float64);
  EXPECT_EQ(promote_types(DType::Int32, DType::Complex64), DType::Complex128);
  EXPECT_EQ(promote_types(DType::Float32, DType::Complex64), DType::Complex64);
  EXPECT_EQ(promote_types(DType::Float64, DType::Complex64), DType::Complex128);
  EXPECT_EQ(promote_types(DType::Float32, DType::Float64), DType::Float64);
  EXPECT_EQ(promote_types(DType::Bool, DType::Bool), DType::Bool);
  EXPECT_TRUE(can_cast_safely(DType::Int32, DType::Float64));
  EXPECT_FALSE(can_cast_safely(DType::Float64, DType::Int64));
  EXPECT_FALSE(can_cast_safely(DType::Int64, DType::Float32));
  EXPECT_EQ(dtype_from_name("float32"), DType::Float32);
  EXPECT_EQ(dtype_from_name("nope"), std::nullopt);
}

TEST(Convert, FloatToIntNeverUB) {
  EXPECT_EQ(convert_value<std::int32_t>(1e30), INT32_MIN);
  EXPECT_EQ(convert_value<std::int64_t>(std::nan("")), INT64_MIN);
  EXPECT_EQ(convert_value<std::int32_t>(-2.7), -2);
  EXPECT_EQ(convert_value<bool>(complex64(0, 1)), true);
  EXPECT_EQ(convert_value<double>(complex128(3, 4)), 3.0);
}

TEST(TensorView, StridesAndViews) {
  Tensor t = Tensor::arange(24).reshape({2, 3, 4});
  EXPECT_EQ(t.strides(), (Strides{12, 4, 1}));
  EXPECT_TRUE(t.is_contiguous());
  Tensor p = t.permute({2, 0, 1});
  EXPECT_EQ(p.shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(p.at<int>({3, 1, 2}), t.at<int>({1, 2, 3}));
  EXPECT_FALSE(p.is_contiguous());
  EXPECT_EQ(p.owner(), t.owner());
  Tensor c = p.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.to_vector<int>(), p.to_vector<int>());
  EXPECT_EQ(t.transpose().shape(), (Shape{4, 3, 2}));
}

TEST(TensorView, ReshapeIsAViewWhenStridesAllow) {
  Tensor t = Tensor::arange(24).reshape({2, 3, 4});
  EXPECT_TRUE(t.view().can_reshape_as_view(std::vector<Index>{6, 4}));
  EXPECT_EQ(t.reshape({6, -1}).data(), t.data());
  Tensor tt = t.permute({0, 2, 1});  // (2,4,3): the last two axes are not a row-major block
  EXPECT_FALSE(tt.view().can_reshape_as_view(std::vector<Index>{2, 12}));
  EXPECT_TRUE(tt.view().can_reshape_as_view(std::vector<Index>{2, 4, 3, 1}));
  Tensor r = tt.reshape({2, 12});  // copies
  EXPECT_NE(r.data(), t.data());
  EXPECT_EQ(r.at<int>({1, 1}), tt.at<int>({1, 0, 1}));
  EXPECT_THROW((void)t.reshape({5, 5}), Error);
  EXPECT_THROW((void)t.reshape({-1, -1}), Error);
}

TEST(TensorView, SliceBroadcastDiagonal) {
  Tensor t = Tensor::arange(12).reshape({3, 4});
  Tensor s = t.slice(1, 3, INT64_MIN, -2);  // columns 3, 1
  EXPECT_EQ(s.shape(), (Shape{3, 2}));
  EXPECT_EQ(s.to_vector<int>(), (std::vector<int>{3, 1, 7, 5, 11, 9}));
  Tensor b = Tensor::arange(3).broadcast_to(std::vector<Index>{2, 3});
  EXPECT_EQ(b.strides(), (Strides{0, 1}));
  EXPECT_EQ(b.to_vector<int>(), (std::vector<int>{0, 1, 2, 0, 1, 2}));
  EXPECT_THROW((void)Tensor::arange(3).broadcast_to(std::vector<Index>{2, 4}), Error);
  EXPECT_EQ(t.diagonal().to_vector<int>(), (std::vector<int>{0, 5, 10}));
  EXPECT_EQ(t.diagonal(1).to_vector<int>(), (std::vector<int>{1, 6, 11}));
  EXPECT_EQ(t.diagonal(-1).to_vector<int>(), (std::vector<int>{4, 9}));
  EXPECT_EQ(t.diagonal(7).numel(), 0);
  EXPECT_EQ(t.select(0, -1).to_vector<int>(), (std::vector<int>{8, 9, 10, 11}));
  EXPECT_THROW((void)t.select(1, 4), Error);
  EXPECT_EQ(t.expand_dims(1).shape(), (Shape{3, 1, 4}));
  EXPECT_EQ(t.expand_dims(1).squeeze().shape(), (Shape{3, 4}));
}

TEST(TensorView, ErrorsNameTheProblem) {
  Tensor t = Tensor::zeros(DType::Float32, {2, 3});
  try {
    (void)t.permute({0, 3});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AxisError);
    EXPECT_NE(std::string(e.what()).find("out of bounds"), std::string::npos);
  }
  EXPECT_THROW((void)t.data_as<double>(), Error);
  const Index huge = Index{1} << 31;
  EXPECT_THROW(Tensor::empty(DType::Float64, {huge, huge}), Error);
  float x = 0;
  // A zero-stride view of a huge logical shape costs nothing and is valid.
  TensorView v(&x, DType::Float32, {huge, huge}, {0, 0});
  EXPECT_EQ(v.numel(), huge * huge);
  EXPECT_THROW(TensorView(&x, DType::Float32, {huge, huge, huge}, {0, 0, 0}), Error);
}

TEST(TensorView, Overlap) {
  Tensor t = Tensor::zeros(DType::Float64, {10});
  EXPECT_TRUE(t.view().may_overlap(t.slice(0, 5, 10).view()));
  EXPECT_FALSE(t.slice(0, 0, 5).view().may_overlap(t.slice(0, 5, 10).view()));
}

TEST(Tensor, AsTypeConverts) {
  Tensor t = Tensor::from_vector<double>({1.5, -2.5, 0.0}, {3});
  EXPECT_EQ(t.astype(DType::Int32).to_vector<int>(), (std::vector<int>{1, -2, 0}));
  EXPECT_EQ(t.astype(DType::Bool).to_vector<int>(), (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(t.astype(DType::Complex64).at<complex64>({1}), complex64(-2.5f, 0));
}

}  // namespace
}  // namespace ein
