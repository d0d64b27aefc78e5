// einsum_ext / einsum_named / einsum_sublists against the loop-nest reference: every einsum NumPy
// accepts gives the same result in the three spellings, and the diagonal embedding and labels past
// 52 are checked element by element.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "ein/beyond.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::corpus_seeds;
using test::matches_reference;
using test::random_einsum_case;
using test::random_tensor;

// The corpus's letters as names ("ij,jk" -> "Li Lj, Lj Lk") and as sublist ints past 52 that keep
// the letters' ASCII order (NumPy's implicit output order).
std::string named_form(const std::string& subscripts) {
  std::string out;
  for (std::size_t i = 0; i < subscripts.size(); ++i) {
    const char c = subscripts[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += " L";
      out += c;
    } else if (c != ' ') {
      out += ' ';
      out += c;
      if (c == '-' || c == '.') {
        const std::size_t n = c == '-' ? 1 : 2;
        out += subscripts.substr(i + 1, n);
        i += n;
      }
    }
  }
  return out;
}

int sublist_label(char c) { return 1000 + 7 * static_cast<int>(c); }

void sublist_form(const std::string& subscripts, std::vector<std::vector<int>>& inputs,
                  std::optional<std::vector<int>>& output) {
  std::vector<int> term;
  bool in_output = false;
  for (std::size_t i = 0; i < subscripts.size(); ++i) {
    const char c = subscripts[i];
    if (c == ',' || c == '-') {
      inputs.push_back(term);
      term.clear();
      if (c == '-') ++i, in_output = true;
    } else if (c == '.') {
      term.push_back(kSublistEllipsis);
      i += 2;
    } else if (c != ' ') {
      term.push_back(sublist_label(c));
    }
  }
  if (in_output) {
    output = term;
  } else {
    inputs.push_back(term);
  }
}

TEST(EinsumExt, AgreesWithTheReferenceOnNumPysGrammarInAllThreeSpellings) {
  for (std::uint64_t seed : corpus_seeds(9001, 400)) {
    const auto c = random_einsum_case(seed);
    const std::vector<TensorView> views = c.views();
    EXPECT_TRUE(matches_reference(c, einsum_ext(c.subscripts, views)));
    const std::string named = named_form(c.subscripts);
    if (c.subscripts.find("->") != std::string::npos) {
      EXPECT_TRUE(matches_reference(c, einsum_named(named, views))) << named;
    }
    std::vector<std::vector<int>> inputs;
    std::optional<std::vector<int>> output;
    sublist_form(c.subscripts, inputs, output);
    EXPECT_TRUE(matches_reference(c, einsum_sublists(inputs, output, views)));
  }
}

// Checks out[idx] == core[idx with each label once] where the positions of every label agree,
// else 0. `labels` gives, per axis of out, the axis of core it indexes.
void expect_embedding(const Tensor& out, const Tensor& core, const std::vector<int>& labels) {
  ASSERT_EQ(static_cast<std::size_t>(out.rank()), labels.size());
  ASSERT_EQ(out.dtype(), core.dtype());
  std::vector<Index> idx(labels.size(), 0);
  Index checked = 0;
  for (Index n = 0; n < out.numel(); ++n, ++checked) {
    std::vector<Index> at(static_cast<std::size_t>(core.rank()), -1);
    bool diagonal = true;
    for (std::size_t ax = 0; ax < labels.size(); ++ax) {
      Index& slot = at[static_cast<std::size_t>(labels[ax])];
      if (slot >= 0 && slot != idx[ax]) diagonal = false;
      slot = idx[ax];
    }
    const double expected = diagonal ? core.at<double>(at) : 0.0;
    ASSERT_EQ(out.at<double>(idx), expected) << "at flat index " << n;
    for (int ax = out.rank() - 1; ax >= 0; --ax) {
      if (++idx[static_cast<std::size_t>(ax)] < out.shape()[ax]) break;
      idx[static_cast<std::size_t>(ax)] = 0;
    }
  }
  EXPECT_EQ(checked, out.numel());
}

TEST(EinsumExtDiagonal, VectorOnTheDiagonalByHand) {
  const Tensor v = Tensor::from_vector<double>({1, 2, 3}, {3});
  const Tensor d = einsum_ext("i->ii", {v});
  EXPECT_EQ(d.shape(), (Shape{3, 3}));
  EXPECT_EQ(d.to_vector<double>(), (std::vector<double>{1, 0, 0, 0, 2, 0, 0, 0, 3}));
  // Three times: a cube with v on its main diagonal.
  const Tensor c = einsum_ext("i->iii", {v});
  EXPECT_EQ(c.at<double>({1, 1, 1}), 2.0);
  EXPECT_EQ(c.at<double>({1, 1, 2}), 0.0);
}

TEST(EinsumExtDiagonal, AgainstTheReferenceEinsumOfTheDistinctLabels) {
  struct Case {
    const char* ext;
    const char* distinct;
    std::vector<Shape> shapes;
    std::vector<int> labels;  // per output axis: axis of the distinct result
  };
  const std::vector<Case> cases = {
      {"...i->...ii", "...i->...i", {{2, 3, 4}}, {0, 1, 2, 2}},
      {"ij->iij", "ij->ij", {{3, 4}}, {0, 0, 1}},
      {"ij->jii", "ij->ji", {{3, 4}}, {0, 1, 1}},
      {"ij->ijij", "ij->ij", {{2, 3}}, {0, 1, 0, 1}},
      {"ij,jk->iik", "ij,jk->ik", {{3, 4}, {4, 5}}, {0, 0, 1}},
      {"bij,bjk->bikik", "bij,bjk->bik", {{2, 3, 4}, {2, 4, 3}}, {0, 1, 2, 1, 2}},
      {"ii->ii", "ii->i", {{4, 4}}, {0, 0}},
      {"i,i->ii", "i,i->i", {{5}, {5}}, {0, 0}},
      {"ij,ij->jiij", "ij,ij->ji", {{0, 3}, {0, 3}}, {0, 1, 1, 0}},
  };
  std::uint64_t seed = 77;
  for (const Case& c : cases) {
    std::vector<Tensor> ops;
    for (const Shape& s : c.shapes) ops.push_back(random_tensor(DType::Float64, s, seed++));
    const std::vector<TensorView> views(ops.begin(), ops.end());
    const Tensor core = test::reference_einsum(c.distinct, views);
    const Tensor out = einsum_ext(c.ext, views);
    // The engine may sum in another order than the reference: compare the distinct part with a
    // tolerance first, then the placement exactly against the engine's own distinct result.
    EXPECT_TRUE(test::tensors_close(einsum(c.distinct, views), core, 8)) << c.ext;
    SCOPED_TRACE(c.ext);
    expect_embedding(out, einsum(c.distinct, views), c.labels);
  }
}

TEST(EinsumExtDiagonal, KeepsTheDTypeAndTheDTypeOption) {
  const Tensor v = Tensor::from_vector<std::int32_t>({4, 5}, {2});
  const Tensor d = einsum_ext("i->ii", {v});
  EXPECT_EQ(d.dtype(), DType::Int32);
  EXPECT_EQ(d.to_vector<std::int64_t>(), (std::vector<std::int64_t>{4, 0, 0, 5}));
  EinsumOptions o;
  o.dtype = DType::Complex128;
  const Tensor z = einsum_ext("i->ii", {v}, {}, o);
  EXPECT_EQ(z.dtype(), DType::Complex128);
  EXPECT_EQ(z.to_vector<double>(), (std::vector<double>{4, 0, 0, 5}));
}

// 60 distinct labels: operand 0 has them all, operand 1 too; extents 2 on four labels, 1 on the
// rest. The result keeps labels 0 and 59: it equals "aXb,aXb->ab" on the arrays reshaped to
// (2, 4, 2), which the reference can run.
TEST(EinsumBeyond52, SixtyLabelsAgainstTheReferenceOnReshapedOperands) {
  constexpr int kLabels = 60;
  Shape shape(kLabels, 1);
  for (int l : {0, 17, 40, 59}) shape[static_cast<std::size_t>(l)] = 2;
  const Tensor a = random_tensor(DType::Float64, shape, 5);
  const Tensor b = random_tensor(DType::Float64, shape, 6);
  const Tensor expected =
      test::reference_einsum("aXb,aXb->ab", {a.reshape({2, 4, 2}), b.reshape({2, 4, 2})});

  std::vector<int> all(kLabels);
  for (int l = 0; l < kLabels; ++l) all[static_cast<std::size_t>(l)] = 1000 * l;
  const std::vector<std::vector<int>> inputs = {all, all};
  const std::vector<TensorView> views = {a, b};
  const Tensor s = einsum_sublists(inputs, std::vector<int>{0, 59000}, views);
  EXPECT_TRUE(test::tensors_close(s, expected, 4));

  std::string term;
  for (int l = 0; l < kLabels; ++l) term += " axis" + std::to_string(l);
  const Tensor n = einsum_named(term + "," + term + "-> axis0 axis59", views);
  EXPECT_TRUE(test::tensors_close(n, expected, 4));

  // Implicit mode over ints past 52: every label appears twice, so everything is summed.
  const Tensor total = einsum_sublists(inputs, std::nullopt, views);
  EXPECT_EQ(total.rank(), 0);
  EXPECT_TRUE(test::tensors_close(
      total, test::reference_einsum("aXb,aXb->", {a.reshape({2, 4, 2}), b.reshape({2, 4, 2})}),
      16));
}

TEST(EinsumBeyond52, ImplicitSublistOutputFollowsIntOrder) {
  const Tensor a = random_tensor(DType::Float64, {2, 3}, 8);
  const std::vector<std::vector<int>> inputs = {{900, 70}};
  const std::vector<TensorView> views = {a};
  const Tensor t = einsum_sublists(inputs, std::nullopt, views);  // 70 before 900: a transpose
  EXPECT_TRUE(test::tensors_equal(t, test::reference_einsum("ba->ab", views)));
}

TEST(EinsumBeyond52, NamedAttentionScores) {
  const Tensor q = random_tensor(DType::Float32, {2, 3, 4, 5}, 10);
  const Tensor k = random_tensor(DType::Float32, {2, 3, 6, 5}, 11);
  const Tensor s = einsum_named("batch head i d, batch head j d -> batch head i j", {q, k});
  EXPECT_TRUE(test::tensors_close(s, test::reference_einsum("bhid,bhjd->bhij", {q, k}), 5));
}

TEST(EinsumBeyond52, SublistErrors) {
  const Tensor a = Tensor::zeros(DType::Float64, {2, 2});
  const std::vector<TensorView> views = {a};
  auto message = [&](std::vector<std::vector<int>> in, std::optional<std::vector<int>> out) {
    try {
      (void)einsum_sublists(in, out, views);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{0, -2}}, std::nullopt).find("sublist label -2 at position 1 of operand 0"),
            std::string::npos);
  EXPECT_NE(message({{-1, 0, -1}}, std::nullopt).find("ellipsis (-1) appears twice"),
            std::string::npos);
  EXPECT_NE(message({{100, 200}}, std::vector<int>{300}).find("'300' does not appear"),
            std::string::npos);
  EXPECT_NE(message({{100}}, std::nullopt).find("has 2 dimensions but its term names 1 axis"),
            std::string::npos);
}

}  // namespace
}  // namespace ein
