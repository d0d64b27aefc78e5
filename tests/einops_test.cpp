// einops front doors (rearrange, reduce, repeat, pack, unpack) against results of the einops
// package itself (src/ein/einops/testdata/gen_einops_fixtures.py), hand-checked examples, views,
// odd strides and einops's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ein/einops/testdata/einops_fixtures.hpp"
#include "ein/ops.hpp"
#include "ein/rearrange.hpp"
#include "support/random_tensor.hpp"

namespace ein {
namespace {

namespace fx = einops::fixtures;

// base(k) = ((37 k) % 101) - 50 at C-order position k (bool: base(k) % 3 == 0), as the
// generator writes it.
Tensor base_tensor(const Shape& shape, DType dtype) {
  const Index n = checked_numel(shape);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (Index k = 0; k < n; ++k) {
    const Index b = (37 * k) % 101 - 50;
    v[static_cast<std::size_t>(k)] =
        dtype == DType::Bool ? (b % 3 == 0 ? 1.0 : 0.0) : static_cast<double>(b);
  }
  return Tensor::from_vector(v, shape).astype(dtype);
}

bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

::testing::AssertionResult matches(const Tensor& got, const Shape& shape, DType dtype,
                                   const std::vector<double>& values) {
  if (got.shape() != shape || got.dtype() != dtype) {
    return ::testing::AssertionFailure()
           << "got shape " << shape_to_string(got.shape()) << " " << dtype_name(got.dtype())
           << ", expected " << shape_to_string(shape) << " " << dtype_name(dtype);
  }
  const std::vector<double> v = got.to_vector<double>();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!same_value(v[i], values[i])) {
      return ::testing::AssertionFailure()
             << "element " << i << " is " << v[i] << ", einops gives " << values[i];
    }
  }
  return ::testing::AssertionSuccess();
}

Tensor run_case(const fx::Case& c, const TensorView& x) {
  const std::string op = c.op;
  if (op == "rearrange") return rearrange(x, c.pattern, c.sizes);
  if (op == "repeat") return repeat(x, c.pattern, c.sizes);
  return reduce(x, c.pattern, op.substr(7), c.sizes);  // "reduce <name>"
}

TEST(Einops, MatchesEinopsPackage) {
  for (const fx::Case& c : fx::cases()) {
    SCOPED_TRACE(std::string(c.op) + " \"" + c.pattern + "\" on " + shape_to_string(c.shape));
    const Tensor x = base_tensor(c.shape, c.dtype);
    EXPECT_TRUE(matches(run_case(c, x), c.out_shape, c.out_dtype, c.values));
  }
}

TEST(Einops, OddStridedInputsGiveTheSameResults) {
  // The same table over inputs laid out with steps, reversed and permuted axes: every route
  // (view, copy, reduction loop, broadcast) must read through the strides. Seeded; on failure
  // rerun with --gtest_filter=Einops.OddStridedInputsGiveTheSameResults.
  constexpr std::uint64_t kSeed = 20240611;
  test::Rng rng = test::make_rng(kSeed);
  for (const fx::Case& c : fx::cases()) {
    SCOPED_TRACE(std::string(c.op) + " \"" + c.pattern + "\" (seed " + std::to_string(kSeed) + ")");
    const Tensor odd = test::odd_strided_copy(base_tensor(c.shape, c.dtype), rng);
    EXPECT_TRUE(matches(run_case(c, odd), c.out_shape, c.out_dtype, c.values));
  }
}

TEST(Einops, IssueExamples) {
  // rearrange(arange(12).reshape(1,1,12), 'b t (d k h) -> k b h t d', d=2, k=3) equals
  // x.reshape(1,1,2,3,2).transpose(3,0,4,1,2).
  const Tensor x = Tensor::arange(12).reshape({1, 1, 12});
  const Tensor r = rearrange(x, "b t (d k h) -> k b h t d", {{"d", 2}, {"k", 3}});
  EXPECT_EQ(r.shape(), (Shape{3, 1, 2, 1, 2}));
  const Tensor expected = x.reshape({1, 1, 2, 3, 2}).permute({3, 0, 4, 1, 2});
  EXPECT_EQ(r.to_vector<std::int64_t>(), expected.to_vector<std::int64_t>());

  const Tensor hw = Tensor::arange(6).reshape({2, 3});
  EXPECT_EQ(rearrange(hw, "h w -> (w h)").to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 3, 1, 4, 2, 5}));

  const Tensor h = Tensor::from_vector<std::int64_t>({1, 2}, {2});
  EXPECT_EQ(repeat(h, "h -> (h w)", {{"w", 2}}).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{1, 1, 2, 2}));

  const Tensor f = Tensor::arange(12, DType::Float64).reshape({2, 6});
  const Tensor m = reduce(f, "b (h w) -> b h", "max", {{"w", 3}});
  EXPECT_EQ(m.shape(), (Shape{2, 2}));
  EXPECT_EQ(m.to_vector<double>(), (std::vector<double>{2, 5, 8, 11}));
}

TEST(Einops, RearrangeReturnsViewsWhenStridesAllow) {
  const Tensor x = Tensor::arange(24).reshape({2, 3, 4});
  // Transposes and splits are views sharing x's buffer.
  for (const char* p : {"a b c -> c a b", "a b (c d) -> d a c b", "a b c -> a (b c)",
                        "a b c -> (a b) c", "a b c -> a 1 b c", "... c -> c ..."}) {
    SCOPED_TRACE(p);
    const AxisSizes sizes =
        std::string(p).find('d') != std::string::npos ? AxisSizes{{"d", 2}} : AxisSizes{};
    EXPECT_TRUE(rearrange_is_view(x, p, sizes));
    const Tensor r = rearrange(x, p, sizes);
    EXPECT_EQ(r.data(), x.data());
    EXPECT_EQ(r.owner(), x.owner());
  }
  // Merging axes that are not adjacent in memory needs a copy.
  EXPECT_FALSE(rearrange_is_view(x, "a b c -> (c a) b"));
  const Tensor copied = rearrange(x, "a b c -> (c a) b");
  EXPECT_NE(copied.data(), x.data());
  EXPECT_TRUE(copied.is_contiguous());
  // A merge of a transposed view that happens to be contiguous again is a view.
  const Tensor t = x.permute({2, 0, 1});
  EXPECT_FALSE(rearrange_is_view(t, "c a b -> (c a b)"));
  EXPECT_TRUE(rearrange_is_view(t, "c a b -> a b c"));
  EXPECT_TRUE(rearrange_is_view(t.permute({1, 2, 0}), "a b c -> (a b c)"));
  // A borrowed view stays a view of the caller's memory.
  const TensorView borrowed = x.view();
  EXPECT_EQ(rearrange(borrowed, "a b c -> c b a").data(), x.data());
}

TEST(Einops, RepeatAndReduceReturnFreshContiguousTensors) {
  const Tensor x = Tensor::arange(6).reshape({2, 3});
  const Tensor r = repeat(x, "h w -> h w c", {{"c", 2}});
  EXPECT_TRUE(r.is_contiguous());
  EXPECT_NE(r.data(), x.data());
  for (Index s : r.strides()) EXPECT_NE(s, 0);
  const Tensor same = repeat(x, "h w -> h w");
  EXPECT_NE(same.data(), x.data());
  const Tensor red = reduce(x, "h w -> h w", Reduction::Sum);
  EXPECT_NE(red.data(), x.data());
  EXPECT_EQ(red.dtype(), DType::Int64);
}

TEST(Einops, ReductionSemantics) {
  const double nan = std::nan("");
  const Tensor x = Tensor::from_vector<double>({1, nan, 3, 4, 5, 6}, {2, 3});
  const std::vector<double> mx = reduce(x, "a b -> a", Reduction::Max).to_vector<double>();
  EXPECT_TRUE(std::isnan(mx[0]));  // NaN propagates like NumPy's max
  EXPECT_EQ(mx[1], 6);
  const std::vector<double> mn = reduce(x, "a b -> b", Reduction::Min).to_vector<double>();
  EXPECT_EQ(mn[0], 1);
  EXPECT_TRUE(std::isnan(mn[1]));
  // Integer products wrap around like NumPy's int64 (no undefined behaviour).
  const Tensor big = Tensor::from_vector<std::int64_t>({INT64_C(1) << 40, INT64_C(1) << 40}, {2});
  EXPECT_EQ(reduce(big, "a -> ", Reduction::Prod).item<std::int64_t>(), 0);
  // Complex max compares lexicographically.
  const Tensor z = Tensor::from_vector<complex128>({{1, 5}, {2, -1}, {2, 3}}, {3});
  EXPECT_EQ(reduce(z, "a -> ", Reduction::Max).item<complex128>(), complex128(2, 3));
  EXPECT_EQ(reduce(z, "a -> ", Reduction::Min).item<complex128>(), complex128(1, 5));
  // mean needs floats; max of nothing has no identity.
  const Tensor i = Tensor::arange(6).reshape({2, 3});
  try {
    (void)reduce(i, "a b -> a", Reduction::Mean);
    ADD_FAILURE() << "mean of int64 should throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
  }
  const Tensor empty = Tensor::zeros(DType::Float64, {2, 0});
  EXPECT_THROW((void)reduce(empty, "a b -> a", Reduction::Max), Error);
  EXPECT_EQ(reduce(empty, "a b -> a", Reduction::Sum).to_vector<double>(),
            (std::vector<double>{0, 0}));
  EXPECT_EQ(reduce(empty, "a b -> a", Reduction::Prod).to_vector<double>(),
            (std::vector<double>{1, 1}));
  EXPECT_EQ(reduction_from_name("prod"), Reduction::Prod);
  EXPECT_EQ(reduction_name(Reduction::Any), "any");
  EXPECT_THROW((void)reduction_from_name("median"), Error);
}

TEST(Einops, ListInputsAreStacked) {
  const Tensor a = Tensor::arange(6).reshape({2, 3});
  const Tensor b = ein::add(Tensor::arange(6), 10).reshape({2, 3});
  const std::vector<TensorView> ab = {a.view(), b.view()};
  // einops.rearrange([a, b], 't h w -> h (t w)') == [[0,1,2,10,11,12],[3,4,5,13,14,15]]
  const Tensor r = rearrange(ab, "t h w -> h (t w)");
  EXPECT_EQ(r.shape(), (Shape{2, 6}));
  EXPECT_EQ(r.to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15}));
  // A view result keeps the stacked buffer alive.
  const Tensor v = rearrange(ab, "t h w -> w t h");
  EXPECT_EQ(v.at<std::int64_t>({2, 1, 1}), 15);
  EXPECT_EQ(reduce(ab, "t h w -> h w", "max").to_vector<std::int64_t>(),
            b.to_vector<std::int64_t>());
  EXPECT_EQ(repeat(ab, "t h w -> t h w c", {{"c", 2}}).shape(), (Shape{2, 2, 3, 2}));
  const Tensor c = Tensor::zeros(DType::Float32, {3, 2});
  const std::vector<TensorView> ac = {a.view(), c.view()};
  EXPECT_THROW((void)rearrange(ac, "t h w -> t h w"), Error);
  EXPECT_THROW((void)rearrange(std::span<const TensorView>(), "t -> t"), Error);
  const Tensor f = Tensor::zeros(DType::Float32, {2, 3});
  const std::vector<TensorView> af = {a.view(), f.view()};
  EXPECT_EQ(stack(af).dtype(), DType::Float64);
}

struct ErrorCase {
  const char* op;
  const char* pattern;
  Shape shape;
  AxisSizes sizes;
  ErrorCode code;
  const char* message;  // a substring of the message (einops's wording)
};

TEST(Einops, ErrorsFollowEinops) {
  const std::vector<ErrorCase> cases = {
      {"rearrange",
       "a b -> a",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Identifiers only on one side of expression (should be on both): {'b'}"},
      {"rearrange",
       "a (b c) -> a b c",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Could not infer sizes for {'b', 'c'}"},
      {"rearrange",
       "a (b c) -> a b c",
       {2, 6},
       {{"b", 4}},
       ErrorCode::ShapeMismatch,
       "can't divide axis of length 6 in chunks of 4"},
      {"rearrange",
       "a (b c) -> a b c",
       {2, 6},
       {{"b", 0}},
       ErrorCode::ShapeMismatch,
       "can't divide axis of length 6 in chunks of 0"},
      {"rearrange",
       "a b -> a b",
       {2, 6},
       {{"a", 3}},
       ErrorCode::ShapeMismatch,
       "Shape mismatch, 2 != 3"},
      {"rearrange",
       "a b -> a b",
       {2, 6},
       {{"z", 3}},
       ErrorCode::InvalidArgument,
       "Axis z is not used in transform"},
      {"rearrange",
       "a b -> a b",
       {2, 6},
       {{"a", 2}, {"a", 2}},
       ErrorCode::InvalidArgument,
       "given twice"},
      {"rearrange",
       "a b -> a b",
       {2, 6},
       {{"a_", 2}},
       ErrorCode::InvalidArgument,
       "Invalid name for an axis"},
      {"repeat",
       "a b -> a b c",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Specify sizes for new axes in repeat: {'c'}"},
      {"repeat",
       "a b -> a",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Unexpected identifiers on the left side of repeat: {'b'}"},
      {"reduce",
       "a b -> a c",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Unexpected identifiers on the right side of reduce"},
      {"reduce", "a (b 2) -> a b 2", {2, 6}, {}, ErrorCode::InvalidArgument, "{'2-axis'}"},
      {"rearrange",
       "a b c -> a b c",
       {2, 6},
       {},
       ErrorCode::ShapeMismatch,
       "Wrong shape: expected 3 dims. Received 2-dim tensor."},
      {"rearrange",
       "a b c ... -> a b c ...",
       {2, 6},
       {},
       ErrorCode::ShapeMismatch,
       "Wrong shape: expected >=3 dims. Received 2-dim tensor."},
      {"rearrange",
       "a a -> a",
       {2, 6},
       {},
       ErrorCode::ParseError,
       "Indexing expression contains duplicate dimension \"a\""},
      {"rearrange",
       "a b -> a 2 b",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Non-unitary anonymous axes are not supported in rearrange"},
      {"rearrange", "a (b -> a b", {2, 6}, {}, ErrorCode::ParseError, "Imbalanced parentheses"},
      {"rearrange", "a b) -> a b", {2, 6}, {}, ErrorCode::ParseError, "Brackets are not balanced"},
      {"rearrange", "((a b)) -> a b", {2, 6}, {}, ErrorCode::ParseError, "one-level"},
      {"rearrange", "a.b -> a b", {2, 6}, {}, ErrorCode::ParseError, "dots only inside ellipsis"},
      {"rearrange",
       "a ... ... -> a",
       {2, 6},
       {},
       ErrorCode::ParseError,
       "only one ellipsis for tensor"},
      {"rearrange", "a... -> a", {2, 6}, {}, ErrorCode::ParseError, "Invalid axis identifier"},
      {"rearrange",
       "a b -> a b ...",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Ellipsis found in right side, but not left side"},
      {"rearrange",
       "(a ...) -> a ...",
       {2, 6},
       {},
       ErrorCode::InvalidArgument,
       "Ellipsis inside parenthesis in the left side is not allowed"},
      {"rearrange", "a-b -> a b", {2, 6}, {}, ErrorCode::ParseError, "Unknown character '-'"},
      {"rearrange", "a b", {2, 6}, {}, ErrorCode::ParseError, "'->'"},
      {"rearrange", "a -> b -> c", {2, 6}, {}, ErrorCode::ParseError, "'->'"},
      {"rearrange",
       "_a b -> _a b",
       {2, 6},
       {},
       ErrorCode::ParseError,
       "should not start or end with underscore"},
      {"rearrange", "1a b -> 1a b", {2, 6}, {}, ErrorCode::ParseError, "Invalid axis identifier"},
      {"reduce",
       "a (b 0) -> a",
       {2, 6},
       {},
       ErrorCode::ParseError,
       "Anonymous axis should have positive length, not 0"},
      {"repeat", "a b -> a b 99999999999999999999", {2, 6}, {}, ErrorCode::ParseError, "too large"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(std::string(c.op) + " \"" + c.pattern + "\"");
    const Tensor x = Tensor::zeros(DType::Float64, c.shape);
    const std::string op = c.op;
    try {
      if (op == "rearrange") (void)rearrange(x, c.pattern, c.sizes);
      if (op == "repeat") (void)repeat(x, c.pattern, c.sizes);
      if (op == "reduce") (void)reduce(x, c.pattern, Reduction::Max, c.sizes);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), c.code) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
      // Every message also says which call failed.
      EXPECT_NE(std::string(e.what()).find(c.pattern), std::string::npos) << e.what();
    }
  }
}

TEST(Einops, PackMatchesEinopsAndUnpackInverts) {
  std::vector<Tensor> inputs;
  std::vector<TensorView> views;
  for (std::size_t i = 0; i < fx::kPackInputShapes.size(); ++i) {
    inputs.push_back(ein::add(base_tensor(fx::kPackInputShapes[i], DType::Float64),
                              100.0 * static_cast<double>(i)));
    views.push_back(inputs.back().view());
  }
  const Packed p = pack(views, "i j * k");
  EXPECT_EQ(p.packed_shapes, fx::kPackedShapes);
  EXPECT_TRUE(matches(p.tensor, fx::kPackedShape, DType::Float64, fx::kPackedValues));

  const std::vector<Tensor> back = unpack(p.tensor, p.packed_shapes, "i j * k");
  ASSERT_EQ(back.size(), inputs.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].shape(), inputs[i].shape());
    EXPECT_EQ(back[i].to_vector<double>(), inputs[i].to_vector<double>());
    EXPECT_EQ(back[i].owner(), p.tensor.owner());  // views into the packed tensor
  }
  // One -1 is inferred from what the others leave.
  const std::vector<Shape> with_unknown = {{}, {-1}, {2, 2}};
  const std::vector<Tensor> inferred = unpack(p.tensor, with_unknown, "i j * k");
  EXPECT_EQ(inferred[1].shape(), (Shape{2, 1, 2, 3}));
  EXPECT_EQ(inferred[1].to_vector<double>(), inputs[1].to_vector<double>());
}

TEST(Einops, PackPromotesAndChecks) {
  const Tensor a = Tensor::arange(3).reshape({3, 1});
  const Tensor b = Tensor::zeros(DType::Float32, {3, 2});
  const std::vector<TensorView> ab = {a.view(), b.view()};
  const Packed p = pack(ab, "n *");
  EXPECT_EQ(p.tensor.dtype(), DType::Float64);
  EXPECT_EQ(p.tensor.shape(), (Shape{3, 3}));
  EXPECT_EQ(p.tensor.to_vector<double>(), (std::vector<double>{0, 0, 0, 1, 0, 0, 2, 0, 0}));

  const Tensor c = Tensor::zeros(DType::Float32, {4, 2});
  const std::vector<TensorView> ac = {a.view(), c.view()};
  EXPECT_THROW((void)pack(ac, "n *"), Error);      // n disagrees
  EXPECT_THROW((void)pack(ab, "n"), Error);        // no '*'
  EXPECT_THROW((void)pack(ab, "n * n"), Error);    // duplicate names
  EXPECT_THROW((void)pack(ab, "n m k *"), Error);  // too few axes
  EXPECT_THROW((void)pack({}, "n *"), Error);
  const std::vector<Shape> bad = {{1}, {3}};
  EXPECT_THROW((void)unpack(p.tensor, bad, "n *"), Error);
  const std::vector<Shape> two_unknown = {{-1}, {-1}};
  EXPECT_THROW((void)unpack(p.tensor, two_unknown, "n *"), Error);
  const std::vector<Shape> ok = {{1}, {2}};
  EXPECT_THROW((void)unpack(p.tensor, ok, "n * k"), Error);  // wrong rank
}

}  // namespace
}  // namespace ein
