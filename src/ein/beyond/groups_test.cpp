// Groups in einsum_ext / einsum_named: input groups are the operand reshaped (split), output
// groups the result reshaped (merged), row-major; checked against the reference einsum on
// explicitly reshaped operands. Then every error a user can make, with its message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ein/beyond.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::random_tensor;
using test::reference_einsum;
using test::tensors_close;

TEST(EinsumGroups, OutputGroupsMergeRowMajor) {
  const Tensor a = random_tensor(DType::Float64, {2, 3}, 1);
  const Tensor b = random_tensor(DType::Float64, {2, 3, 2, 1, 3, 2, 2, 2}, 2);
  const Tensor got = einsum_ext("ab,abcdefgh->(cd)e(fgh)", {a, b});
  const Tensor expected = reference_einsum("ab,abcdefgh->cdefgh", {a, b}).reshape({2, 3, 8});
  EXPECT_TRUE(tensors_close(got, expected, 6));
  // The merged result is the engine's own buffer, reshaped: no copy, C-contiguous.
  EXPECT_TRUE(got.is_contiguous());
}

TEST(EinsumGroups, InputGroupsSplitWithSizesByName) {
  const Tensor a = random_tensor(DType::Float64, {6, 4}, 3);
  const Tensor b = random_tensor(DType::Float64, {4, 5}, 4);
  const Tensor expected = reference_einsum("ijk,kl->ijl", {a.reshape({2, 3, 4}), b});
  EXPECT_TRUE(tensors_close(einsum_ext("(ij)k,kl->ijl", {a, b}, {{"i", 2}}), expected, 4));
  EXPECT_TRUE(tensors_close(einsum_ext("(ij)k,kl->ijl", {a, b}, {{"j", 3}}), expected, 4));
  EXPECT_TRUE(
      tensors_close(einsum_ext("(ij)k,kl->ijl", {a, b}, {{"i", 2}, {"j", 3}}), expected, 4));
  // Named form, and a group that both splits and is merged again in another order.
  EXPECT_TRUE(tensors_close(einsum_named("(row col) k, k l -> row col l", {a, b}, {{"row", 2}}),
                            expected, 4));
  EXPECT_TRUE(tensors_close(
      einsum_ext("(ij)k,kl->(ji)l", {a, b}, {{"i", 2}}),
      reference_einsum("ijk,kl->jil", {a.reshape({2, 3, 4}), b}).contiguous().reshape({6, 5}), 4));
}

TEST(EinsumGroups, SizesInferredFromAnotherOperandOrGroup) {
  const Tensor a = random_tensor(DType::Float64, {6, 4}, 5);
  const Tensor j = random_tensor(DType::Float64, {3}, 6);
  // j's extent comes from operand 1, then i = 6 / 3.
  EXPECT_TRUE(tensors_close(einsum_ext("(ij)k,j->ik", {a, j}),
                            reference_einsum("ijk,j->ik", {a.reshape({2, 3, 4}), j}), 3));
  // One group settles the next: (ij) gives j from i, then (jk) gives k.
  const Tensor c = random_tensor(DType::Float64, {12}, 7);
  EXPECT_TRUE(tensors_close(einsum_ext("(ij),(jk)->ik", {a.reshape({24}), c}, {{"i", 4}}),
                            reference_einsum("ij,jk->ik", {a.reshape({4, 6}), c.reshape({6, 2})}),
                            6));
}

TEST(EinsumGroups, StridedAndNegativeStrideOperandsAreSplitAsViews) {
  const Tensor base = random_tensor(DType::Float32, {8, 6}, 8);
  const Tensor b = random_tensor(DType::Float32, {3}, 9);
  const Tensor rows = base.slice(1, 0, 6, 2);                         // (8, 3), strides (6, 2)
  const Tensor flipped = base.slice(0, 7, -9, -1).slice(1, 0, 6, 2);  // strides (-6, 2)
  for (const Tensor& x : {rows, flipped}) {
    EXPECT_TRUE(tensors_close(einsum_ext("(ab)c,c->ba", {x, b}, {{"a", 2}}),
                              reference_einsum("abc,c->ba", {x.contiguous().reshape({2, 4, 3}), b}),
                              3));
  }
}

TEST(EinsumGroups, EllipsisInAnOutputGroupAndUnitAxes) {
  const Tensor a = random_tensor(DType::Float64, {2, 3, 4}, 10);
  EXPECT_TRUE(tensors_close(einsum_ext("...i->(...)i", {a}), a.reshape({6, 4}), 1));
  EXPECT_TRUE(tensors_close(einsum_ext("...i->(i...)", {a}),
                            reference_einsum("...i->i...", {a}).contiguous().reshape({24}), 1));
  // "()" on the left is an axis of extent 1 that goes away; on the right it adds one.
  const Tensor u = random_tensor(DType::Float64, {3, 1}, 11);
  EXPECT_TRUE(tensors_close(einsum_ext("i()->()i()", {u}), u.reshape({1, 3, 1}), 1));
}

TEST(EinsumGroups, GroupsAndDiagonalEmbeddingTogether) {
  const Tensor m = Tensor::from_vector<double>({1, 2, 3, 4}, {4});
  EXPECT_TRUE(
      test::tensors_equal(einsum_ext("(ij)->jii", {m}, {{"i", 2}}),
                          Tensor::from_vector<double>({1, 0, 0, 3, 2, 0, 0, 4}, {2, 2, 2})));
  const Tensor a = random_tensor(DType::Float64, {2, 3}, 12);
  const Tensor v = random_tensor(DType::Float64, {2}, 13);
  EXPECT_TRUE(test::tensors_equal(einsum_ext("ik,j->(ik)jj", {a, v}),
                                  einsum_ext("ik,j->ikjj", {a, v}).reshape({6, 2, 2})));
}

// The message of the error `f` throws (and checks its code).
template <class F>
std::string error_of(F&& f, ErrorCode code) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

bool contains(const std::string& s, const std::string& part) {
  if (s.find(part) != std::string::npos) return true;
  ADD_FAILURE() << "\"" << s << "\" does not contain \"" << part << "\"";
  return false;
}

TEST(EinsumGroupsErrors, SizesAsEinopsReportsThem) {
  const Tensor a = Tensor::zeros(DType::Float64, {6, 4});
  const Tensor b = Tensor::zeros(DType::Float64, {4, 5});
  const auto ext = [&](const char* s, AxisSizes sizes) {
    return [=] { (void)einsum_ext(s, {a, b}, sizes); };
  };
  contains(error_of(ext("(ij)k,kl->ijl", {}), ErrorCode::InvalidArgument),
           "Could not infer sizes for {'i', 'j'}");
  contains(error_of(ext("(ij)k,kl->ijl", {{"i", 4}}), ErrorCode::ShapeMismatch),
           "Shape mismatch, can't divide axis of length 6 in chunks of 4 (operand 0, axis 0)");
  contains(error_of(ext("(ij)k,kl->ijl", {{"i", 2}, {"j", 2}}), ErrorCode::ShapeMismatch),
           "Shape mismatch, 6 != 4 (operand 0, axis 0)");
  contains(error_of(ext("(ij)k,kl->ijl", {{"q", 2}}), ErrorCode::InvalidArgument),
           "Axis q is not used in transform");
  contains(error_of(ext("(ij)k,kl->ijl", {{"i", 2}, {"i", 2}}), ErrorCode::InvalidArgument),
           "Size of axis i given twice");
  contains(error_of(ext("(ij)k,kl->ijl", {{"i", -2}}), ErrorCode::InvalidArgument),
           "Size of axis i must be non-negative, got -2");
  contains(error_of(ext("(ij)k,kl->ijl", {{"ij", 2}}), ErrorCode::InvalidArgument),
           "Invalid name for an axis: 'ij'");
  contains(error_of(ext("(ij)k,kl->ijl", {{"k", 5}, {"i", 2}}), ErrorCode::ShapeMismatch),
           "Shape mismatch, 4 != 5 (the size given for 'k') (operand 0, axis 1)");
  // A label's extent on an axis of its own counts as known for groups.
  contains(error_of(ext("(ij)k,jl->ik", {{"i", 3}}), ErrorCode::ShapeMismatch),
           "Shape mismatch, 6 != 12 (operand 0, axis 0)");
  // A size inferred from one group must fit the next.
  contains(error_of(
               [&] {
                 (void)einsum_ext("(ij)k,(jl)->ik", {a, b.reshape({20})}, {{"i", 3}, {"l", 4}});
               },
               ErrorCode::ShapeMismatch),
           "Shape mismatch, 20 != 8 (operand 1, axis 0)");
}

TEST(EinsumGroupsErrors, GrammarWithACaret) {
  const Tensor a = Tensor::zeros(DType::Float64, {6, 4});
  const auto one = [&](const char* s) { return [=] { (void)einsum_ext(s, {a}, {{"i", 2}}); }; };
  const std::string dup = error_of(one("(ij)i->j"), ErrorCode::ParseError);
  contains(dup, "Indexing expression contains duplicate dimension \"i\"");
  // The caret sits under the 'i' in the group (text position 1).
  const std::size_t text = dup.find("\"(ij)i->j\"") + 1;
  EXPECT_EQ(dup.substr(dup.find('\n') + 1), std::string(text + 1, ' ') + "^") << dup;
  contains(error_of(one("i->i(i)"), ErrorCode::ParseError), "duplicate dimension \"i\"");
  contains(error_of(one("((ij))k->k"), ErrorCode::ParseError), "Axis composition is one-level");
  contains(error_of(one("(ij)k)->k"), ErrorCode::ParseError), "Brackets are not balanced");
  contains(error_of(one("(ij,k->k"), ErrorCode::ParseError), "Imbalanced parentheses");
  contains(error_of(one("(ij)k->(k"), ErrorCode::ParseError), "Imbalanced parentheses");
  contains(error_of(one("(...)->..."), ErrorCode::ParseError),
           "Ellipsis inside parenthesis in the left side is not allowed");
  contains(error_of(one("(ij)k->(kk)"), ErrorCode::ParseError), "duplicate dimension \"k\"");
  contains(error_of(one("(ij)k->ijq"), ErrorCode::ParseError),
           "output label 'q' does not appear in any input term");
  contains(error_of(one("(ij)kl->k"), ErrorCode::ShapeMismatch),
           "operand 0 has 2 dimensions but its term names 3 axes");
  contains(error_of(one("(ij)k,k->k"), ErrorCode::InvalidArgument),
           "the subscripts have 2 input terms but 1 operand was given");
  contains(error_of(one("(i1)k->k"), ErrorCode::ParseError), "invalid subscript '1'");
}

TEST(EinsumGroupsErrors, NamedGrammar) {
  const Tensor a = Tensor::zeros(DType::Float64, {6, 4});
  const auto named = [&](const char* s) { return [=] { (void)einsum_named(s, {a}); }; };
  contains(error_of(named("a b"), ErrorCode::ParseError), "Einsum pattern must contain '->'");
  contains(error_of(named("a 4 -> a"), ErrorCode::ParseError), "anonymous axis 4");
  contains(error_of(named("a _b -> a"), ErrorCode::ParseError), "Invalid axis identifier: _b");
  contains(error_of(named("a b -> a; b"), ErrorCode::ParseError), "invalid character ';'");
  contains(error_of(named("a b -> c"), ErrorCode::ParseError),
           "output label 'c' does not appear in any input term");
  contains(error_of(named("a a -> a"), ErrorCode::ShapeMismatch),
           "label 'a' repeats in operand 0 with different extents");
  contains(error_of(
               [&] {
                 (void)einsum_named("(x y) b -> x b", {a}, {{"x_", 2}});
               },
               ErrorCode::InvalidArgument),
           "Invalid name for an axis: 'x_'");
}

TEST(EinsumGroupsErrors, OperandWithoutData) {
  const TensorView none;
  EXPECT_THROW((void)einsum_ext("->", {none}), Error);
}

}  // namespace
}  // namespace ein
