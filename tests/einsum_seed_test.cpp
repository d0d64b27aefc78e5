// Every einsum example of the reference notes, against the equivalent direct operation and the
// loop-nest reference.
#include <gtest/gtest.h>

#include "ein/einsum.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::reference_einsum;
using test::tensors_close;
using test::tensors_equal;

struct SeedCase {
  const char* subscripts;
  std::vector<Shape> shapes;
};

class SeedExamples : public ::testing::TestWithParam<SeedCase> {};

TEST_P(SeedExamples, MatchReferenceForEveryDType) {
  const SeedCase& c = GetParam();
  for (DType dt : {DType::Float32, DType::Float64, DType::Int64, DType::Complex128}) {
    auto rng = test::make_rng(42);
    std::vector<Tensor> ops;
    std::vector<TensorView> views;
    for (const auto& s : c.shapes) ops.push_back(test::random_tensor(dt, s, rng));
    for (const auto& t : ops) views.push_back(t.view());
    const Tensor got = einsum(c.subscripts, views);
    const Tensor want = reference_einsum(c.subscripts, views);
    Index summed = 1;
    for (const auto& s : c.shapes) {
      for (Index e : s) summed = std::max(summed, e);
    }
    EXPECT_TRUE(tensors_close(got, want, summed * summed))
        << c.subscripts << " dtype " << dtype_name(dt);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Notes, SeedExamples,
    ::testing::Values(
        SeedCase{"ij->ji", {{3, 4}}}, SeedCase{"ijk->kji", {{2, 3, 4}}},
        SeedCase{"ijk->jik", {{2, 3, 4}}}, SeedCase{"ii", {{4, 4}}}, SeedCase{"ij->", {{3, 4}}},
        SeedCase{"ij->i", {{3, 4}}}, SeedCase{"ij->j", {{3, 4}}},
        SeedCase{"ij,j->i", {{3, 4}, {4}}}, SeedCase{"ik,kj->ij", {{3, 5}, {5, 4}}},
        SeedCase{"ij,kj->ik", {{3, 4}, {5, 4}}}, SeedCase{"i,i->", {{7}, {7}}},
        SeedCase{"ij,ij->", {{3, 4}, {3, 4}}}, SeedCase{"i,j->ij", {{3}, {4}}},
        SeedCase{"i,j->ji", {{3}, {4}}}, SeedCase{"ij,ij->ij", {{3, 4}, {3, 4}}},
        SeedCase{"ij,ij->ji", {{3, 4}, {3, 4}}}, SeedCase{"ijk,ikl->ijl", {{2, 3, 4}, {2, 4, 5}}},
        SeedCase{"BNi,Bi->BN", {{2, 3, 4}, {2, 4}}},
        SeedCase{"ik,jkl,il->ij", {{2, 3}, {4, 3, 5}, {2, 5}}},
        SeedCase{"ik,jkl->ijl", {{2, 3}, {4, 3, 5}}}, SeedCase{"ijk,kl->ijl", {{2, 3, 4}, {4, 5}}},
        SeedCase{"ijkl->ikjl", {{2, 3, 4, 5}}},
        SeedCase{"ijkl,ijml->ijkm", {{2, 3, 4, 5}, {2, 3, 6, 5}}},
        SeedCase{"ijkl,ijlm->ikjm", {{2, 3, 4, 5}, {2, 3, 5, 6}}},
        SeedCase{"md,nd->mn", {{4, 8}, {5, 8}}},
        SeedCase{"b h i d, b h j d -> b h i j", {{2, 3, 4, 8}, {2, 3, 5, 8}}},
        SeedCase{"i->", {{6}}}, SeedCase{"i,j,k->ijk", {{2}, {3}, {4}}}));

// The same examples against the direct operation they stand for.
TEST(SeedExamples, EqualTheDirectOperation) {
  Tensor a = Tensor::arange(12, DType::Float64).reshape({3, 4});
  Tensor sq = Tensor::arange(16, DType::Int64).reshape({4, 4});
  EXPECT_TRUE(tensors_equal(einsum("ij->ji", {a}), a.transpose().copy()));
  EXPECT_TRUE(tensors_equal(einsum("ijk->kji", {a.reshape({3, 2, 2})}),
                            a.reshape({3, 2, 2}).permute({2, 1, 0}).copy()));
  EXPECT_EQ(einsum("ii", {sq}).item<std::int64_t>(), 0 + 5 + 10 + 15);
  EXPECT_EQ(einsum("ij->", {a}).item<double>(), 66.0);
  EXPECT_EQ(einsum("ij->i", {a}).to_vector<double>(), (std::vector<double>{6, 22, 38}));
  EXPECT_EQ(einsum("ij->j", {a}).to_vector<double>(), (std::vector<double>{12, 15, 18, 21}));
  Tensor v = Tensor::arange(4, DType::Float64);
  EXPECT_EQ(einsum("ij,j->i", {a, v}).to_vector<double>(), (std::vector<double>{14, 38, 62}));
  EXPECT_EQ(einsum("i,i->", {v, v}).item<double>(), 14.0);
  EXPECT_EQ(einsum("i,j->ij", {v, v}).at<double>({2, 3}), 6.0);
  EXPECT_EQ(einsum("i,j->ji", {v, Tensor::arange(3, DType::Float64)}).shape(), (Shape{3, 4}));
  Tensor m = Tensor::from_vector<std::int64_t>({1, 2, 3, 4}, {2, 2});
  Tensor n = Tensor::from_vector<std::int64_t>({5, 6, 7, 8}, {2, 2});
  EXPECT_EQ(einsum("ik,kj->ij", {m, n}).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{19, 22, 43, 50}));
  EXPECT_EQ(einsum("ij,ij->ij", {m, n}).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{5, 12, 21, 32}));
  EXPECT_EQ(einsum("ij,ij->ji", {m, n}).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{5, 21, 12, 32}));
  EXPECT_EQ(einsum("ij,ij->", {m, n}).item<std::int64_t>(), 70);
  EXPECT_EQ(einsum("i,j,k->ijk", {v, v, v}).at<double>({1, 2, 3}), 6.0);
}

}  // namespace
}  // namespace ein
