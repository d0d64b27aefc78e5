// Tests of the test support itself: the reference einsum on hand-computed cases, the random
// tensors and corpus (deterministic, within their limits, covering what they promise), and the
// comparison helpers (they must be able to fail).
#include "support/reference_einsum.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <vector>

#include "support/compare.hpp"
#include "support/random_einsum.hpp"
#include "support/random_tensor.hpp"

namespace ein {
namespace {

using test::reference_einsum;
using test::tensors_close;
using test::tensors_equal;

template <class T>
Tensor T_(std::vector<T> values, Shape shape) {
  return Tensor::from_vector<T>(values, std::move(shape));
}
Tensor I64(std::vector<std::int64_t> values, Shape shape) { return T_(std::move(values), shape); }

// ---------------------------------------------------------------------------------------------
// Hand-computed cases

TEST(ReferenceEinsum, Matmul) {
  const Tensor a = I64({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = I64({1, 0, 0, 1, 2, -1}, {3, 2});
  // [[1+0+6, 0+2-3], [4+0+12, 0+5-6]]
  EXPECT_TRUE(tensors_equal(reference_einsum("ij,jk->ik", {a, b}), I64({7, -1, 16, -1}, {2, 2})));
  EXPECT_TRUE(tensors_equal(reference_einsum("ij,jk", {a, b}), I64({7, -1, 16, -1}, {2, 2})));
  // Transposed output.
  EXPECT_TRUE(tensors_equal(reference_einsum("ij,jk->ki", {a, b}), I64({7, 16, -1, -1}, {2, 2})));
}

TEST(ReferenceEinsum, TraceAndDiagonal) {
  const Tensor a = I64({1, 2, 3, 4}, {2, 2});
  EXPECT_TRUE(tensors_equal(reference_einsum("ii->", {a}), I64({5}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("ii", {a}), I64({5}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("ii->i", {a}), I64({1, 4}, {2})));
  // 'iij->j' on a (2,2,2): sum over i of a[i,i,j] = a[0,0,:] + a[1,1,:].
  const Tensor c = I64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  EXPECT_TRUE(tensors_equal(reference_einsum("iij->j", {c}), I64({1 + 7, 2 + 8}, {2})));
}

TEST(ReferenceEinsum, OuterAndSums) {
  const Tensor x = I64({1, 2}, {2});
  const Tensor y = I64({3, 4, 5}, {3});
  EXPECT_TRUE(tensors_equal(reference_einsum("i,j->ij", {x, y}), I64({3, 4, 5, 6, 8, 10}, {2, 3})));
  EXPECT_TRUE(tensors_equal(reference_einsum("i,j", {x, y}), I64({3, 4, 5, 6, 8, 10}, {2, 3})));
  EXPECT_TRUE(tensors_equal(reference_einsum("i,j->", {x, y}), I64({3 * 12}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {x, I64({5, 7}, {2})}), I64({19}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("i->", {x}), I64({3}, {})));
  // Scalars.
  const Tensor s = I64({3}, {});
  EXPECT_TRUE(tensors_equal(reference_einsum(",i->i", {s, x}), I64({3, 6}, {2})));
  EXPECT_TRUE(tensors_equal(reference_einsum("->", {s}), s));
}

TEST(ReferenceEinsum, EllipsisBroadcasting) {
  // a: batch of two 2x2 matrices; b: one 2x2 matrix broadcast over the batch.
  const Tensor a = I64({1, 2, 3, 4, 0, 1, 1, 0}, {2, 2, 2});
  const Tensor b = I64({1, 1, 0, 2}, {2, 2});
  // a[0] @ b = [[1, 1+4], [3, 3+8]]; a[1] @ b = [[0, 2], [1, 1]].
  const Tensor want = I64({1, 5, 3, 11, 0, 2, 1, 1}, {2, 2, 2});
  EXPECT_TRUE(tensors_equal(reference_einsum("...ij,...jk->...ik", {a, b}), want));
  EXPECT_TRUE(tensors_equal(reference_einsum("...ij,...jk", {a, b}), want));
  // Extent-1 '...' axes broadcast: (2,1) with (3,) -> (2,3).
  const Tensor col = I64({1, 2}, {2, 1});
  const Tensor row = I64({10, 20, 30}, {3});
  EXPECT_TRUE(tensors_equal(reference_einsum("...,...", {col, row}),
                            I64({10, 20, 30, 20, 40, 60}, {2, 3})));
}

TEST(ReferenceEinsum, NamedLabelBroadcasting) {
  // 'ij,jk->ik' with j of extent 1 in a and 3 in b: out[i,k] = a[i,0] * sum_j b[j,k].
  const Tensor a = I64({2, 3}, {2, 1});
  const Tensor b = I64({1, 2, 3, 4, 5, 6}, {3, 2});
  EXPECT_TRUE(tensors_equal(reference_einsum("ij,jk->ik", {a, b}), I64({18, 24, 27, 36}, {2, 2})));
  // A 1x1 diagonal broadcast: 'ii,i->i' with (1,1) and (3,).
  EXPECT_TRUE(tensors_equal(reference_einsum("ii,i->i", {I64({2}, {1, 1}), I64({1, 2, 3}, {3})}),
                            I64({2, 4, 6}, {3})));
}

TEST(ReferenceEinsum, Bool) {
  // Sum of products on bools is OR of ANDs.
  const Tensor a = T_<bool>({true, false, false, false}, {2, 2});
  const Tensor b = T_<bool>({false, true, true, true}, {2, 2});
  EXPECT_TRUE(tensors_equal(reference_einsum("ij,jk->ik", {a, b}),
                            T_<bool>({false, true, false, false}, {2, 2})));
  EXPECT_TRUE(tensors_equal(reference_einsum("ij->", {b}), T_<bool>({true}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("ij->", {T_<bool>({false, false}, {1, 2})}),
                            T_<bool>({false}, {})));
}

TEST(ReferenceEinsum, IntegerWrapAround) {
  using L32 = std::numeric_limits<std::int32_t>;
  using L64 = std::numeric_limits<std::int64_t>;
  EXPECT_TRUE(tensors_equal(reference_einsum("i->", {T_<std::int32_t>({L32::max(), 1}, {2})}),
                            T_<std::int32_t>({L32::min()}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("i->", {T_<std::int64_t>({L64::max(), 1}, {2})}),
                            T_<std::int64_t>({L64::min()}, {})));
  // 65536 * 65536 = 2^32 wraps to 0 in int32; and -2^31 * -1 wraps to -2^31.
  const Tensor big = T_<std::int32_t>({65536}, {1});
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {big, big}), T_<std::int32_t>({0}, {})));
  const Tensor m = T_<std::int32_t>({L32::min()}, {1});
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->i", {m, T_<std::int32_t>({-1}, {1})}), m));
}

TEST(ReferenceEinsum, Complex) {
  const Tensor x = T_<complex128>({{1, 2}, {3, -1}}, {2});
  const Tensor y = T_<complex128>({{2, -1}, {0, 1}}, {2});
  // (1+2j)(2-1j) = 4+3j; (3-1j)(1j) = 1+3j.
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {x, y}), T_<complex128>({{5, 6}}, {})));
}

TEST(ReferenceEinsum, ResultDtypePromotesOrFollowsDtype) {
  const Tensor i32 = T_<std::int32_t>({1, 2}, {2});
  const Tensor f32 = T_<float>({0.5f, 0.25f}, {2});
  const Tensor b = T_<bool>({true, true}, {2});
  // NumPy: int32 with float32 -> float64; bool with int32 -> int32; float32 with complex64 ->
  // complex64.
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {i32, f32}), T_<double>({1.0}, {})));
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {b, i32}), T_<std::int32_t>({3}, {})));
  EXPECT_EQ(reference_einsum("i,i", {f32, T_<complex64>({1, 1}, {2})}).dtype(), DType::Complex64);
  // dtype= casts the operands first, as NumPy does: 0.5 and 0.25 truncate to 0 as int64.
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {i32, f32}, DType::Int64),
                            T_<std::int64_t>({0}, {})));
  EXPECT_TRUE(
      tensors_equal(reference_einsum("i->", {f32}, DType::Float64), T_<double>({0.75}, {})));
}

TEST(ReferenceEinsum, AccumulatesInExtendedPrecision) {
  if constexpr (std::numeric_limits<long double>::digits >= 64) {
    // In double, 1e16 + 1 rounds back to 1e16; the reference's long double keeps the 1.
    const Tensor x = T_<double>({1e16, 1.0, -1e16}, {3});
    EXPECT_TRUE(tensors_equal(reference_einsum("i->", {x}), T_<double>({1.0}, {})));
  } else {
    GTEST_SKIP() << "long double is no wider than double here";
  }
}

TEST(ReferenceEinsum, ZeroSizeExtents) {
  const Tensor a = Tensor::zeros(DType::Float64, {2, 0});
  const Tensor b = Tensor::zeros(DType::Float64, {0, 3});
  // Summing over an empty label gives zeros; an empty output label gives an empty tensor.
  EXPECT_TRUE(
      tensors_equal(reference_einsum("ij,jk->ik", {a, b}), Tensor::zeros(DType::Float64, {2, 3})));
  EXPECT_EQ(reference_einsum("ij->j", {a}).shape(), (Shape{0}));
  EXPECT_TRUE(tensors_equal(reference_einsum("ij->", {a}), T_<double>({0.0}, {})));
  EXPECT_TRUE(
      tensors_equal(reference_einsum("i,i->i", {I64({}, {0}), I64({4}, {1})}), I64({}, {0})));
}

TEST(ReferenceEinsum, AnyStrides) {
  auto rng = test::make_rng(7);
  const Tensor a = test::random_tensor(DType::Float64, {3, 4, 2}, rng);
  const Tensor b = test::random_tensor(DType::Float64, {2, 4}, rng);
  const Tensor want = reference_einsum("ijk,kj->ik", {a, b});
  for (int trial = 0; trial < 20; ++trial) {
    const Tensor a2 = test::odd_strided_copy(a, rng);
    const Tensor b2 = test::odd_strided_copy(b, rng);
    EXPECT_TRUE(tensors_equal(reference_einsum("ijk,kj->ik", {a2, b2}), want))
        << "strides " << shape_to_string(a2.strides()) << " " << shape_to_string(b2.strides());
  }
  // Reversed axes (negative strides) via a view, and a stride-0 broadcast.
  const Tensor x = I64({1, 2, 3}, {3});
  const Tensor rev =
      Tensor::borrow(TensorView(static_cast<std::int64_t*>(x.data()) + 2, DType::Int64, {3}, {-1}));
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->i", {x, rev}), I64({3, 4, 3}, {3})));
  const Tensor bcast = I64({5}, {1}).broadcast_to(Shape{3});
  EXPECT_EQ(bcast.strides(), (Strides{0}));
  EXPECT_TRUE(tensors_equal(reference_einsum("i,i->", {x, bcast}), I64({30}, {})));
}

TEST(ReferenceEinsum, Sublists) {
  const Tensor a = I64({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = I64({1, 0, 0, 1, 2, -1}, {3, 2});
  const std::vector<TensorView> ops = {a, b};
  const std::vector<std::vector<int>> in = {{0, 1}, {1, 2}};
  EXPECT_TRUE(tensors_equal(test::reference_einsum_sublists(in, std::vector<int>{2, 0}, ops),
                            I64({7, 16, -1, -1}, {2, 2})));
  EXPECT_TRUE(tensors_equal(test::reference_einsum_sublists(in, std::nullopt, ops),
                            I64({7, -1, 16, -1}, {2, 2})));
}

TEST(ReferenceEinsum, RejectsBadInput) {
  const Tensor a = I64({1, 2}, {2});
  EXPECT_THROW(reference_einsum("ij", {a}), Error);
  EXPECT_THROW(reference_einsum("i,i", {a}), Error);
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers

TEST(Compare, DetectsDifferences) {
  const Tensor x = T_<double>({1.0, 2.0}, {2});
  EXPECT_TRUE(tensors_close(x, x, 1));
  EXPECT_FALSE(tensors_close(T_<double>({1.0, 2.001}, {2}), x, 10));
  EXPECT_FALSE(tensors_close(T_<float>({1.0f, 2.0f}, {2}), x, 1));        // dtype
  EXPECT_FALSE(tensors_close(T_<double>({1.0, 2.0}, {1, 2}), x, 1));      // shape
  EXPECT_FALSE(tensors_equal(I64({1, 2}, {2}), I64({1, 3}, {2})));        // integers exact
  EXPECT_FALSE(tensors_close(I64({1, 2}, {2}), I64({1, 3}, {2}), 1000));  // ... at any length
  const auto failure = tensors_close(T_<double>({1.0, 2.5}, {2}), x, 1);
  EXPECT_NE(std::string(failure.message()).find("at [1]"), std::string::npos) << failure.message();
}

TEST(Compare, ToleranceScalesWithEpsilonAndSummationLength) {
  const double eps = std::numeric_limits<double>::epsilon();
  const Tensor e = T_<double>({1.0}, {});
  // Within kTolerance * eps * n * max(|e|, 1).
  EXPECT_TRUE(tensors_close(T_<double>({1.0 + 4 * eps}, {}), e, 1));
  EXPECT_FALSE(tensors_close(T_<double>({1.0 + 64 * eps}, {}), e, 1));
  EXPECT_TRUE(tensors_close(T_<double>({1.0 + 64 * eps}, {}), e, 100));
  // Near zero the scale takes over (cancellation).
  EXPECT_TRUE(tensors_close(T_<double>({4 * eps}, {}), T_<double>({0.0}, {}), 1));
  EXPECT_FALSE(tensors_close(T_<double>({4 * eps}, {}), T_<double>({0.0}, {}), 1, 1e-6));
  // float32 uses float32's epsilon.
  const float feps = std::numeric_limits<float>::epsilon();
  EXPECT_TRUE(tensors_close(T_<float>({1.0f + 2 * feps}, {}), T_<float>({1.0f}, {}), 1));
  EXPECT_FALSE(tensors_close(T_<float>({1.0f + 1e-4f}, {}), T_<float>({1.0f}, {}), 1));
  // complex: each part.
  EXPECT_FALSE(tensors_close(T_<complex64>({{1, 1e-3f}}, {}), T_<complex64>({{1, 0}}, {}), 1));
}

TEST(Compare, NanAndInfinity) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(tensors_close(T_<double>({nan, inf}, {2}), T_<double>({nan, inf}, {2}), 1));
  EXPECT_TRUE(tensors_equal(T_<double>({nan}, {1}), T_<double>({nan}, {1})));
  EXPECT_FALSE(tensors_close(T_<double>({1.0}, {1}), T_<double>({nan}, {1}), 1));
  EXPECT_FALSE(tensors_close(T_<double>({nan}, {1}), T_<double>({1.0}, {1}), 1));
  EXPECT_FALSE(tensors_close(T_<double>({-inf}, {1}), T_<double>({inf}, {1}), 1));
  EXPECT_FALSE(tensors_close(T_<double>({1e300}, {1}), T_<double>({inf}, {1}), 1));
}

// ---------------------------------------------------------------------------------------------
// Random tensors and the corpus

TEST(RandomTensor, DeterministicAndInRange) {
  for (DType dtype : kAllDTypes) {
    const Tensor a = test::random_tensor(dtype, {4, 5}, 99);
    const Tensor b = test::random_tensor(dtype, {4, 5}, 99);
    EXPECT_TRUE(tensors_equal(a, b)) << dtype_name(dtype);
    for (const complex128& v : a.to_vector<complex128>()) {
      if (is_integer(dtype)) {
        EXPECT_TRUE(v.real() >= -3 && v.real() <= 3 && v.real() == std::floor(v.real()));
      } else {
        EXPECT_LE(std::abs(v.real()), 1.0);
        EXPECT_LE(std::abs(v.imag()), 1.0);
      }
    }
  }
  EXPECT_FALSE(tensors_equal(test::random_tensor(DType::Float64, {8}, 1),
                             test::random_tensor(DType::Float64, {8}, 2)));
}

TEST(RandomTensor, OddStridedCopyKeepsValues) {
  auto rng = test::make_rng(5);
  int negative = 0;
  int non_contiguous = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const DType dtype = kAllDTypes[trial % kNumDTypes];
    Shape shape;
    const Index rank = test::uniform_int(rng, 0, 4);
    for (Index a = 0; a < rank; ++a) shape.push_back(test::uniform_int(rng, 0, 4));
    const Tensor values = test::random_tensor(dtype, shape, rng);
    const Tensor odd = test::odd_strided_copy(values, rng);
    EXPECT_TRUE(tensors_equal(odd, values)) << shape_to_string(odd.strides());
    EXPECT_EQ(odd.shape(), values.shape());
    for (Index s : odd.strides()) negative += s < 0;
    non_contiguous += !odd.is_contiguous();
  }
  EXPECT_GT(negative, 20);
  EXPECT_GT(non_contiguous, 100);
}

TEST(RandomTensor, Broadcast) {
  auto rng = test::make_rng(6);
  const Tensor t = test::random_broadcast(DType::Float32, {3, 4}, 1, rng);
  EXPECT_EQ(t.shape(), (Shape{3, 4}));
  EXPECT_EQ(t.strides()[1], 0);
  EXPECT_EQ(t.at<float>({2, 0}), t.at<float>({2, 3}));
}

TEST(RandomEinsum, DeterministicForASeed) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const test::EinsumCase a = test::random_einsum_case(seed);
    const test::EinsumCase b = test::random_einsum_case(seed);
    EXPECT_EQ(a.seed, seed);
    EXPECT_EQ(a.subscripts, b.subscripts);
    EXPECT_EQ(a.describe(), b.describe());  // dtypes, shapes and strides
    ASSERT_EQ(a.operands.size(), b.operands.size());
    for (std::size_t k = 0; k < a.operands.size(); ++k) {
      EXPECT_TRUE(tensors_equal(a.operands[k], b.operands[k])) << a.describe();
    }
  }
  EXPECT_NE(test::random_einsum_case(1).describe(), test::random_einsum_case(2).describe());
}

TEST(RandomEinsum, RespectsLimitsAndCoversFeatures) {
  const test::CorpusOptions options;
  std::set<DType> dtypes;
  std::set<std::size_t> operand_counts;
  int implicit = 0, ellipsis = 0, repeated = 0, zero = 0, unit = 0, mixed = 0, negative = 0,
      zero_stride = 0, named_broadcast = 0, ellipsis_broadcast = 0;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    const test::EinsumCase c = test::random_einsum_case(seed, options);
    SCOPED_TRACE(c.describe());
    const expr::ParsedExpression p = c.parsed();  // NumPy-valid: parses without error
    const std::size_t n = c.operands.size();
    EXPECT_GE(n, static_cast<std::size_t>(options.min_operands));
    EXPECT_LE(n, static_cast<std::size_t>(options.max_operands));
    operand_counts.insert(n);
    double work = 1;
    for (Index e : p.extents) {
      EXPECT_LE(e, std::max<Index>(options.max_extent, 4));
      work *= static_cast<double>(std::max<Index>(e, 1));
      zero += e == 0;
    }
    EXPECT_LE(work, static_cast<double>(options.max_work));
    implicit += c.subscripts.find("->") == std::string::npos;
    ellipsis += p.num_ellipsis_labels() > 0;
    std::set<DType> case_dtypes;
    for (std::size_t k = 0; k < n; ++k) {
      const Tensor& t = c.operands[k];
      dtypes.insert(t.dtype());
      case_dtypes.insert(t.dtype());
      const std::vector<int>& term = p.inputs[k];
      repeated += std::set<int>(term.begin(), term.end()).size() != term.size();
      for (std::size_t a = 0; a < term.size(); ++a) {
        const bool broadcasts = t.shape()[a] == 1 && p.extents[term[a]] > 1;
        if (broadcasts && p.label_names[term[a]].starts_with("...")) ++ellipsis_broadcast;
        if (broadcasts && !p.label_names[term[a]].starts_with("...")) ++named_broadcast;
        negative += t.strides()[a] < 0;
        zero_stride += t.strides()[a] == 0 && t.shape()[a] > 1;
      }
    }
    for (Index e : p.extents) unit += e == 1;
    mixed += case_dtypes.size() > 1;
  }
  EXPECT_EQ(dtypes.size(), static_cast<std::size_t>(kNumDTypes));
  EXPECT_EQ(operand_counts.size(), 6u);
  EXPECT_GT(implicit, 200);
  EXPECT_GT(ellipsis, 100);
  EXPECT_GT(repeated, 100);
  EXPECT_GT(zero, 20);
  EXPECT_GT(unit, 200);
  EXPECT_GT(mixed, 100);
  EXPECT_GT(negative, 200);
  EXPECT_GT(zero_stride, 20);
  EXPECT_GT(named_broadcast, 50);
  EXPECT_GT(ellipsis_broadcast, 10);
}

TEST(RandomEinsum, HonoursOptions) {
  test::CorpusOptions o;
  o.min_operands = 2;
  o.max_operands = 2;
  o.dtypes = {DType::Float32};
  o.max_work = 50;
  o.p_ellipsis = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const test::EinsumCase c = test::random_einsum_case(seed, o);
    EXPECT_EQ(c.operands.size(), 2u) << c.describe();
    EXPECT_EQ(c.subscripts.find("..."), std::string::npos) << c.describe();
    for (const Tensor& t : c.operands) EXPECT_EQ(t.dtype(), DType::Float32);
    double work = 1;
    for (Index e : c.parsed().extents) work *= static_cast<double>(std::max<Index>(e, 1));
    EXPECT_LE(work, 50.0) << c.describe();
  }
}

// The reference does not depend on layout: odd strides give the same result as contiguous
// copies, bit for bit; and a case is quick (the whole corpus runs in seconds).
TEST(RandomEinsum, ReferenceIsLayoutIndependent) {
  for (std::uint64_t seed : test::corpus_seeds(1, 1000)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    std::vector<TensorView> contiguous_views;
    std::vector<Tensor> keep;
    for (const Tensor& t : c.operands) keep.push_back(t.copy());
    for (const Tensor& t : keep) contiguous_views.push_back(t);
    const Tensor want = reference_einsum(c.subscripts, contiguous_views);
    EXPECT_EQ(want.dtype(), c.result_dtype());
    EXPECT_TRUE(test::matches_reference(c, want));
  }
}

TEST(RandomEinsum, MatchesReferenceCanFail) {
  const test::EinsumCase c = test::random_einsum_case(3);
  const Tensor wrong = Tensor::ones(c.result_dtype(), c.parsed().output_shape());
  const Tensor right = reference_einsum(c.subscripts, c.views());
  if (!tensors_equal(wrong, right)) {
    const auto r = test::matches_reference(c, wrong);
    EXPECT_FALSE(r);
    EXPECT_NE(std::string(r.message()).find("EIN_SEED=3"), std::string::npos) << r.message();
  }
}

// Writes the corpus and the reference's results for tests/support/crosscheck_numpy.py, which
// recomputes every case with numpy.einsum (the specification) and compares. Runs only when
// EIN_CORPUS_DUMP names a directory:
//   EIN_CORPUS_DUMP=/tmp/corpus ./ein_e2e_tests --gtest_filter='RandomEinsum.DumpForNumPy'
//   python3 tests/support/crosscheck_numpy.py /tmp/corpus
void dump_tensor(std::ofstream& data, std::ofstream& manifest, const Tensor& t) {
  const Tensor c = t.copy();  // C order
  manifest << ' ' << dtype_name(c.dtype()) << ' ' << c.rank();
  for (Index e : c.shape()) manifest << ' ' << e;
  data.write(
      static_cast<const char*>(c.data()),
      static_cast<std::streamsize>(static_cast<std::size_t>(c.numel()) * itemsize(c.dtype())));
}

TEST(RandomEinsum, DumpForNumPy) {
  const char* dir = std::getenv("EIN_CORPUS_DUMP");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "set EIN_CORPUS_DUMP=<dir> to dump";
  const int count =
      std::getenv("EIN_CORPUS_SIZE") ? std::atoi(std::getenv("EIN_CORPUS_SIZE")) : 3000;
  std::ofstream data(std::string(dir) + "/data.bin", std::ios::binary);
  std::ofstream manifest(std::string(dir) + "/manifest.txt");
  ASSERT_TRUE(data && manifest) << "cannot write to " << dir;
  for (std::uint64_t seed : test::corpus_seeds(0, count)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    // One line per case: seed, subscripts, operand count, summation length, then dtype, rank
    // and extents of each operand and of the result, whose bytes follow in data.bin.
    manifest << seed << '\t' << c.subscripts << '\t' << c.operands.size() << '\t'
             << c.summation_length();
    for (const Tensor& t : c.operands) dump_tensor(data, manifest, t);
    dump_tensor(data, manifest, reference_einsum(c.subscripts, c.views()));
    manifest << '\n';
  }
}

}  // namespace
}  // namespace ein
