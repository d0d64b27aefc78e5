// softmax, attention and multi-head attention against slow references (long double loops and
// ein::test::reference_einsum) and against NumPy (src/ein/nn/testdata/gen_nn_fixtures.py).
#include "ein/nn.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/nn/fast_exp.hpp"
#include "ein/nn/testdata/nn_fixtures.hpp"
#include "ein/ops.hpp"
#include "ein/rearrange.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- slow references ----------------------------------------------------------------------

// Softmax along `axis`, in long double, straight from the definition (after subtracting the
// maximum so the reference itself cannot overflow). Rows of -inf give 0, as ein documents.
std::vector<long double> reference_softmax(const Tensor& x, int axis, bool log) {
  const std::vector<double> v = x.to_vector<double>();
  const Shape& s = x.shape();
  Index inner = 1;
  for (std::size_t a = static_cast<std::size_t>(axis) + 1; a < s.size(); ++a) inner *= s[a];
  const Index n = s[static_cast<std::size_t>(axis)];
  const Index outer = x.numel() / std::max<Index>(1, n * inner);
  std::vector<long double> out(v.size());
  for (Index o = 0; o < outer; ++o) {
    for (Index i = 0; i < inner; ++i) {
      const auto at = [&](Index j) { return static_cast<std::size_t>((o * n + j) * inner + i); };
      long double m = -kInf;
      for (Index j = 0; j < n; ++j) m = std::max<long double>(m, v[at(j)]);
      long double sum = 0;
      for (Index j = 0; j < n; ++j) sum += std::exp(static_cast<long double>(v[at(j)]) - m);
      for (Index j = 0; j < n; ++j) {
        const long double d = static_cast<long double>(v[at(j)]) - m;
        out[at(j)] = m == -kInf ? (log ? -kInf : 0) : log ? d - std::log(sum) : std::exp(d) / sum;
      }
    }
  }
  return out;
}

// Attention from its definition: scores by reference_einsum, the mask and the causal limit
// applied elementwise, softmax in long double, weighted sum by reference_einsum. `mask` must
// already have the scores' full shape (bool or float64).
Tensor reference_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask,
                           double scale, bool causal) {
  const DType dt = DType::Float64;
  const Tensor scores = test::reference_einsum("...ie,...je->...ij", {q.astype(dt), k.astype(dt)});
  const Index L = scores.extent(-2), S = scores.extent(-1);
  std::vector<double> s = scores.to_vector<double>();
  const std::vector<double> m = mask ? mask->to_vector<double>() : std::vector<double>();
  for (std::size_t idx = 0; idx < s.size(); ++idx) {
    const Index j = static_cast<Index>(idx) % S, i = (static_cast<Index>(idx) / S) % L;
    s[idx] *= scale;
    if (mask && mask->dtype() == DType::Bool && m[idx] == 0) s[idx] = -kInf;
    if (mask && mask->dtype() != DType::Bool) s[idx] += m[idx];
    if (causal && j > i) s[idx] = -kInf;
  }
  const Tensor masked = Tensor::from_vector(s, scores.shape());
  const std::vector<long double> p = reference_softmax(masked, masked.rank() - 1, false);
  const Tensor weights =
      Tensor::from_vector(std::vector<double>(p.begin(), p.end()), scores.shape());
  return test::reference_einsum("...ij,...jf->...if", {weights, v.astype(dt)});
}

::testing::AssertionResult close_to(const Tensor& got, const std::vector<long double>& want,
                                    double tol) {
  const std::vector<double> g = got.to_vector<double>();
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto w = static_cast<double>(want[i]);
    const bool ok =
        std::isinf(w) ? g[i] == w : std::fabs(g[i] - w) <= tol * std::max(1.0, std::fabs(w));
    if (!ok) {
      return ::testing::AssertionFailure()
             << "element " << i << " is " << g[i] << ", expected " << w;
    }
  }
  return ::testing::AssertionSuccess();
}

bool all_finite(const Tensor& t) {
  for (double x : t.to_vector<double>()) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

// ---- softmax --------------------------------------------------------------------------------

template <class T>
void check_fast_exp(T lo, int steps) {
  const double eps = std::numeric_limits<T>::epsilon();
  const long double smallest_normal = std::numeric_limits<T>::min();
  double worst = 0;
  for (int i = 0; i <= steps; ++i) {
    const T x = lo * static_cast<T>(i) / static_cast<T>(steps);
    const long double want = std::exp(static_cast<long double>(x));
    const T got = nn::exp_nonpositive(x);
    if (want < smallest_normal) {
      // Subnormal results keep their absolute accuracy (they are weights below 1e-38).
      ASSERT_LE(std::fabs(static_cast<long double>(got) - want), smallest_normal * eps) << x;
      continue;
    }
    worst = std::max(worst, static_cast<double>(std::fabs((got - want) / want)));
  }
  EXPECT_LE(worst, 2 * eps);  // within 2 ulp of the exact exponential everywhere
  EXPECT_EQ(nn::exp_nonpositive(-std::numeric_limits<T>::infinity()), T{0});
  EXPECT_EQ(nn::exp_nonpositive(T{0}), T{1});
  EXPECT_EQ(nn::exp_nonpositive(T{-1e4}), T{0});
}

TEST(Softmax, FastExpIsAccurate) {
  check_fast_exp<float>(-110.0F, 400000);
  check_fast_exp<double>(-750.0, 400000);
}

TEST(Softmax, MatchesDefinitionAlongEveryAxis) {
  constexpr std::uint64_t kSeed = 7;  // rerun: --gtest_filter=Softmax.*
  for (DType dt : {DType::Float32, DType::Float64}) {
    const Tensor x = ein::multiply(test::random_tensor(dt, {3, 4, 5}, kSeed), 6.0);
    const double eps = test::dtype_epsilon(dt);
    for (int axis = -3; axis < 3; ++axis) {
      SCOPED_TRACE(std::string(dtype_name(dt)) + " axis " + std::to_string(axis));
      const int ax = axis < 0 ? axis + 3 : axis;
      const Tensor s = softmax(x, axis);
      EXPECT_EQ(s.dtype(), dt);
      EXPECT_EQ(s.shape(), x.shape());
      // exp and the division each round once; the sum of n terms adds n roundings.
      const double n = static_cast<double>(x.extent(ax));
      EXPECT_TRUE(close_to(s, reference_softmax(x, ax, false), test::kTolerance * eps * n));
      EXPECT_TRUE(close_to(log_softmax(x, axis), reference_softmax(x, ax, true),
                           test::kTolerance * eps * n * 6));
    }
  }
}

TEST(Softmax, ReadsThroughOddStrides) {
  test::Rng rng = test::make_rng(11);  // rerun: --gtest_filter=Softmax.ReadsThroughOddStrides
  const Tensor x = test::random_tensor(DType::Float64, {4, 3, 6}, rng);
  const Tensor odd = test::odd_strided_copy(x, rng);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_TRUE(test::tensors_equal(softmax(odd, axis), softmax(x, axis)));
    EXPECT_TRUE(test::tensors_equal(log_softmax(odd, axis), log_softmax(x, axis)));
  }
}

TEST(Softmax, NumericallyStableAtLargeInputs) {
  const Tensor x = Tensor::from_vector<float>({1e4F, -1e4F, 0, 1e4F, 1e4F, -1e4F}, {2, 3});
  const Tensor s = softmax(x);
  EXPECT_TRUE(all_finite(s));
  EXPECT_EQ(s.to_vector<double>(), (std::vector<double>{1, 0, 0, 0.5, 0.5, 0}));
  const std::vector<double> l = log_softmax(x).to_vector<double>();
  EXPECT_EQ(l[0], 0);
  EXPECT_EQ(l[1], -2e4);
  EXPECT_EQ(l[2], -1e4);
  EXPECT_NEAR(l[3], -std::log(2.0), 1e-7);
  const Tensor tiny = Tensor::from_vector<double>({-1e300, -1e300}, {2});
  EXPECT_EQ(softmax(tiny).to_vector<double>(), (std::vector<double>{0.5, 0.5}));
}

TEST(Softmax, RowsWithoutFiniteMaximumAreDefined) {
  const double nan = std::nan("");
  const Tensor x = Tensor::from_vector<double>(
      {-kInf, -kInf, -kInf, kInf, 1, kInf, 1, nan, 2, 0, -kInf, 1}, {4, 3});
  const std::vector<double> s = softmax(x).to_vector<double>();
  EXPECT_EQ(std::vector<double>(s.begin(), s.begin() + 6),
            (std::vector<double>{0, 0, 0, 0.5, 0, 0.5}));
  EXPECT_TRUE(std::isnan(s[6]) && std::isnan(s[7]) && std::isnan(s[8]));
  EXPECT_EQ(s[10], 0);  // a -inf entry in a finite row is simply weight 0
  EXPECT_NEAR(s[9] + s[11], 1.0, 1e-15);
  const std::vector<double> l = log_softmax(x).to_vector<double>();
  EXPECT_EQ(l[0], -kInf);
  EXPECT_NEAR(l[3], -std::log(2.0), 1e-15);
  EXPECT_EQ(l[4], -kInf);
}

TEST(Softmax, DtypesAndErrors) {
  const Tensor i = Tensor::arange(4).reshape({2, 2});
  const Tensor s = softmax(i);
  EXPECT_EQ(s.dtype(), DType::Float64);  // like np.exp of integers
  EXPECT_NEAR(s.at<double>({0, 1}), 1.0 / (1.0 + std::exp(-1.0)), 1e-15);
  EXPECT_THROW((void)softmax(Tensor::zeros(DType::Complex64, {2})), Error);
  EXPECT_THROW((void)softmax(Tensor::scalar(1.0)), Error);  // no axis -1 in a scalar
  EXPECT_THROW((void)softmax(i, 2), Error);
  EXPECT_EQ(softmax(Tensor::zeros(DType::Float32, {0, 3})).shape(), (Shape{0, 3}));
  EXPECT_EQ(softmax(Tensor::zeros(DType::Float32, {3, 0})).shape(), (Shape{3, 0}));
}

// ---- scaled dot-product attention ------------------------------------------------------------

struct Qkv {
  Tensor q, k, v;
};
Qkv random_qkv(DType dt, const Shape& qs, const Shape& ks, const Shape& vs, std::uint64_t seed) {
  test::Rng rng = test::make_rng(seed);
  // Inputs in [-2, 2] so that the softmax is far from uniform.
  return {ein::multiply(test::random_tensor(dt, qs, rng), 2.0),
          ein::multiply(test::random_tensor(dt, ks, rng), 2.0), test::random_tensor(dt, vs, rng)};
}

TEST(Attention, MatchesReferenceWithMasks) {
  constexpr std::uint64_t kSeed = 3;  // rerun: --gtest_filter=Attention.*
  const Qkv in = random_qkv(DType::Float64, {2, 3, 5, 4}, {2, 3, 6, 4}, {2, 3, 6, 7}, kSeed);
  test::Rng rng = test::make_rng(kSeed + 1);
  // A bool mask broadcast over the batch axes, with one fully masked query row.
  std::vector<bool> keep;
  for (int i = 0; i < 30; ++i) keep.push_back(i < 6 ? false : test::chance(rng, 0.6));
  Tensor bool_mask = Tensor::empty(DType::Bool, {5, 6});
  for (int i = 0; i < 30; ++i) bool_mask.data_as<bool>()[i] = keep[static_cast<std::size_t>(i)];
  // An additive mask with -inf entries, broadcast over the heads.
  Tensor add_mask = ein::multiply(test::random_tensor(DType::Float64, {2, 1, 5, 6}, rng), 3.0);
  add_mask.data_as<double>()[3] = -kInf;
  const double scale = 0.5;
  const Shape full = {2, 3, 5, 6};
  const Tensor bool_full = bool_mask.broadcast_to(full).copy();
  const Tensor add_full = add_mask.broadcast_to(full).copy();
  struct Variant {
    const char* name;
    const Tensor* mask;
    const Tensor* mask_full;
    std::optional<double> scale;
    bool causal;
  };
  for (const Variant& c : {Variant{"plain", nullptr, nullptr, std::nullopt, false},
                           Variant{"scale", nullptr, nullptr, scale, false},
                           Variant{"causal", nullptr, nullptr, std::nullopt, true},
                           Variant{"bool mask", &bool_mask, &bool_full, std::nullopt, false},
                           Variant{"float mask", &add_mask, &add_full, scale, false},
                           Variant{"bool mask + causal", &bool_mask, &bool_full, scale, true}}) {
    SCOPED_TRACE(std::string(c.name) + " (seed " + std::to_string(kSeed) + ")");
    std::optional<TensorView> m;
    if (c.mask) m = c.mask->view();
    const Tensor got = scaled_dot_product_attention(in.q, in.k, in.v, m, c.scale, c.causal);
    const Tensor want = reference_attention(in.q, in.k, in.v, c.mask_full,
                                            c.scale ? *c.scale : 0.5 /* 1/sqrt(4) */, c.causal);
    // Scores sum E = 4 products of terms up to 4 in magnitude; softmax and the weighted sum
    // sum S = 6 terms each.
    EXPECT_TRUE(test::tensors_close(got, want, 4 + 2 * 6, 4));
    EXPECT_TRUE(all_finite(got));
  }
}

TEST(Attention, FullyMaskedRowsGiveZeros) {
  const Qkv in = random_qkv(DType::Float32, {1, 3, 4}, {1, 5, 4}, {1, 5, 2}, 5);
  Tensor mask = Tensor::ones(DType::Bool, {3, 5});
  for (int j = 0; j < 5; ++j) mask.data_as<bool>()[5 + j] = false;  // query 1 sees nothing
  const Tensor out = scaled_dot_product_attention(in.q, in.k, in.v, mask.view());
  EXPECT_TRUE(all_finite(out));
  EXPECT_EQ(out.at<float>({0, 1, 0}), 0.0F);
  EXPECT_EQ(out.at<float>({0, 1, 1}), 0.0F);
  EXPECT_NE(out.at<float>({0, 0, 0}), 0.0F);
  // The same with an all -inf additive mask row.
  Tensor add = Tensor::zeros(DType::Float32, {3, 5});
  for (int j = 0; j < 5; ++j) add.data_as<float>()[5 + j] = -std::numeric_limits<float>::infinity();
  EXPECT_TRUE(test::tensors_equal(scaled_dot_product_attention(in.q, in.k, in.v, add.view()), out));
}

TEST(Attention, LargeScoresStayFinite) {
  Qkv in = random_qkv(DType::Float32, {2, 4, 8}, {2, 6, 8}, {2, 6, 3}, 9);
  const Tensor big_q = ein::multiply(in.q, 1e4);
  EXPECT_TRUE(all_finite(scaled_dot_product_attention(big_q, in.k, in.v)));
  EXPECT_TRUE(all_finite(scaled_dot_product_attention(big_q, in.k, in.v, std::nullopt, {}, true)));
}

TEST(Attention, BatchAxesBroadcastAndDtypes) {
  const Qkv in = random_qkv(DType::Float64, {2, 1, 5, 4}, {3, 6, 4}, {3, 6, 2}, 13);
  const Tensor out = scaled_dot_product_attention(in.q, in.k, in.v);
  EXPECT_EQ(out.shape(), (Shape{2, 3, 5, 2}));
  const Tensor want = reference_attention(
      in.q.broadcast_to(Shape{2, 3, 5, 4}).copy(), in.k.broadcast_to(Shape{2, 3, 6, 4}).copy(),
      in.v.broadcast_to(Shape{2, 3, 6, 2}).copy(), nullptr, 0.5, false);
  EXPECT_TRUE(test::tensors_close(out, want, 16, 4));
  // float32 stays float32; integers compute in float64.
  const Qkv f = random_qkv(DType::Float32, {3, 4}, {5, 4}, {5, 2}, 17);
  EXPECT_EQ(scaled_dot_product_attention(f.q, f.k, f.v).dtype(), DType::Float32);
  const Tensor iq = Tensor::arange(6).reshape({3, 2});
  EXPECT_EQ(scaled_dot_product_attention(iq, iq, iq).dtype(), DType::Float64);
}

TEST(Attention, Errors) {
  const Qkv in = random_qkv(DType::Float32, {3, 4}, {5, 4}, {5, 2}, 1);
  const auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    ADD_FAILURE() << "no error";
    return ErrorCode::Internal;
  };
  const Tensor k3 = Tensor::zeros(DType::Float32, {5, 3});
  const Tensor v4 = Tensor::zeros(DType::Float32, {4, 2});
  const Tensor vec = Tensor::zeros(DType::Float32, {4});
  const Tensor bad_mask = Tensor::ones(DType::Bool, {2, 5});
  const Tensor int_mask = Tensor::zeros(DType::Int32, {3, 5});
  EXPECT_EQ(code_of([&] { (void)scaled_dot_product_attention(in.q, k3, in.v); }),
            ErrorCode::ShapeMismatch);
  EXPECT_EQ(code_of([&] { (void)scaled_dot_product_attention(in.q, in.k, v4); }),
            ErrorCode::ShapeMismatch);
  EXPECT_EQ(code_of([&] { (void)scaled_dot_product_attention(vec, in.k, in.v); }),
            ErrorCode::ShapeMismatch);
  EXPECT_EQ(code_of([&] { (void)scaled_dot_product_attention(in.q, in.k, in.v, bad_mask.view()); }),
            ErrorCode::ShapeMismatch);
  EXPECT_EQ(code_of([&] { (void)scaled_dot_product_attention(in.q, in.k, in.v, int_mask.view()); }),
            ErrorCode::DTypeMismatch);
  const Tensor cq = Tensor::zeros(DType::Complex64, {3, 4});
  EXPECT_EQ(code_of([&] { (void)scaled_dot_product_attention(cq, in.k, in.v); }),
            ErrorCode::DTypeMismatch);
}

// ---- multi-head attention ----------------------------------------------------------------------

TEST(MultiHeadAttention, MatchesNumPyReference) {
  for (const nn::fixtures::AttentionCase& c : nn::fixtures::attention_cases()) {
    SCOPED_TRACE("batch " + std::to_string(c.batch) + " seq " + std::to_string(c.seq) + " dim " +
                 std::to_string(c.dim) + " heads " + std::to_string(c.heads));
    const AttentionInputs in = make_attention_inputs(c.batch, c.seq, c.dim, DType::Float32);
    const Tensor out = multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, c.heads);
    EXPECT_EQ(out.shape(), c.shape);
    EXPECT_EQ(out.dtype(), DType::Float32);
    // float32 against NumPy's float64 on the same (float32) inputs. Inputs have unit variance,
    // so terms are O(1); along the chain the sums run over D (projections), D / heads (scores),
    // seq (weighted sum) and D again (output projection).
    const Index chain = c.dim + c.dim / c.heads + c.seq + c.dim;
    const double tol =
        test::kTolerance * test::dtype_epsilon(DType::Float32) * static_cast<double>(chain);
    EXPECT_LT(c.float32_error, tol);  // NumPy's own float32 result fits the same bound
    const std::vector<double> got = out.to_vector<double>();
    for (const auto& [i, want] : c.expected) {
      ASSERT_NEAR(got[static_cast<std::size_t>(i)], want, tol) << "element " << i;
    }
  }
}

TEST(MultiHeadAttention, IsTheDocumentedComposition) {
  // The same pipeline spelled out with the public pieces, with a mask and causal.
  const AttentionInputs in = make_attention_inputs(2, 6, 8, DType::Float64);
  Tensor mask = Tensor::ones(DType::Bool, {6, 6});
  mask.data_as<bool>()[6 * 3 + 0] = false;
  const std::optional<TensorView> m = mask.view();
  const Tensor out = multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, 2, m, true);
  const auto proj = [](const Tensor& a, const Tensor& w) {
    return einsum("bnd,de->bne", {a.view(), w.view()});
  };
  const Tensor q = rearrange(proj(in.x, in.w_q), "b n (h d) -> b h n d", {{"h", 2}});
  const Tensor k = rearrange(proj(in.x, in.w_k), "b n (h d) -> b h n d", {{"h", 2}});
  const Tensor v = rearrange(proj(in.x, in.w_v), "b n (h d) -> b h n d", {{"h", 2}});
  const Tensor o = scaled_dot_product_attention(q, k, v, m, 1.0 / 2.0, true);
  const Tensor want = proj(rearrange(o, "b h n d -> b n (h d)"), in.w_o);
  EXPECT_TRUE(test::tensors_close(out, want, 8 + 6 + 8, 4));
  // And against the slow reference for the attention core.
  const Tensor mask_full = mask.broadcast_to(Shape{2, 2, 6, 6}).copy();
  const Tensor ref = reference_attention(q.copy(), k.copy(), v.copy(), &mask_full, 0.5, true);
  EXPECT_TRUE(test::tensors_close(o, ref, 6 + 12, 4));
}

TEST(MultiHeadAttention, Errors) {
  const AttentionInputs in = make_attention_inputs(1, 4, 6, DType::Float32);
  EXPECT_THROW((void)multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, 4), Error);
  EXPECT_THROW((void)multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, 0), Error);
  EXPECT_THROW((void)multi_head_attention(in.x, in.x, in.w_k, in.w_v, in.w_o, 2), Error);
  const Tensor w = Tensor::zeros(DType::Float32, {6, 4});
  EXPECT_THROW((void)multi_head_attention(in.x, in.w_q, w, in.w_v, in.w_o, 2), Error);
  EXPECT_EQ(multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, 3).shape(),
            (Shape{1, 4, 6}));
}

TEST(AttentionDemo, WalksThroughTheSameComputation) {
  AttentionDemoOptions o;
  o.repeats = 2;
  const AttentionDemoReport r = attention_demo(o);
  const AttentionInputs in = make_attention_inputs(o.batch, o.seq, o.dim, o.dtype);
  EXPECT_TRUE(test::tensors_equal(
      r.output, multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, o.heads)));
  ASSERT_EQ(r.steps.size(), 11U);
  EXPECT_EQ(r.steps[6].operation, "bhid,bhjd->bhij");
  EXPECT_EQ(r.steps[6].shape, (Shape{2, 8, 10, 10}));
  EXPECT_TRUE(r.steps[3].is_view);
  EXPECT_GT(r.total_flops, 0);
  const std::string text = r.to_string();
  for (const char* s : {"project q", "split heads", "scores", "softmax", "weighted sum",
                        "merge heads", "project out", "... n (h d) -> ... h n d"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
  }
  o.heads = 3;
  EXPECT_THROW((void)attention_demo(o), Error);
}

}  // namespace
}  // namespace ein
