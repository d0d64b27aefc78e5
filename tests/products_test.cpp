// NumPy's products (dot, vdot, inner, outer, matmul, tensordot, kron) and norm, project,
// cosine_similarity: hand-computed cases, bad input, and a seeded random comparison of every
// product with an obviously-correct loop (one accumulation per output element in long double),
// over every dtype pair, zero-size axes and odd-strided views (steps, reversed, permuted).
//
// Reproduce a random failure: EIN_SEED=<seed> ./ein_e2e_tests --gtest_filter='ProductsRandom.*'
#include "ein/products.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ein/ops.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"

namespace ein {
namespace {

using test::Rng;
using Acc = std::complex<long double>;
using Multi = std::vector<Index>;

std::uint64_t base_seed() {
  const char* env = std::getenv("EIN_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 977;
}

Acc value_at(const TensorView& v, const Multi& idx) {
  const void* p = v.element_ptr(idx);
  return visit_dtype(v.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return convert_value<Acc>(*static_cast<const T*>(p));
  });
}

// Calls f(idx) for every multi-index of `shape` in C order.
void for_each_index(const Shape& shape, const std::function<void(const Multi&)>& f) {
  for (Index e : shape) {
    if (e == 0) return;
  }
  Multi idx(shape.size(), 0);
  while (true) {
    f(idx);
    std::size_t k = shape.size();
    while (k > 0) {
      --k;
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
      if (k == 0) return;
    }
    if (shape.empty()) return;
  }
}

// A tensor of `dtype` whose element at idx is element(idx), computed in long double and rounded
// once (bool: nonzero; integers: exact for the small random values).
Tensor build(DType dtype, const Shape& shape, const std::function<Acc(const Multi&)>& element) {
  Tensor out = Tensor::empty(dtype, shape);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data_as<T>();
    Index i = 0;
    for_each_index(shape, [&](const Multi& idx) { o[i++] = convert_value<T>(element(idx)); });
  });
  return out;
}

// The tensordot definition, literally: out[free_a..., free_b...] = sum over the paired axes of
// a[...] * b[...]. dot, inner and tensordot are all checked against this.
Tensor reference_pairs(const TensorView& a, const TensorView& b,
                       const std::vector<std::pair<int, int>>& pairs, DType dtype) {
  std::vector<bool> ca(static_cast<std::size_t>(a.rank())), cb(static_cast<std::size_t>(b.rank()));
  Shape sum_shape, out_shape;
  for (auto [x, y] : pairs) {
    ca[static_cast<std::size_t>(x)] = cb[static_cast<std::size_t>(y)] = true;
    sum_shape.push_back(a.extent(x));
  }
  std::vector<int> fa, fb;
  for (int i = 0; i < a.rank(); ++i) {
    if (!ca[static_cast<std::size_t>(i)]) fa.push_back(i), out_shape.push_back(a.extent(i));
  }
  for (int i = 0; i < b.rank(); ++i) {
    if (!cb[static_cast<std::size_t>(i)]) fb.push_back(i), out_shape.push_back(b.extent(i));
  }
  return build(dtype, out_shape, [&](const Multi& out) {
    Multi ia(static_cast<std::size_t>(a.rank())), ib(static_cast<std::size_t>(b.rank()));
    for (std::size_t i = 0; i < fa.size(); ++i) ia[static_cast<std::size_t>(fa[i])] = out[i];
    for (std::size_t i = 0; i < fb.size(); ++i) {
      ib[static_cast<std::size_t>(fb[i])] = out[fa.size() + i];
    }
    Acc s = 0;
    for_each_index(sum_shape, [&](const Multi& k) {
      for (std::size_t p = 0; p < pairs.size(); ++p) {
        ia[static_cast<std::size_t>(pairs[p].first)] = k[p];
        ib[static_cast<std::size_t>(pairs[p].second)] = k[p];
      }
      s += value_at(a, ia) * value_at(b, ib);
    });
    return s;
  });
}

// C-order flattening by index arithmetic (independent of reshape).
Multi unravel(Index flat, const Shape& shape) {
  Multi idx(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    idx[k] = flat % shape[k];
    flat /= shape[k];
  }
  return idx;
}

Shape random_shape(Rng& rng, int rank, Index max_extent = 4) {
  Shape s(static_cast<std::size_t>(rank));
  for (Index& e : s) e = test::uniform_int(rng, 1, max_extent);
  if (rank > 0 && test::chance(rng, 0.15))
    s[static_cast<std::size_t>(test::uniform_int(rng, 0, rank - 1))] = 0;
  return s;
}

std::string describe(const char* what, const Tensor& a, const Tensor& b, std::uint64_t seed,
                     std::uint64_t seed0) {
  return std::string(what) + "(" + std::string(dtype_name(a.dtype())) + shape_to_string(a.shape()) +
         " strides " + shape_to_string(a.strides()) + ", " + std::string(dtype_name(b.dtype())) +
         shape_to_string(b.shape()) + " strides " + shape_to_string(b.strides()) + ") case seed " +
         std::to_string(seed) + "\n  reproduce: EIN_SEED=" + std::to_string(seed0) +
         " ./ein_e2e_tests --gtest_filter='ProductsRandom.*'";
}

// Runs `body(rng, da, db, seed)` for every dtype pair, `reps` times each, with its own seed.
void for_each_case(int reps, const std::function<void(Rng&, DType, DType, std::uint64_t)>& body) {
  std::uint64_t seed = base_seed();
  for (DType da : kAllDTypes) {
    for (DType db : kAllDTypes) {
      for (int r = 0; r < reps; ++r, ++seed) {
        Rng rng = test::make_rng(seed);
        body(rng, da, db, seed);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

// ---------------------------------------------------------------- random vs reference

TEST(ProductsRandom, DotInnerTensordotMatchTheDefinition) {
  const std::uint64_t seed0 = base_seed();
  for_each_case(3, [&](Rng& rng, DType da, DType db, std::uint64_t seed) {
    const DType dt = promote_types(da, db);
    const int ra = static_cast<int>(test::uniform_int(rng, 0, 3));
    const int rb = static_cast<int>(test::uniform_int(rng, 0, 3));
    Shape sa = random_shape(rng, ra), sb = random_shape(rng, rb);
    // dot: a's last axis against b's second-to-last (only axis when 1-D).
    if (ra > 0 && rb > 0) sb[static_cast<std::size_t>(rb >= 2 ? rb - 2 : 0)] = sa.back();
    Tensor a = test::random_view(da, sa, rng), b = test::random_view(db, sb, rng);
    std::vector<std::pair<int, int>> pairs;
    if (ra > 0 && rb > 0) pairs = {{ra - 1, rb >= 2 ? rb - 2 : 0}};
    const Index k = pairs.empty() ? 1 : sa.back();
    ASSERT_TRUE(test::tensors_close(dot(a, b), reference_pairs(a, b, pairs, dt), k))
        << describe("dot", a, b, seed, seed0);

    // inner: last axes of both.
    if (ra > 0 && rb > 0) sb.back() = sa.back();
    b = test::random_view(db, sb, rng);
    pairs.clear();
    if (ra > 0 && rb > 0) pairs = {{ra - 1, rb - 1}};
    ASSERT_TRUE(test::tensors_close(inner(a, b), reference_pairs(a, b, pairs, dt), k))
        << describe("inner", a, b, seed, seed0);

    // tensordot with explicit (possibly negative, shuffled) axis lists.
    const int n = static_cast<int>(test::uniform_int(rng, 0, std::min(ra, rb)));
    std::vector<int> ax, bx;
    std::vector<int> pa(static_cast<std::size_t>(ra)), pb(static_cast<std::size_t>(rb));
    for (int i = 0; i < ra; ++i) pa[static_cast<std::size_t>(i)] = i;
    for (int i = 0; i < rb; ++i) pb[static_cast<std::size_t>(i)] = i;
    for (int i = ra; i > 1; --i) std::swap(pa[i - 1], pa[test::uniform_int(rng, 0, i - 1)]);
    for (int i = rb; i > 1; --i) std::swap(pb[i - 1], pb[test::uniform_int(rng, 0, i - 1)]);
    pairs.clear();
    Index len = 1;
    for (int i = 0; i < n; ++i) {
      const int x = pa[static_cast<std::size_t>(i)], y = pb[static_cast<std::size_t>(i)];
      sb[static_cast<std::size_t>(y)] = sa[static_cast<std::size_t>(x)];
      pairs.emplace_back(x, y);
      len *= sa[static_cast<std::size_t>(x)];
      ax.push_back(test::chance(rng, 0.5) ? x - ra : x);  // negative axes too
      bx.push_back(test::chance(rng, 0.5) ? y - rb : y);
    }
    b = test::random_view(db, sb, rng);
    ASSERT_TRUE(test::tensors_close(tensordot(a, b, ax, bx), reference_pairs(a, b, pairs, dt), len))
        << describe("tensordot", a, b, seed, seed0);
  });
}

TEST(ProductsRandom, OuterVdotKronMatchTheDefinition) {
  const std::uint64_t seed0 = base_seed();
  for_each_case(2, [&](Rng& rng, DType da, DType db, std::uint64_t seed) {
    const DType dt = promote_types(da, db);
    const Shape sa = random_shape(rng, static_cast<int>(test::uniform_int(rng, 0, 3)));
    const Shape sb = random_shape(rng, static_cast<int>(test::uniform_int(rng, 0, 3)));
    const Tensor a = test::random_view(da, sa, rng), b = test::random_view(db, sb, rng);
    const Shape ss = {a.numel(), b.numel()};
    const Tensor want_outer = build(dt, ss, [&](const Multi& i) {
      return value_at(a, unravel(i[0], sa)) * value_at(b, unravel(i[1], sb));
    });
    ASSERT_TRUE(test::tensors_close(outer(a, b), want_outer, 1))
        << describe("outer", a, b, seed, seed0);

    // kron: pad ranks with leading 1s; out[i] = a[i / b.shape] * b[i % b.shape] per axis.
    const std::size_t r = std::max(sa.size(), sb.size());
    Shape pa(r - sa.size(), 1), pb(r - sb.size(), 1), sk(r);
    pa.insert(pa.end(), sa.begin(), sa.end());
    pb.insert(pb.end(), sb.begin(), sb.end());
    for (std::size_t i = 0; i < r; ++i) sk[i] = pa[i] * pb[i];
    const Tensor want_kron = build(dt, sk, [&](const Multi& i) {
      Multi ia, ib;
      for (std::size_t k = 0; k < r; ++k) {
        if (k >= r - sa.size()) ia.push_back(i[k] / pb[k]);
        if (k >= r - sb.size()) ib.push_back(i[k] % pb[k]);
      }
      return value_at(a, ia) * value_at(b, ib);
    });
    ASSERT_TRUE(test::tensors_close(kron(a, b), want_kron, 1))
        << describe("kron", a, b, seed, seed0);

    // vdot: same number of elements, any shapes; the first is conjugated.
    const Tensor b2 = test::random_view(db, {a.numel()}, rng);
    const Tensor want_vdot = build(dt, {}, [&](const Multi&) {
      Acc s = 0;
      for (Index i = 0; i < a.numel(); ++i) {
        s += std::conj(value_at(a, unravel(i, sa))) * value_at(b2, {i});
      }
      return s;
    });
    ASSERT_TRUE(test::tensors_close(vdot(a, b2), want_vdot, a.numel()))
        << describe("vdot", a, b2, seed, seed0);
  });
}

TEST(ProductsRandom, MatmulMatchesBatchedLoops) {
  const std::uint64_t seed0 = base_seed();
  for_each_case(3, [&](Rng& rng, DType da, DType db, std::uint64_t seed) {
    const DType dt = promote_types(da, db);
    const int ra = static_cast<int>(test::uniform_int(rng, 1, 4));
    const int rb = static_cast<int>(test::uniform_int(rng, 1, 4));
    Shape sa = random_shape(rng, ra), sb = random_shape(rng, rb);
    sb[static_cast<std::size_t>(rb >= 2 ? rb - 2 : 0)] = sa.back();
    // Batch axes: equal, or 1 on one side (broadcast), aligned from the right.
    const int ba = std::max(ra - 2, 0), bb = std::max(rb - 2, 0);
    for (int i = 1; i <= std::min(ba, bb); ++i) {
      Index& ea = sa[static_cast<std::size_t>(ba - i)];
      Index& eb = sb[static_cast<std::size_t>(bb - i)];
      const Index u = test::uniform_int(rng, 0, 2);
      if (u == 0) ea = 1;
      if (u == 1) eb = 1;
      if (u == 2) eb = ea;
    }
    const Tensor a = test::random_view(da, sa, rng), b = test::random_view(db, sb, rng);
    // Expected shape: broadcast batch, then n (if a is 2-D+) and m (if b is 2-D+).
    const Shape batch =
        broadcast_shapes(Shape(sa.begin(), sa.begin() + ba), Shape(sb.begin(), sb.begin() + bb));
    Shape so = batch;
    if (ra >= 2) so.push_back(sa[static_cast<std::size_t>(ra - 2)]);
    if (rb >= 2) so.push_back(sb.back());
    const Index k = sa.back();
    const Tensor want = build(dt, so, [&](const Multi& o) {
      Multi ia(static_cast<std::size_t>(ra)), ib(static_cast<std::size_t>(rb));
      const std::size_t nb = batch.size();
      for (int i = 1; i <= ba; ++i) {  // batch index, clamped to 0 on broadcast axes
        const Index x = o[nb - static_cast<std::size_t>(i)];
        ia[static_cast<std::size_t>(ba - i)] = sa[static_cast<std::size_t>(ba - i)] == 1 ? 0 : x;
      }
      for (int i = 1; i <= bb; ++i) {
        const Index x = o[nb - static_cast<std::size_t>(i)];
        ib[static_cast<std::size_t>(bb - i)] = sb[static_cast<std::size_t>(bb - i)] == 1 ? 0 : x;
      }
      if (ra >= 2) ia[static_cast<std::size_t>(ra - 2)] = o[nb];
      if (rb >= 2) ib.back() = o.back();
      Acc s = 0;
      for (Index j = 0; j < k; ++j) {
        ia.back() = j;
        ib[static_cast<std::size_t>(rb >= 2 ? rb - 2 : 0)] = j;
        s += value_at(a, ia) * value_at(b, ib);
      }
      return s;
    });
    ASSERT_TRUE(test::tensors_close(matmul(a, b), want, k))
        << describe("matmul", a, b, seed, seed0);
  });
}

// ---------------------------------------------------------------- semantics by hand

Tensor f64(const std::vector<double>& v, Shape s) {
  return Tensor::from_vector<double>(v, std::move(s));
}

TEST(Products, ScalarOperandsMultiply) {
  const Tensor two = Tensor::scalar<std::int32_t>(2);
  const Tensor v = Tensor::from_vector<float>({1, 2, 3}, {3});
  const Tensor d = dot(two, v);
  EXPECT_EQ(d.dtype(), DType::Float64);  // a 0-D array is not a weak scalar: int32 x float32
  EXPECT_EQ(d.to_vector<double>(), (std::vector<double>{2, 4, 6}));
  EXPECT_EQ(inner(v, two).shape(), (Shape{3}));
  EXPECT_EQ(dot(two, two).item<int>(), 4);
  EXPECT_EQ(outer(two, two).shape(), (Shape{1, 1}));
}

TEST(Products, BoolDotIsOrOfAnds) {
  const Tensor a = Tensor::from_vector<bool>({true, false, true}, {3});
  const Tensor b = Tensor::from_vector<bool>({false, false, true}, {3});
  const Tensor d = dot(a, b);
  EXPECT_EQ(d.dtype(), DType::Bool);
  EXPECT_TRUE(d.item<bool>());
  EXPECT_FALSE(dot(a, Tensor::from_vector<bool>({false, true, false}, {3})).item<bool>());
}

TEST(Products, VdotConjugatesTheFirstOperand) {
  // np.vdot([1+2j, 3j], [2, 1]) == (2-7j); np.vdot(x, x) == |x|^2.
  const Tensor x = Tensor::from_vector<complex128>({{1, 2}, {0, 3}}, {2});
  EXPECT_EQ(vdot(x, f64({2, 1}, {2})).item<complex128>(), complex128(2, -7));
  EXPECT_EQ(vdot(x, x).item<complex128>(), complex128(14, 0));
  EXPECT_EQ(vdot(f64({2, 1}, {2}), x).item<complex128>(), complex128(2, 7));
  const Tensor y = Tensor::from_vector<complex64>({{1, 1}, {2, -1}}, {2});
  const Tensor r = vdot(y, y);
  EXPECT_EQ(r.dtype(), DType::Complex64);
  EXPECT_EQ(r.item<complex64>(), complex64(7, 0));
  // Flattening: a (2, 3) against a (6,) with equal sizes.
  EXPECT_EQ(vdot(Tensor::arange(6).reshape({2, 3}), Tensor::arange(6)).item<int>(), 55);
}

TEST(Products, MatmulPromotesVectors) {
  const Tensor v = Tensor::arange(3, DType::Float64);
  EXPECT_EQ(matmul(v, v).shape(), Shape{});
  EXPECT_EQ(matmul(v, v).item<double>(), 5.0);
  EXPECT_EQ(matmul(v, Tensor::ones(DType::Float64, {2, 3, 4})).shape(), (Shape{2, 4}));
  EXPECT_EQ(matmul(Tensor::ones(DType::Float64, {2, 4, 3}), v).shape(), (Shape{2, 4}));
  EXPECT_EQ(
      matmul(Tensor::ones(DType::Float64, {2, 1, 3, 4}), Tensor::ones(DType::Float64, {5, 4, 2}))
          .shape(),
      (Shape{2, 5, 3, 2}));
  EXPECT_EQ(
      matmul(Tensor::ones(DType::Float64, {0, 3}), Tensor::ones(DType::Float64, {3, 2})).shape(),
      (Shape{0, 2}));
  const Tensor z =
      matmul(Tensor::ones(DType::Float64, {2, 0}), Tensor::ones(DType::Float64, {0, 3}));
  EXPECT_EQ(z.to_vector<double>(), std::vector<double>(6, 0.0));
}

TEST(Products, TensordotIntegerAxes) {
  const Tensor a = Tensor::arange(60, DType::Float64).reshape({3, 4, 5});
  const Tensor b = Tensor::arange(24, DType::Float64).reshape({4, 3, 2});
  // The NumPy docstring example: tensordot(a, b, axes=([1, 0], [0, 1])).
  const std::vector<int> ax = {1, 0}, bx = {0, 1};
  const Tensor c = tensordot(a, b, ax, bx);
  EXPECT_EQ(c.shape(), (Shape{5, 2}));
  EXPECT_EQ(c.to_vector<double>(),
            (std::vector<double>{4400, 4730, 4532, 4874, 4664, 5018, 4796, 5162, 4928, 5306}));
  EXPECT_EQ(tensordot(a, b, 0).shape(), (Shape{3, 4, 5, 4, 3, 2}));
  const Tensor m = Tensor::arange(6, DType::Float64).reshape({2, 3});
  EXPECT_EQ(tensordot(m, m, 2).item<double>(), 55.0);  // the default: a double contraction
}

TEST(Products, KronShapes) {
  EXPECT_EQ(kron(Tensor::ones(DType::Float64, {2, 3}), Tensor::ones(DType::Float64, {4})).shape(),
            (Shape{2, 12}));
  EXPECT_EQ(
      kron(Tensor::ones(DType::Float64, {2, 3}), Tensor::ones(DType::Float64, {4, 5, 6})).shape(),
      (Shape{4, 10, 18}));
  EXPECT_EQ(kron(Tensor::scalar<double>(2), Tensor::scalar<double>(3)).item<double>(), 6.0);
  // np.kron([[1, 2], [3, 4]], [[0, 1], [1, 0]])
  const Tensor k = kron(Tensor::arange(4).reshape({2, 2}),
                        Tensor::from_vector<std::int64_t>({0, 1, 1, 0}, {2, 2}));
  EXPECT_EQ(k.to_vector<int>(), (std::vector<int>{0, 0, 0, 1, 0, 0, 1, 0, 0, 2, 0, 3, 2, 0, 3, 0}));
}

// ---------------------------------------------------------------- bad input

// Expects `f` to throw ein::Error with `code` and a message containing every substring.
void expect_error(const std::function<void()>& f, ErrorCode code,
                  const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << parts.front() << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const auto& p : parts) {
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message '" << e.what() << "' lacks '" << p << "'";
    }
  }
}

Tensor ones(Shape s) { return Tensor::ones(DType::Float64, std::move(s)); }

TEST(ProductsErrors, DotInnerNameTheMisalignedAxes) {
  expect_error(
      [] {
        (void)dot(ones({2, 3}), ones({4}));
      },
      ErrorCode::ShapeMismatch,
      {"dot", "shapes (2,3) and (4,) not aligned: 3 (dim 1) != 4 (dim 0)"});
  expect_error(
      [] {
        (void)dot(ones({3}), ones({2, 4, 5}));
      },
      ErrorCode::ShapeMismatch, {"shapes (3,) and (2,4,5) not aligned: 3 (dim 0) != 4 (dim 1)"});
  expect_error(
      [] {
        (void)inner(ones({2, 3}), ones({2, 4}));
      },
      ErrorCode::ShapeMismatch, {"inner", "3 (dim 1) != 4 (dim 1)"});
  expect_error(
      [] {
        (void)vdot(ones({3}), ones({2, 2}));
      },
      ErrorCode::ShapeMismatch, {"vdot", "a (3,) has 3 elements, b (2,2) has 4"});
}

TEST(ProductsErrors, MatmulLikeNumPy) {
  expect_error([] { (void)matmul(Tensor::scalar<double>(1), ones({3})); }, ErrorCode::ShapeMismatch,
               {"matmul: Input operand 0 does not have enough dimensions"});
  expect_error([] { (void)matmul(ones({3}), Tensor::scalar<double>(1)); }, ErrorCode::ShapeMismatch,
               {"Input operand 1 does not have enough dimensions"});
  expect_error(
      [] {
        (void)matmul(ones({2, 3}), ones({4, 5}));
      },
      ErrorCode::ShapeMismatch,
      {"matmul: Input operand 1 has a mismatch in its core dimension 0",
       "(size 4 is different from 3)"});
  expect_error(
      [] {
        (void)matmul(ones({2, 2, 3}), ones({3, 3, 4}));
      },
      ErrorCode::ShapeMismatch,
      {"matmul", "batch axis 0 of operand 0 (2,2,3) has extent 2",
       "batch axis 0 of operand 1 (3,3,4) has extent 3"});
}

TEST(ProductsErrors, TensordotAxes) {
  const std::vector<int> one = {1}, two = {0, 1}, dup = {1, 1}, dup_neg = {1, -1}, far = {5},
                         zero = {0};
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({4, 5}), 1);
      },
      ErrorCode::ShapeMismatch,
      {"shape-mismatch for sum", "axis 1 of a has extent 3 but axis 0 of b has extent 4"});
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({3, 5}), one, two);
      },
      ErrorCode::ShapeMismatch, {"shape-mismatch for sum", "1 axes given for a but 2"});
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({3, 3}), dup, two);
      },
      ErrorCode::InvalidArgument, {"duplicate axes", "axis 1 of operand a"});
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({3, 3}), two, dup_neg);
      },
      ErrorCode::InvalidArgument, {"duplicate axes", "operand b"});
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({3, 5}), far, zero);
      },
      ErrorCode::AxisError, {"tensordot: operand a axis 5 is out of bounds"});
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({3, 5}), 3);
      },
      ErrorCode::AxisError, {"axes=3", "operand a has only 2 dimensions"});
  expect_error(
      [&] {
        (void)tensordot(ones({2, 3}), ones({3, 5}), -1);
      },
      ErrorCode::InvalidArgument, {"non-negative"});
}

TEST(ProductsErrors, GeometryOperands) {
  expect_error([] { (void)project(ones({3}), ones({4})); }, ErrorCode::ShapeMismatch,
               {"project", "b (3,) has 3 elements but onto (4,) has 4"});
  expect_error([] { (void)cosine_similarity(Tensor::scalar<double>(1), ones({3})); },
               ErrorCode::InvalidArgument, {"cosine_similarity: operand a is 0-D"});
  expect_error(
      [] {
        (void)cosine_similarity(ones({2, 3}), ones({4, 3}));
      },
      ErrorCode::ShapeMismatch,
      {"cosine_similarity", "axis 0 of a has extent 2 but axis 0 of b has extent 4"});
}

// ---------------------------------------------------------------- norm, project, cosine

TEST(Geometry, NormDTypesAndValues) {
  const Tensor n = norm(f64({3, 4}, {2}));
  EXPECT_EQ(n.dtype(), DType::Float64);
  EXPECT_EQ(n.rank(), 0);
  EXPECT_EQ(n.item<double>(), 5.0);
  const Tensor nf = norm(Tensor::from_vector<float>({3, 4, 12}, {3}));
  EXPECT_EQ(nf.dtype(), DType::Float32);
  EXPECT_EQ(nf.item<float>(), 13.0F);
  const Tensor ni = norm(Tensor::from_vector<std::int32_t>({1, 2, 2}, {3}));
  EXPECT_EQ(ni.dtype(), DType::Float64);
  EXPECT_EQ(ni.item<double>(), 3.0);
  const Tensor nc = norm(Tensor::from_vector<complex64>({{3, 4}, {0, 12}}, {2}));
  EXPECT_EQ(nc.dtype(), DType::Float32);
  EXPECT_EQ(nc.item<float>(), 13.0F);
  // Frobenius over every axis of a strided view: [[0, 1, 2], [3, 4, 5]] transposed and reversed.
  const Tensor m =
      Tensor::arange(6, DType::Float64).reshape({2, 3}).transpose().slice(0, 2, -4, -1);
  EXPECT_DOUBLE_EQ(norm(m).item<double>(), std::sqrt(55.0));
  EXPECT_EQ(norm(ones({0, 3})).item<double>(), 0.0);
}

TEST(Geometry, NormAvoidsOverflowAndUnderflow) {
  // float32 squares of 1e30 overflow float32 and of 1e-30 underflow; the sum is redone in
  // float64.
  EXPECT_FLOAT_EQ(norm(Tensor::from_vector<float>({3e30F, 4e30F}, {2})).item<float>(), 5e30F);
  EXPECT_FLOAT_EQ(norm(Tensor::from_vector<float>({3e-30F, 4e-30F}, {2})).item<float>(), 5e-30F);
  EXPECT_FLOAT_EQ(norm(Tensor::from_vector<complex64>({{3e30F, 4e30F}}, {1})).item<float>(), 5e30F);
  // float64 squares of 1e200 overflow and of 1e-200 underflow; the result is rescaled.
  EXPECT_DOUBLE_EQ(norm(f64({3e200, 4e200}, {2})).item<double>(), 5e200);
  EXPECT_DOUBLE_EQ(norm(f64({3e-200, 4e-200}, {2})).item<double>(), 5e-200);
  EXPECT_DOUBLE_EQ(norm(f64({1e308, 1e308}, {2})).item<double>(), std::sqrt(2.0) * 1e308);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(norm(f64({1.0, inf}, {2})).item<double>(), inf);
  EXPECT_TRUE(std::isnan(norm(f64({1.0, std::nan("")}, {2})).item<double>()));
  EXPECT_EQ(norm(f64({0.0, 0.0}, {2})).item<double>(), 0.0);
}

TEST(Geometry, ProjectOntoAVector) {
  // (a.b / a.a) a with a = [1, 1], b = [2, 0] -> [1, 1].
  const Tensor p = project(f64({2, 0}, {2}), f64({1, 1}, {2}));
  EXPECT_EQ(p.to_vector<double>(), (std::vector<double>{1, 1}));
  // Integers divide into float64; float32 stays float32.
  EXPECT_EQ(project(Tensor::arange(2), Tensor::arange(2)).dtype(), DType::Float64);
  EXPECT_EQ(
      project(Tensor::from_vector<float>({1, 2}, {2}), Tensor::from_vector<float>({1, 0}, {2}))
          .to_vector<float>(),
      (std::vector<float>{1, 0}));
  // A zero `onto` gives zeros of onto's shape, not NaN.
  const Tensor z = project(f64({1, 2}, {2}), f64({0, 0}, {1, 2}));
  EXPECT_EQ(z.shape(), (Shape{1, 2}));
  EXPECT_EQ(z.to_vector<double>(), (std::vector<double>{0, 0}));
  // Complex: (vdot(a, b) / vdot(a, a)) a with a = [1j, 0], b = [1, 0] -> [1, 0].
  const Tensor a = Tensor::from_vector<complex128>({{0, 1}, {0, 0}}, {2});
  const Tensor b = Tensor::from_vector<complex128>({{1, 0}, {0, 0}}, {2});
  const auto pc = project(b, a).to_vector<complex128>();
  EXPECT_NEAR(pc[0].real(), 1.0, 1e-15);
  EXPECT_NEAR(pc[0].imag(), 0.0, 1e-15);
  EXPECT_EQ(pc[1], complex128(0, 0));
}

TEST(Geometry, CosineSimilarityOverTheLastAxis) {
  const Tensor a = f64({1, 0, 0, 1, 3, 4}, {3, 2});
  const Tensor b = f64({1, 0}, {2});  // broadcast against every row
  const Tensor c = cosine_similarity(a, b);
  EXPECT_EQ(c.shape(), (Shape{3}));
  const auto v = c.to_vector<double>();
  EXPECT_DOUBLE_EQ(v[0], 1.0);
  EXPECT_DOUBLE_EQ(v[1], 0.0);
  EXPECT_DOUBLE_EQ(v[2], 0.6);
  // Zero vectors give 0, not NaN.
  EXPECT_EQ(cosine_similarity(f64({0, 0}, {2}), f64({1, 2}, {2})).item<double>(), 0.0);
  // A vector axis of extent 1 broadcasts like any other axis: [2] acts as [2, 2].
  EXPECT_DOUBLE_EQ(cosine_similarity(f64({2}, {1}), f64({1, 3}, {2})).item<double>(),
                   8.0 / (std::sqrt(8.0) * std::sqrt(10.0)));
  // float32 stays float32; ints become float64; complex conjugates a: cos([1j], [1j]) == 1.
  EXPECT_EQ(cosine_similarity(Tensor::from_vector<float>({1, 2}, {2}),
                              Tensor::from_vector<float>({2, 4}, {2}))
                .dtype(),
            DType::Float32);
  EXPECT_EQ(cosine_similarity(Tensor::arange(3), Tensor::arange(3)).dtype(), DType::Float64);
  const Tensor j = Tensor::from_vector<complex128>({{0, 1}}, {1});
  EXPECT_EQ(cosine_similarity(j, j).item<complex128>(), complex128(1, 0));
}

TEST(Geometry, CosineSimilarityMatchesRowLoops) {
  Rng rng = test::make_rng(base_seed() + 11);
  const Tensor a = test::random_view(DType::Float64, {4, 1, 5}, rng);
  const Tensor b = test::random_view(DType::Float64, {3, 5}, rng);
  const Tensor c = cosine_similarity(a, b);
  ASSERT_EQ(c.shape(), (Shape{4, 3}));
  for (Index i = 0; i < 4; ++i) {
    for (Index j = 0; j < 3; ++j) {
      double ab = 0, aa = 0, bb = 0;
      for (Index k = 0; k < 5; ++k) {
        const double x = a.at<double>({i, 0, k}), y = b.at<double>({j, k});
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      EXPECT_NEAR(c.at<double>({i, j}), ab / std::sqrt(aa * bb), 1e-14);
    }
  }
}

}  // namespace
}  // namespace ein
