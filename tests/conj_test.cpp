// conj= per operand (issue 9): einsum of conjugated operands without materialised copies,
// against the loop-nest reference on explicitly conjugated copies.
#include <gtest/gtest.h>

#include <random>

#include "ein/ein.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

// A C-contiguous copy of `v` with every complex element conjugated (real dtypes: a plain copy).
Tensor conjugated_copy(const TensorView& v) {
  Tensor t = Tensor::empty(v.dtype(), v.shape());
  copy_into(v, t);
  visit_dtype(v.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_complex_v<T>) {
      T* p = static_cast<T*>(t.data());
      for (Index i = 0; i < t.numel(); ++i) p[i] = T(p[i].real(), -p[i].imag());
    }
  });
  return t;
}

TEST(Conj, CorpusMatchesReferenceOnConjugatedCopies) {
  test::CorpusOptions corpus;
  corpus.dtypes = {DType::Complex64, DType::Complex128, DType::Float64};
  for (std::uint64_t seed : test::corpus_seeds(1, 500)) {
    const test::EinsumCase c = test::random_einsum_case(seed, corpus);
    const std::vector<TensorView> views = c.views();
    std::mt19937_64 rng(seed);
    EinsumOptions options;
    std::vector<Tensor> copies;
    std::vector<TensorView> copy_views;
    for (const TensorView& v : views) {
      const bool flag = rng() % 2 == 0;
      options.conj.push_back(flag);
      copies.push_back(flag ? conjugated_copy(v) : Tensor::empty(v.dtype(), v.shape()));
      if (!flag) copy_into(v, copies.back());
      copy_views.emplace_back(copies.back());
    }
    const Tensor expected = test::reference_einsum(c.subscripts, copy_views);
    for (GemmRoute route : {GemmRoute::Auto, GemmRoute::DirectOnView, GemmRoute::PermuteThenGemm}) {
      options.gemm_route = route;
      const Tensor got = einsum(c.subscripts, views, options);
      EXPECT_TRUE(test::tensors_close(got, expected, c.summation_length()))
          << c.describe() << " route " << static_cast<int>(route);
    }
  }
}

TEST(Conj, BlasShapesAndNoCopies) {
  // Big enough for BLAS (gemm, gemv, dot) on both operand orders.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> nd;
  auto random = [&](Shape s) {
    Tensor t = Tensor::empty(DType::Complex128, std::move(s));
    auto* p = static_cast<std::complex<double>*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) p[i] = {nd(rng), nd(rng)};
    return t;
  };
  const Tensor a = random({64, 48}), b = random({48, 40}), x = random({48}), y = random({48});
  const struct {
    const char* eq;
    std::vector<TensorView> ops;
  } cases[] = {{"ik,kj->ij", {a, b}}, {"ik,kj->ji", {a, b}}, {"ik,k->i", {a, x}},
               {"k,ik->i", {x, a}},   {"k,k->", {x, y}},     {"ki,kj->ij", {b, b}}};
  for (const auto& k : cases) {
    for (int flags = 0; flags < 4; ++flags) {
      EinsumOptions options;
      options.conj = {(flags & 1) != 0, (flags & 2) != 0};
      std::vector<Tensor> copies;
      std::vector<TensorView> copy_views;
      for (std::size_t i = 0; i < 2; ++i) {
        copies.push_back(options.conj[i] ? conjugated_copy(k.ops[i])
                                         : conjugated_copy(conjugated_copy(k.ops[i])));
        copy_views.emplace_back(copies.back());
      }
      const Expression e = Expression::compile(
          k.eq, std::vector<OperandSpec>{OperandSpec::of(k.ops[0]), OperandSpec::of(k.ops[1])},
          options);
      EXPECT_EQ(e.workspace_bytes(), 0U) << k.eq << " flags " << flags << ": conj needs no copy";
      EXPECT_TRUE(test::tensors_close(e(k.ops), test::reference_einsum(k.eq, copy_views), 64))
          << k.eq << " flags " << flags;
    }
  }
}

TEST(Conj, SingleOperandAndRealOperands) {
  Tensor z = Tensor::empty(DType::Complex64, {2, 3});
  auto* p = static_cast<std::complex<float>*>(z.data());
  for (int i = 0; i < 6; ++i) p[i] = {static_cast<float>(i), static_cast<float>(10 + i)};
  EinsumOptions options;
  options.conj = {true};
  const Tensor t = einsum("ij->ji", {z}, options);
  const auto* q = static_cast<const std::complex<float>*>(t.data());
  EXPECT_EQ(q[1], std::complex<float>(3, -13));  // t[0][1] = conj(z[1][0])
  const Tensor s = einsum("ij->", {z}, options);
  EXPECT_EQ(*static_cast<const std::complex<float>*>(s.data()), std::complex<float>(15, -75));
  // Real operands: conj changes nothing.
  const Tensor r = Tensor::arange(6, DType::Float64).reshape({2, 3});
  EXPECT_TRUE(test::tensors_equal(einsum("ij->ji", {r}, options), einsum("ij->ji", {r})));
}

TEST(Conj, WrongNumberOfFlagsIsAnError) {
  const Tensor a = Tensor::zeros(DType::Complex64, {2, 2});
  EinsumOptions options;
  options.conj = {true};
  try {
    (void)einsum("ij,jk->ik", {a, a}, options);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("conj has 1 flags for 2 operands"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ein
