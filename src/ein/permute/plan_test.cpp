#include "ein/permute/plan.hpp"

#include <gtest/gtest.h>

namespace ein::permute {
namespace {

PermutePlan plan(Shape shape, Strides src, Strides dst) {
  return PermutePlan::make(shape, src, dst);
}

TEST(PermutePlan, ContiguousFoldsToOneRun) {
  const PermutePlan p = plan({4, 5, 6}, {30, 6, 1}, {30, 6, 1});
  EXPECT_EQ(p.kind, PermuteKind::Runs);
  EXPECT_EQ(p.outer_rank, 0);
  EXPECT_EQ(p.inner.extent, 120);
  EXPECT_EQ(p.inner.src_stride, 1);
  EXPECT_EQ(p.numel(), 120);
}

TEST(PermutePlan, TransposeFindsTileAxes) {
  // dst[i, j] = src[j, i] with src (5 x 4) contiguous.
  const PermutePlan p = plan({4, 5}, {1, 4}, {5, 1});
  EXPECT_EQ(p.kind, PermuteKind::Transpose);
  EXPECT_EQ(p.inner.extent, 5);
  EXPECT_EQ(p.inner.dst_stride, 1);
  EXPECT_EQ(p.rows.extent, 4);
  EXPECT_EQ(p.rows.src_stride, 1);
  EXPECT_EQ(p.to_string(), "Transpose outer=[] rows=(4: 1, 5) inner=(5: 4, 1)");
}

TEST(PermutePlan, FoldsPairsThatStayAdjacent) {
  // (a, b, c, d) -> (c, d, a, b): two folded groups swapped, a 2-D transpose.
  const PermutePlan p = plan({3, 4, 5, 6}, {4, 1, 72, 12}, {120, 30, 6, 1});
  EXPECT_EQ(p.kind, PermuteKind::Transpose);
  EXPECT_EQ(p.outer_rank, 0);
  EXPECT_EQ(p.rows.extent, 12);
  EXPECT_EQ(p.inner.extent, 30);
}

TEST(PermutePlan, DropsExtentOneAndFlipsReversedDestination) {
  const PermutePlan p = plan({1, 7}, {99, -1}, {5, -1});
  EXPECT_EQ(p.kind, PermuteKind::Runs);
  EXPECT_EQ(p.inner.extent, 7);
  EXPECT_EQ(p.inner.src_stride, 1);
  EXPECT_EQ(p.inner.dst_stride, 1);
  EXPECT_EQ(p.src_offset, -6);
  EXPECT_EQ(p.dst_offset, -6);
}

TEST(PermutePlan, ZeroStrideDestinationResolvesToLastIndex) {
  const PermutePlan p = plan({3, 4}, {4, 1}, {0, 1});
  EXPECT_EQ(p.kind, PermuteKind::Runs);
  EXPECT_EQ(p.src_offset, 8);
  EXPECT_EQ(p.numel(), 4);
}

TEST(PermutePlan, EmptyAndScalar) {
  EXPECT_EQ(plan({2, 0}, {1, 1}, {1, 1}).kind, PermuteKind::Empty);
  EXPECT_EQ(plan({2, 0}, {1, 1}, {1, 1}).numel(), 0);
  const PermutePlan s = plan({}, {}, {});
  EXPECT_EQ(s.kind, PermuteKind::Runs);
  EXPECT_EQ(s.numel(), 1);
}

TEST(PermutePlan, RanksMustAgree) {
  const Shape shape = {2, 3};
  const Strides one = {1};
  const Strides two = {3, 1};
  EXPECT_THROW(PermutePlan::make(shape, one, two), Error);
}

}  // namespace
}  // namespace ein::permute
