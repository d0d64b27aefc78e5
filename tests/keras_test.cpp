// Keras's batch_dot, backend dot and Dot layer against a NumPy transcription of Keras's own
// algorithm (src/ein/nn/testdata/gen_nn_fixtures.py) and the worked numbers of the issue.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ein/nn.hpp"
#include "ein/nn/testdata/nn_fixtures.hpp"
#include "ein/ops.hpp"
#include "ein/products.hpp"
#include "support/compare.hpp"

namespace ein {
namespace {

namespace fx = nn::fixtures;

// The generator's integer-valued inputs: ((5k + 1) % 7) - 3 and ((3k + 2) % 5) - 2.
Tensor keras_x(const Shape& shape) {
  const Index n = checked_numel(shape);
  std::vector<double> v;
  for (Index k = 0; k < n; ++k) v.push_back(static_cast<double>((5 * k + 1) % 7 - 3));
  return Tensor::from_vector(v, shape);
}
Tensor keras_y(const Shape& shape) {
  const Index n = checked_numel(shape);
  std::vector<double> v;
  for (Index k = 0; k < n; ++k) v.push_back(static_cast<double>((3 * k + 2) % 5 - 2));
  return Tensor::from_vector(v, shape);
}

// Each expected (index, value) within `tol` (relative to max(1, |value|)).
::testing::AssertionResult samples_match(const Tensor& got, const fx::Samples& expected,
                                         double tol) {
  const std::vector<double> v = got.to_vector<double>();
  for (const auto& [i, want] : expected) {
    if (i >= static_cast<Index>(v.size())) {
      return ::testing::AssertionFailure() << "result has only " << v.size() << " elements";
    }
    const double have = v[static_cast<std::size_t>(i)];
    if (!(std::fabs(have - want) <= tol * std::max(1.0, std::fabs(want)))) {
      return ::testing::AssertionFailure()
             << "element " << i << " is " << have << ", expected " << want;
    }
  }
  return ::testing::AssertionSuccess();
}

Tensor f32(const std::vector<float>& v, Shape shape) { return Tensor::from_vector(v, shape); }

TEST(Keras, BatchDotMatchesTranscriptionOfKeras) {
  for (const fx::BatchDotCase& c : fx::batch_dot_cases()) {
    SCOPED_TRACE("x " + shape_to_string(c.x_shape) + " y " + shape_to_string(c.y_shape) +
                 " axes kind " + std::to_string(c.axes_kind) + " (" + std::to_string(c.axes.first) +
                 ", " + std::to_string(c.axes.second) + ")");
    const Tensor x = keras_x(c.x_shape), y = keras_y(c.y_shape);
    const Tensor r = c.axes_kind == 0   ? keras::batch_dot(x, y)
                     : c.axes_kind == 1 ? keras::batch_dot(x, y, c.axes.first)
                                        : keras::batch_dot(x, y, c.axes);
    EXPECT_EQ(r.shape(), c.out_shape);
    // Small integers: every product and sum is exact in float64.
    EXPECT_TRUE(samples_match(r, c.expected, 0.0));
  }
}

TEST(Keras, IssueShapes) {
  const auto shape_of = [](const Shape& xs, const Shape& ys, std::optional<std::pair<int, int>> a) {
    const Tensor x = Tensor::zeros(DType::Float32, xs), y = Tensor::zeros(DType::Float32, ys);
    return (a ? keras::batch_dot(x, y, *a) : keras::batch_dot(x, y)).shape();
  };
  EXPECT_EQ(shape_of({32, 20, 1}, {32, 30, 20}, std::pair{1, 2}), (Shape{32, 1, 30}));
  EXPECT_EQ(shape_of({100, 20}, {100, 30, 20}, std::pair{1, 2}), (Shape{100, 30}));
  EXPECT_EQ(shape_of({2, 3}, {2, 3, 4}, std::nullopt), (Shape{2, 4}));
  EXPECT_EQ(shape_of({8, 7, 4, 2}, {8, 7, 2, 5}, std::nullopt), (Shape{8, 7, 4, 7, 5}));
  EXPECT_EQ(shape_of({9, 8, 7, 4, 2}, {9, 8, 7, 2, 5}, std::nullopt), (Shape{9, 8, 7, 4, 8, 7, 5}));
  // ...which is not matmul's broadcast batching:
  const Tensor a = Tensor::zeros(DType::Float32, {9, 8, 7, 4, 2});
  const Tensor b = Tensor::zeros(DType::Float32, {9, 8, 7, 2, 5});
  EXPECT_EQ(matmul(a, b).shape(), (Shape{9, 8, 7, 4, 5}));
}

TEST(Keras, IssueWorkedNumbers) {
  // x=[[1,2],[3,4]], y=[[5,6],[7,8]], axes=1 -> [[17],[53]] with shape (2, 1).
  const Tensor x = f32({1, 2, 3, 4}, {2, 2}), y = f32({5, 6, 7, 8}, {2, 2});
  const Tensor r = keras::batch_dot(x, y, 1);
  EXPECT_EQ(r.shape(), (Shape{2, 1}));
  EXPECT_EQ(r.to_vector<double>(), (std::vector<double>{17, 53}));

  // u (B, F), y (B, T, F): dot([y, u], axes=-1) -> [[16,17],[25,27]]; softmax over the last
  // axis; dot([y, alpha], axes=1).
  const Tensor u = f32({1, 2, 3, 2, 3, 3}, {2, 3});
  const Tensor yt = f32({3, 2, 3, 4, 2, 3, 5, 2, 3, 6, 2, 3}, {2, 2, 3});
  const Tensor scores = keras::dot_layer(yt, u, -1);
  EXPECT_EQ(scores.shape(), (Shape{2, 2}));
  EXPECT_EQ(scores.to_vector<double>(), (std::vector<double>{16, 17, 25, 27}));
  EXPECT_EQ(keras::batch_dot(yt, u, -1).to_vector<double>(), scores.to_vector<double>());

  const Tensor alpha = softmax(scores, -1);
  EXPECT_EQ(alpha.dtype(), DType::Float32);
  const std::vector<double> want_alpha = {0.26894143, 0.7310586, 0.11920291, 0.880797};
  const double eps = test::dtype_epsilon(DType::Float32);
  const std::vector<double> got_alpha = alpha.to_vector<double>();
  for (std::size_t i = 0; i < 4; ++i) {
    // The issue prints 8 digits; each value is within its last digit and a few float32 ulps.
    EXPECT_NEAR(got_alpha[i], want_alpha[i], 5e-8 + 8 * eps) << i;
  }
  const Tensor context = keras::dot_layer(yt, alpha, 1);
  EXPECT_EQ(context.shape(), (Shape{2, 3}));
  const std::vector<double> want_ctx = {3.7310586, 2, 3, 5.880797, 2, 3};
  const std::vector<double> got_ctx = context.to_vector<double>();
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(got_ctx[i], want_ctx[i], 5e-7 + 8 * eps * 6) << i;
  }
}

TEST(Keras, DotLayerMatchesKeras) {
  // layers.dot(axes=(1, 2)) on arange(10).reshape(1,5,2) and arange(10,20).reshape(1,2,5).
  const Tensor x = Tensor::arange(10).reshape({1, 5, 2});
  const Tensor y = ein::add(Tensor::arange(10), 10).reshape({1, 2, 5});
  const Tensor plain = keras::dot_layer(x, y, std::pair{1, 2});
  EXPECT_EQ(plain.shape(), (Shape{1, 2, 2}));
  EXPECT_EQ(plain.to_vector<double>(), (std::vector<double>{260, 360, 320, 445}));
  EXPECT_TRUE(samples_match(plain, fx::kDotLayerPlain, 0.0));
  // normalize=True is the cosine form; inputs are integers, so computed in float64.
  const Tensor cosine = keras::dot_layer(x, y, std::pair{1, 2}, true);
  EXPECT_EQ(cosine.dtype(), DType::Float64);
  EXPECT_TRUE(samples_match(cosine, fx::kDotLayerCosine, 8 * 5 * 2.2e-16));
  const Tensor neg = keras::dot_layer(keras_x({3, 4}), keras_y({3, 2, 4}), -1, true);
  EXPECT_EQ(neg.shape(), (Shape{3, 2}));
  EXPECT_TRUE(samples_match(neg, fx::kDotLayerNegativeCosine, 8 * 4 * 2.2e-16));
}

TEST(Keras, L2NormalizeFollowsTensorFlow) {
  const Tensor x = f32({3, 4, 0, 0}, {2, 2});
  const std::vector<double> n = keras::l2_normalize(x, -1).to_vector<double>();
  EXPECT_NEAR(n[0], 0.6, 1e-7);
  EXPECT_NEAR(n[1], 0.8, 1e-7);
  EXPECT_EQ(n[2], 0);  // a zero row stays zero (epsilon guards the division)
  EXPECT_EQ(n[3], 0);
  const std::vector<double> col = keras::l2_normalize(x, 0).to_vector<double>();
  EXPECT_EQ(col, (std::vector<double>{1, 1, 0, 0}));
}

TEST(Keras, BackendDotIsTheanoStyleNDDot) {
  const Tensor x = keras_x({2, 3, 4}), y = keras_y({7, 4, 5});
  const Tensor r = keras::dot(x, y);
  EXPECT_EQ(r.shape(), (Shape{2, 3, 7, 5}));
  EXPECT_TRUE(samples_match(r, fx::kBackendDot, 0.0));
}

TEST(Keras, BatchDotErrors) {
  const Tensor x3 = Tensor::zeros(DType::Float32, {2, 3, 4});
  const Tensor y3 = Tensor::zeros(DType::Float32, {2, 4, 5});
  const Tensor v = Tensor::zeros(DType::Float32, {2});
  const auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    ADD_FAILURE() << "no error";
    return ErrorCode::Internal;
  };
  EXPECT_EQ(code_of([&] {
              (void)keras::batch_dot(x3, y3, std::pair{0, 1});
            }),
            ErrorCode::InvalidArgument);  // the batch axis
  EXPECT_EQ(code_of([&] {
              (void)keras::batch_dot(x3, y3, std::pair{-3, 1});
            }),
            ErrorCode::InvalidArgument);  // -3 normalises to 0
  EXPECT_EQ(code_of([&] {
              (void)keras::batch_dot(x3, y3, std::pair{3, 1});
            }),
            ErrorCode::AxisError);
  EXPECT_EQ(code_of([&] {
              (void)keras::batch_dot(x3, y3, std::pair{1, 1});
            }),
            ErrorCode::ShapeMismatch);  // 3 != 4
  EXPECT_EQ(code_of([&] { (void)keras::batch_dot(v, y3); }), ErrorCode::ShapeMismatch);
  const Tensor other_batch = Tensor::zeros(DType::Float32, {3, 4, 5});
  EXPECT_EQ(code_of([&] { (void)keras::batch_dot(x3, other_batch); }), ErrorCode::ShapeMismatch);
  try {
    (void)keras::batch_dot(x3, y3, std::pair{1, 1});
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(2, 3, 4) and (2, 4, 5)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ein
