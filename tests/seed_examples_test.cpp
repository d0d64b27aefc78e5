// The worked examples from the reference notes, with NumPy's printed results as the expectation.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ein/ops.hpp"
#include "ein/products.hpp"

namespace ein {
namespace {

using I64 = std::vector<std::int64_t>;

Tensor ints(const I64& values, Shape shape) {
  return Tensor::from_vector<std::int64_t>(values, std::move(shape));
}

TEST(SeedProducts, DotOfMatricesIsMatmul) {
  const Tensor a = ints({1, 2, 3, 4}, {2, 2}), b = ints({5, 6, 7, 8}, {2, 2});
  const Tensor d = dot(a, b);
  EXPECT_EQ(d.dtype(), DType::Int64);
  EXPECT_EQ(d.shape(), (Shape{2, 2}));
  EXPECT_EQ(d.to_vector<std::int64_t>(), (I64{19, 22, 43, 50}));
  const Tensor m = matmul(a, b);
  EXPECT_EQ(m.shape(), d.shape());
  EXPECT_EQ(m.to_vector<std::int64_t>(), d.to_vector<std::int64_t>());
}

TEST(SeedProducts, DotOfVectorsIsInnerProduct) {
  const Tensor d = dot(ints({1, 2, 3}, {3}), ints({4, 5, 6}, {3}));
  EXPECT_EQ(d.rank(), 0);
  EXPECT_EQ(d.item<std::int64_t>(), 32);
}

TEST(SeedProducts, DotOfTensorAndVectorSumsLastAxis) {
  const Tensor a = ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 3});
  const Tensor d = dot(a, ints({1, 0, 1}, {3}));
  EXPECT_EQ(d.shape(), (Shape{2, 2}));
  EXPECT_EQ(d.to_vector<std::int64_t>(), (I64{4, 10, 16, 22}));
}

TEST(SeedProducts, DotOfTwoThreeDimensionalTensors) {
  const Tensor a = ints({1, 2, 3, 4}, {2, 1, 2});
  const Tensor b = ints({5, 6, 7, 8}, {2, 2, 1});
  const Tensor d = dot(a, b);
  EXPECT_EQ(d.shape(), (Shape{2, 1, 2, 1}));
  EXPECT_EQ(d.to_vector<std::int64_t>(), (I64{17, 23, 39, 53}));
}

TEST(SeedProducts, DotShapeOfOnes) {
  const Tensor d =
      dot(Tensor::ones(DType::Float64, {2, 3, 4}), Tensor::ones(DType::Float64, {7, 4, 5}));
  EXPECT_EQ(d.shape(), (Shape{2, 3, 7, 5}));
  for (double v : d.to_vector<double>()) ASSERT_EQ(v, 4.0);
}

TEST(SeedProducts, MatmulBroadcastsBatchAxes) {
  const Tensor m = matmul(Tensor::ones(DType::Float64, {9, 8, 7, 4, 2}),
                          Tensor::ones(DType::Float64, {9, 8, 7, 2, 5}));
  EXPECT_EQ(m.shape(), (Shape{9, 8, 7, 4, 5}));
  for (double v : m.to_vector<double>()) ASSERT_EQ(v, 2.0);
}

TEST(SeedProducts, TensordotWithOneAxis) {
  std::vector<double> values;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) values.push_back(100.0 * (i + 1) + 10.0 * (j + 1) + (k + 1));
    }
  }
  const Tensor v = Tensor::from_vector<double>(values, {2, 3, 4});
  const Tensor t = tensordot(v, Tensor::ones(DType::Float64, {4}), 1);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{450, 490, 530, 850, 890, 930}));
}

TEST(SeedProducts, HadamardProduct) {
  const Tensor c = multiply(ints({1, 2, 3, 4, 5, 6}, {2, 3}), ints({7, 8, 9, 10, 11, 12}, {2, 3}));
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(c.to_vector<std::int64_t>(), (I64{7, 16, 27, 40, 55, 72}));
}

}  // namespace
}  // namespace ein
