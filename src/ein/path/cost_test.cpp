// The cost model, path validation and path evaluation, against hand-computed values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ein/error.hpp"
#include "ein/path/path.hpp"

namespace ein::path {
namespace {

// ij,jk,kl->il with A 10x100, B 100x5, C 5x50 (labels i=0 j=1 k=2 l=3).
PathProblem chain() { return {{{0, 1}, {1, 2}, {2, 3}}, {0, 3}, {10, 100, 5, 50}, std::nullopt}; }

TEST(FlopCount, MatchesOptEinsumDocExamples) {
  const std::vector<Index> extents = {2, 3, 5};
  const std::vector<int> abc = {0, 1, 2};
  EXPECT_EQ(flop_count(abc, false, 1, extents), 30);
  EXPECT_EQ(flop_count(abc, true, 2, extents), 60);
  EXPECT_EQ(flop_count(abc, false, 4, extents), 90);  // max(1, 4-1) = 3
  EXPECT_EQ(flop_count(abc, true, 4, extents), 120);
  EXPECT_EQ(flop_count({}, false, 2, extents), 1);  // a scalar product
}

TEST(EvaluatePath, ChainCostsByHand) {
  // AB first: 10*100*5 * 2 (sums j) = 10,000; then (10x5)(5x50): 10*5*50 * 2 = 5,000.
  const PathCost ab = evaluate_path(chain(), {{0, 1}, {0, 1}});
  EXPECT_EQ(ab.flops, 15000);
  // Naive: all 4 labels, 3 terms, shared labels: 10*100*5*50 * (2 + 1) = 750,000 (NumPy too).
  EXPECT_EQ(ab.naive_flops, 750000);
  EXPECT_EQ(ab.largest_intermediate, 500);  // the 10x50 output; AB is 10x5
  ASSERT_EQ(ab.steps.size(), 2u);
  EXPECT_EQ(ab.steps[0].involved, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ab.steps[0].result, (std::vector<int>{0, 2}));
  EXPECT_EQ(ab.steps[0].removed, (std::vector<int>{1}));
  EXPECT_EQ(ab.steps[1].result, (std::vector<int>{0, 3}));
  EXPECT_FALSE(ab.rest_at_once);
  // BC first (positions 1, 2): 100*5*50*2 = 50,000; then A with (100x50): 10*100*50*2 = 100,000.
  EXPECT_EQ(evaluate_path(chain(), {{1, 2}, {0, 1}}).flops, 150000);
  // Order inside a pair does not matter.
  EXPECT_EQ(evaluate_path(chain(), {{2, 1}, {1, 0}}).flops, 150000);
}

TEST(EvaluatePath, OuterProductHasNoInnerFactor) {
  // i,j->ij: one step of 3*4 with nothing summed.
  const PathProblem p{{{0}, {1}}, {0, 1}, {3, 4}, std::nullopt};
  const PathCost c = evaluate_path(p, {{0, 1}});
  EXPECT_EQ(c.flops, 12);
  EXPECT_EQ(c.naive_flops, 12);  // no label shared between inputs
}

TEST(EvaluatePath, BatchLabelIsKept) {
  // bij,bjk->bik: b kept, j summed.
  const PathProblem p{{{0, 1, 2}, {0, 2, 3}}, {0, 1, 3}, {2, 3, 4, 5}, std::nullopt};
  const PathCost c = evaluate_path(p, {{0, 1}});
  EXPECT_EQ(c.flops, 2 * 3 * 4 * 5 * 2);
  EXPECT_EQ(c.steps[0].result, (std::vector<int>{0, 1, 3}));
}

TEST(EvaluatePath, PartialPathEndsWithAnNaryStep) {
  // Four matrices in a ring-free chain; after one pair, three operands are left.
  const PathProblem p{{{0, 1}, {1, 2}, {2, 3}, {3, 4}}, {0, 4}, {2, 3, 4, 5, 6}, 100.0};
  const PathCost c = evaluate_path(p, {{0, 1}});
  ASSERT_EQ(c.steps.size(), 2u);
  EXPECT_TRUE(c.rest_at_once);
  EXPECT_EQ(c.steps[1].operands, (std::vector<int>{0, 1, 2}));
  // Labels i k l m (0 2 3 4) with 3 terms, summing: 2*4*5*6 * (2 + 1).
  EXPECT_EQ(c.steps[1].flops, 2 * 4 * 5 * 6 * 3);
  EXPECT_EQ(c.flops, 2 * 3 * 4 * 2 + 2 * 4 * 5 * 6 * 3);
  EXPECT_TRUE(c.within_memory_limit);  // results: 2x4 and 2x6

  const PathCost all = evaluate_path(p, {});
  ASSERT_EQ(all.steps.size(), 1u);
  EXPECT_EQ(all.steps[0].flops, 2 * 3 * 4 * 5 * 6 * 4);  // 4 terms: 3 + 1
}

TEST(EvaluatePath, SingleOperandIsOneStep) {
  const PathProblem transpose{{{0, 1}}, {1, 0}, {3, 4}, std::nullopt};
  const PathCost t = evaluate_path(transpose, {});
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_EQ(t.flops, 12);
  EXPECT_FALSE(t.rest_at_once);
  const PathProblem sum{{{0, 1}}, {0}, {3, 4}, std::nullopt};
  EXPECT_EQ(evaluate_path(sum, {}).flops, 24);
}

TEST(EvaluatePath, ReportsMemoryLimit) {
  PathProblem p = chain();
  p.memory_limit = 400;  // the 10x50 output does not fit
  EXPECT_FALSE(evaluate_path(p, {{0, 1}, {0, 1}}).within_memory_limit);
  p.memory_limit = 500;
  EXPECT_TRUE(evaluate_path(p, {{0, 1}, {0, 1}}).within_memory_limit);
  EXPECT_FALSE(evaluate_path(p, {{1, 2}, {0, 1}}).within_memory_limit);  // BC is 100x50
}

TEST(EvaluatePath, ZeroExtentCostsNothing) {
  const PathProblem p{{{0, 1}, {1, 2}}, {0, 2}, {3, 0, 4}, std::nullopt};
  EXPECT_EQ(evaluate_path(p, {{0, 1}}).flops, 0);
}

TEST(EvaluatePath, RejectsMalformedProblems) {
  const PathProblem repeated{{{0, 0}}, {}, {3}, std::nullopt};
  try {
    (void)evaluate_path(repeated, {});
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal);
    EXPECT_NE(std::string(e.what()).find("repeats label id 0"), std::string::npos) << e.what();
  }
  const PathProblem out_of_range{{{0, 5}}, {}, {3}, std::nullopt};
  EXPECT_THROW((void)evaluate_path(out_of_range, {}), Error);
  const PathProblem empty{{}, {}, {}, std::nullopt};
  EXPECT_THROW((void)evaluate_path(empty, {}), Error);
}

// Expects validate_path to throw InvalidArgument with `needle` in the message.
void expect_invalid(const ContractionPath& path, int n, const std::string& needle) {
  try {
    validate_path(path, n);
    FAIL() << "expected Error containing '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ValidatePath, AcceptsCompletePaths) {
  EXPECT_NO_THROW(validate_path({{0, 1}, {0, 1}}, 3));
  EXPECT_NO_THROW(validate_path({{2, 0}, {1, 0}}, 3));
  EXPECT_NO_THROW(validate_path({}, 1));
  EXPECT_NO_THROW(validate_path({{0, 1}}, 3, /*allow_partial=*/true));
  EXPECT_NO_THROW(validate_path({}, 5, /*allow_partial=*/true));
}

TEST(ValidatePath, NamesTheBadStep) {
  expect_invalid({{0, 1}, {0, 3}}, 4, "step 1 (0, 3): position 3 is out of range; expected 0..2");
  expect_invalid({{-1, 1}}, 2, "step 0 (-1, 1): position -1 is out of range");
  expect_invalid({{0, 1}, {1, 1}}, 3, "step 1 (1, 1): names position 1 twice");
  expect_invalid({{0, 1}}, 3, "has 1 steps and leaves 2 operands; a complete path for 3");
  expect_invalid({{0, 1}, {0, 1}}, 2, "step 1 (0, 1): only one operand is left");
  expect_invalid({}, 2, "leaves 2 operands");
  expect_invalid({}, 0, "at least one operand");
}

}  // namespace
}  // namespace ein::path
