// einsum over the storage dtypes (int8, uint8, int16, float16, bfloat16) and acc_dtype, against
// the loop-nest reference run on the operands converted to a compute dtype.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/expr/parse.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::reference_einsum;

// A random tensor of any dtype: drawn in a compute dtype, then converted. Integers are drawn in
// int32 from [-3, 3] and scaled so that sums overflow int8 (wrap-around is part of the test).
Tensor random_of(DType dtype, const Shape& shape, test::Rng& rng) {
  if (is_integer_kind(dtype)) {
    Tensor t = test::random_tensor(DType::Int32, shape, rng);
    auto* p = static_cast<std::int32_t*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) p[i] *= 37;
    return t.astype(dtype);
  }
  return test::random_tensor(compute_dtype_of(dtype), shape, rng).astype(dtype);
}

std::vector<Index> shape_of(std::string_view term, Index n) {
  return std::vector<Index>(term.size(), n);
}

// What ein promises: the reference computed in the compute dtype of the result (exact integer
// wrap-around; floats in long double), cast to the result dtype.
Tensor expected_result(std::string_view eq, const std::vector<Tensor>& ops, DType result,
                       DType acc) {
  std::vector<Tensor> wide;
  std::vector<TensorView> views;
  for (const Tensor& t : ops) wide.push_back(t.astype(compute_dtype_of(t.dtype())));
  for (const Tensor& t : wide) views.push_back(t.view());
  return reference_einsum(eq, views, is_inexact(acc) ? DType::Float64 : acc).astype(result);
}

// float16 / bfloat16 results: one rounding to the format at the end, plus float32 summation
// error (n terms of magnitude <= 1).
::testing::AssertionResult close_16bit(const Tensor& got, const Tensor& want, Index n) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "dtype or shape differs";
  }
  const double unit = got.dtype() == DType::Float16 ? std::ldexp(1.0, -10) : std::ldexp(1.0, -7);
  const double tiny = got.dtype() == DType::Float16 ? std::ldexp(1.0, -24) : 1e-38;
  const std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double tol = unit * std::fabs(w[i]) + 8 * n * std::ldexp(1.0, -23) + tiny;
    if (!(std::fabs(g[i] - w[i]) <= tol)) {
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << g[i] << ", want " << w[i] << " (tol " << tol << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

struct Case {
  std::string eq;
  std::vector<DType> dtypes;
};

TEST(StorageEinsum, MatchesTheReferenceInEveryDType) {
  constexpr std::uint64_t kSeed = 9031;
  test::Rng rng = test::make_rng(kSeed);
  const std::vector<std::string> equations = {
      "ij,jk->ik", "ijk,ikl->ijl", "ii->i",   "ij->",         "i,j->ij",
      "ij->ji",    "ij,ij->ij",    "ijk->kj", "ab,bc,cd->ad", "ii,i->",
  };
  std::vector<DType> dtypes(std::begin(kStorageDTypes), std::end(kStorageDTypes));
  for (const std::string& eq : equations) {
    for (DType d : dtypes) {
      for (DType other : {d, DType::Int8, DType::Float32, DType::Float16, DType::Int32}) {
        const auto arrow = eq.find("->");
        std::vector<std::string> terms;
        for (std::size_t s = 0, c; s < arrow; s = c + 1) {
          c = std::min(eq.find(',', s), arrow);
          terms.push_back(eq.substr(s, c - s));
        }
        std::vector<Tensor> ops;
        for (std::size_t k = 0; k < terms.size(); ++k) {
          ops.push_back(random_of(k == 0 ? d : other, shape_of(terms[k], 5), rng));
        }
        std::vector<TensorView> views(ops.begin(), ops.end());
        DType result = ops[0].dtype();
        for (const Tensor& t : ops) result = promote_types(result, t.dtype());
        const Tensor got = einsum(eq, views);
        const Tensor want = expected_result(eq, ops, result, compute_dtype_of(result));
        const std::string what = eq + " with " + std::string(dtype_name(d)) + " and " +
                                 std::string(dtype_name(other)) + " (seed " +
                                 std::to_string(kSeed) + ")";
        ASSERT_EQ(got.dtype(), result) << what;
        const Index n = expr::parse(eq,
                                    [&] {
                                      std::vector<Shape> shapes;
                                      for (const Tensor& t : ops) shapes.push_back(t.shape());
                                      return shapes;
                                    }())
                            .summation_length();
        if (result == DType::Float16 || result == DType::BFloat16) {
          ASSERT_TRUE(close_16bit(got, want, n)) << what;
        } else if (is_integer_kind(result) || result == DType::Bool) {
          ASSERT_TRUE(test::tensors_equal(got, want)) << what;
        } else {
          ASSERT_TRUE(test::tensors_close(got, want, n)) << what;
        }
      }
    }
  }
}

Tensor full_int8(Index n, std::int8_t v) {
  Tensor t = Tensor::empty(DType::Int8, {n});
  auto* p = static_cast<std::int8_t*>(t.data());
  for (Index i = 0; i < n; ++i) p[i] = v;
  return t;
}

TEST(StorageEinsum, Int8WrapsLikeNumPyUnlessAWiderAccumulatorIsAsked) {
  const Tensor x = full_int8(100, 100);
  // NumPy: np.einsum('i,i', x, x) is np.int8(64) (10^6 mod 256).
  const Tensor plain = einsum("i,i->", {x.view(), x.view()});
  EXPECT_EQ(plain.dtype(), DType::Int8);
  EXPECT_EQ(plain.at<int>({}), 64);

  EinsumOptions wide;
  wide.acc_dtype = DType::Int32;
  const Tensor acc_only = einsum("i,i->", {x.view(), x.view()}, wide);
  EXPECT_EQ(acc_only.dtype(), DType::Int8);  // the result keeps the operands' dtype
  EXPECT_EQ(acc_only.at<int>({}), 64);

  wide.dtype = DType::Int32;
  const Tensor exact = einsum("i,i->", {x.view(), x.view()}, wide);
  EXPECT_EQ(exact.dtype(), DType::Int32);
  EXPECT_EQ(exact.at<std::int64_t>({}), 1000000);

  wide.acc_dtype = DType::Float64;
  wide.dtype = DType::Int16;  // accumulate wide, store narrow: 10^6 mod 2^16 = 16960
  EXPECT_EQ(einsum("i,i->", {x.view(), x.view()}, wide).at<int>({}), 16960);

  // uint8 sums: 200 * 200 * 3 = 120000 wraps in uint8 (64) but not with an int32 accumulator.
  Tensor u = Tensor::empty(DType::UInt8, {3});
  for (int i = 0; i < 3; ++i) static_cast<std::uint8_t*>(u.data())[i] = 200;
  EXPECT_EQ(einsum("i,i->", {u.view(), u.view()}).at<int>({}), 120000 % 256);
  EinsumOptions o;
  o.acc_dtype = DType::Int64;
  o.dtype = DType::Int64;
  EXPECT_EQ(einsum("i,i->", {u.view(), u.view()}, o).at<std::int64_t>({}), 120000);
}

TEST(StorageEinsum, Float16AccumulatesInFloat32) {
  // 4096 ones: float16 cannot count past 2048 one at a time, float32 can; the result 4096 is a
  // float16 value.
  Tensor h = Tensor::ones(DType::Float32, {4096}).astype(DType::Float16);
  const Tensor s = einsum("i->", {h.view()});
  EXPECT_EQ(s.dtype(), DType::Float16);
  EXPECT_EQ(s.at<double>({}), 4096.0);
  EinsumOptions o;
  o.acc_dtype = DType::Float64;
  o.dtype = DType::Float32;
  const Tensor d = einsum("i,i->", {h.view(), h.view()}, o);
  EXPECT_EQ(d.dtype(), DType::Float32);
  EXPECT_EQ(d.at<double>({}), 4096.0);
  // Overflow of the float16 range is infinity, as NumPy gives.
  Tensor big = Tensor::ones(DType::Float32, {2}).astype(DType::Float16);
  Tensor scale = Tensor::ones(DType::Float32, {1});
  static_cast<float*>(scale.data())[0] = 60000.0F;
  const Tensor inf = einsum("i,j->", {big.view(), scale.astype(DType::Float16).view()});
  EXPECT_TRUE(std::isinf(inf.at<double>({})));
  // bfloat16 keeps float32's range.
  const Tensor bf =
      einsum("i,j->", {big.astype(DType::BFloat16).view(), scale.astype(DType::BFloat16).view()});
  EXPECT_EQ(bf.dtype(), DType::BFloat16);
  EXPECT_EQ(bf.at<double>({}), 119808.0);  // 60000 is 59904 in bfloat16; twice that is exact
}

TEST(StorageEinsum, OutExpressionAndSlicedRuns) {
  test::Rng rng = test::make_rng(77);
  const Tensor a = random_of(DType::Int8, {6, 7}, rng), b = random_of(DType::Int8, {7, 5}, rng);
  const Tensor want = expected_result("ij,jk->ik", {a, b}, DType::Int8, DType::Int32);
  // einsum_into: an int8 out, a strided one, and a wider one (the int8 result, cast).
  Tensor out = Tensor::zeros(DType::Int8, {6, 5});
  einsum_into("ij,jk->ik", std::vector<TensorView>{a.view(), b.view()}, out);
  EXPECT_TRUE(test::tensors_equal(out, want));
  Tensor wide = Tensor::zeros(DType::Int32, {5, 6});
  einsum_into("ij,jk->ik", std::vector<TensorView>{a.view(), b.view()}, wide.view().transpose());
  EXPECT_TRUE(test::tensors_equal(wide.permute({1, 0}).astype(DType::Int8), want));
  // Compiled expressions report and produce the storage dtype.
  const OperandSpec sa = OperandSpec::of(a), sb = OperandSpec::of(b);
  const Expression e = Expression::compile("ij,jk->ik", std::vector<OperandSpec>{sa, sb});
  EXPECT_EQ(e.output_dtype(), DType::Int8);
  EXPECT_TRUE(test::tensors_equal(e(std::vector<TensorView>{a.view(), b.view()}), want));
  // Plan files keep storage dtypes and acc_dtype.
  EinsumOptions acc;
  acc.acc_dtype = DType::Int64;
  acc.dtype = DType::Int16;
  const Expression saved = Expression::compile("ij,jk->ik", std::vector<OperandSpec>{sa, sb}, acc);
  const Expression loaded = Expression::deserialize(saved.serialize());
  EXPECT_EQ(loaded.output_dtype(), DType::Int16);
  EXPECT_TRUE(
      test::tensors_equal(loaded(std::vector<TensorView>{a.view(), b.view()}),
                          expected_result("ij,jk->ik", {a, b}, DType::Int16, DType::Int64)));
  // A memory limit small enough to slice the contraction.
  EinsumOptions tight;
  tight.memory_limit = 64;
  const Tensor c = random_of(DType::Float16, {5, 9}, rng),
               d = random_of(DType::Float16, {9, 4}, rng);
  const Tensor sliced = einsum("ij,jk->ik", {c.view(), d.view()}, tight);
  EXPECT_TRUE(
      close_16bit(sliced, expected_result("ij,jk->ik", {c, d}, DType::Float16, DType::Float32), 9));
  // Zero-size labels: zeros of the storage dtype.
  const Tensor z = einsum("ij,jk->ik", {Tensor::zeros(DType::Int16, {3, 0}).view(),
                                        Tensor::zeros(DType::Int16, {0, 2}).view()});
  EXPECT_EQ(z.dtype(), DType::Int16);
  EXPECT_EQ(z.to_vector<int>(), std::vector<int>(6, 0));
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::Internal, "no error");
}

TEST(StorageEinsum, BadAccumulatorsAreDTypeMismatches) {
  const Tensor i16 = Tensor::zeros(DType::Int16, {3});
  const Tensor f16 = Tensor::zeros(DType::Float16, {3});
  const Tensor i64 = Tensor::zeros(DType::Int64, {3});
  auto run = [](const Tensor& t, DType acc, std::optional<DType> dtype = {}) {
    EinsumOptions o;
    o.acc_dtype = acc;
    o.dtype = dtype;
    return error_of([&] { (void)einsum("i->", {t.view()}, o); });
  };
  // Too narrow for the operand.
  Error e = run(i16, DType::Bool);
  EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
  EXPECT_NE(std::string(e.what()).find("int16"), std::string::npos) << e.what();
  EXPECT_EQ(run(f16, DType::Int32).code(), ErrorCode::DTypeMismatch);
  EXPECT_EQ(run(i64, DType::Float32).code(), ErrorCode::DTypeMismatch);
  // Storage dtypes do not accumulate.
  e = run(f16, DType::Float16);
  EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
  EXPECT_NE(std::string(e.what()).find("storage"), std::string::npos) << e.what();
  EXPECT_EQ(run(i16, DType::Int16).code(), ErrorCode::DTypeMismatch);
  // Fine: wide enough; dtype narrower than the operands is allowed with an accumulator.
  EXPECT_EQ(run(i16, DType::Int32).code(), ErrorCode::Internal);
  EXPECT_EQ(run(f16, DType::Float64, DType::Int8).code(), ErrorCode::Internal);
  // Without acc_dtype, NumPy's safe-cast rule for dtype= still holds.
  EinsumOptions o;
  o.dtype = DType::Int8;
  EXPECT_EQ(error_of([&] { (void)einsum("i->", {i16.view()}, o); }).code(),
            ErrorCode::DTypeMismatch);
  // einsum_into: the result must cast safely into out.
  Tensor out = Tensor::zeros(DType::Int8, {});
  EXPECT_EQ(error_of([&] { einsum_into("i->", std::vector<TensorView>{i16.view()}, out); }).code(),
            ErrorCode::DTypeMismatch);
}

TEST(StorageDTypes, KernelsOutsideEinsumRefuseThemClearly) {
  const Error e = error_of([] { visit_dtype(DType::BFloat16, [](auto) {}); });
  EXPECT_EQ(e.code(), ErrorCode::DTypeMismatch);
  EXPECT_NE(std::string(e.what()).find("bfloat16"), std::string::npos);
}

TEST(StorageDTypes, NamesPromotionAndCasting) {
  for (DType t : kEveryDType) {
    EXPECT_EQ(dtype_from_name(dtype_name(t)), t) << dtype_name(t);
    EXPECT_EQ(promote_types(t, t), t);
    EXPECT_EQ(promote_types(DType::Bool, t), t);
    for (DType u : kEveryDType) {
      const DType p = promote_types(t, u);
      EXPECT_EQ(p, promote_types(u, t));
      EXPECT_TRUE(can_cast_safely(t, p) && can_cast_safely(u, p));
    }
  }
  EXPECT_EQ(itemsize(DType::Int8), 1U);
  EXPECT_EQ(itemsize(DType::BFloat16), 2U);
  // NumPy 2.4's np.promote_types.
  EXPECT_EQ(promote_types(DType::Int8, DType::UInt8), DType::Int16);
  EXPECT_EQ(promote_types(DType::Int16, DType::Float16), DType::Float32);
  EXPECT_EQ(promote_types(DType::Int8, DType::Float16), DType::Float16);
  EXPECT_EQ(promote_types(DType::UInt8, DType::Float16), DType::Float16);
  EXPECT_EQ(promote_types(DType::Int32, DType::Float16), DType::Float64);
  EXPECT_EQ(promote_types(DType::Float16, DType::Complex64), DType::Complex64);
  EXPECT_EQ(promote_types(DType::Int16, DType::Complex64), DType::Complex64);
  EXPECT_EQ(promote_types(DType::Int8, DType::Int32), DType::Int32);
  EXPECT_EQ(promote_types(DType::Int64, DType::Float32), DType::Float64);
  // bfloat16 as ml_dtypes registers it.
  EXPECT_EQ(promote_types(DType::BFloat16, DType::Int8), DType::BFloat16);
  EXPECT_EQ(promote_types(DType::BFloat16, DType::UInt8), DType::BFloat16);
  EXPECT_EQ(promote_types(DType::BFloat16, DType::Float16), DType::Float32);
  EXPECT_EQ(promote_types(DType::BFloat16, DType::Int16), DType::Float32);
  EXPECT_EQ(promote_types(DType::BFloat16, DType::Int32), DType::Float64);
  EXPECT_FALSE(can_cast_safely(DType::UInt8, DType::Int8));
  EXPECT_FALSE(can_cast_safely(DType::Int16, DType::Float16));
  EXPECT_TRUE(can_cast_safely(DType::Int8, DType::BFloat16));
  EXPECT_EQ(dtype_from_name("half"), DType::Float16);
  EXPECT_EQ(dtype_from_name("u1"), DType::UInt8);
}

}  // namespace
}  // namespace ein
