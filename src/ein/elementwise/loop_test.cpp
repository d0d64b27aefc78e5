#include "ein/elementwise/loop.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace ein::elementwise {
namespace {

TEST(LoopPlan, ContiguousOperandsCollapseToOneAxis) {
  const Shape shape = {2, 3, 4};
  const Strides c = contiguous_strides(shape);
  const std::array<const Strides*, 2> s = {&c, &c};
  const LoopPlan p = plan_loop(shape, s);
  EXPECT_EQ(p.shape, (Shape{24}));
  EXPECT_EQ(p.strides[0], (Strides{1}));
  EXPECT_EQ(p.rows(), 1);
}

TEST(LoopPlan, BroadcastAndTransposedAxesStaySeparate) {
  const Shape shape = {2, 1, 3, 4};
  const Strides out = contiguous_strides(shape);
  const Strides bcast = {0, 5, 4, 1};  // axis 0 broadcast, axis 1 extent 1 with any stride
  const Strides trans = {1, 0, 2, 6};  // last two axes transposed
  const std::array<const Strides*, 3> s = {&out, &bcast, &trans};
  const LoopPlan p = plan_loop(shape, s);
  EXPECT_EQ(p.shape, (Shape{2, 3, 4}));
  EXPECT_EQ(p.strides[1], (Strides{0, 4, 1}));
  EXPECT_EQ(p.strides[2], (Strides{1, 2, 6}));
  EXPECT_EQ(p.rows(), 6);
}

TEST(LoopPlan, EmptyAndScalarShapes) {
  const Shape empty = {3, 0, 2};
  const Strides es = contiguous_strides(empty);
  const std::array<const Strides*, 1> s1 = {&es};
  EXPECT_EQ(plan_loop(empty, s1).rows(), 0);
  const Shape scalar = {};
  const Strides ss = {};
  const std::array<const Strides*, 1> s2 = {&ss};
  const LoopPlan p = plan_loop(scalar, s2);
  EXPECT_EQ(p.rows(), 1);
  EXPECT_EQ(p.inner(), 1);
}

TEST(LoopPlan, ForEachRowVisitsEveryElementOnce) {
  // A reversed (negative stride) 3x4 view read into a contiguous output.
  std::vector<int> src(12);
  for (int i = 0; i < 12; ++i) src[static_cast<std::size_t>(i)] = i;
  const Shape shape = {3, 4};
  const Strides out = contiguous_strides(shape);
  const Strides rev = {-4, -1};
  const std::array<const Strides*, 2> s = {&out, &rev};
  const LoopPlan p = plan_loop(shape, s);
  std::vector<int> dst(12, -1);
  for_each_row(p,
               {reinterpret_cast<std::byte*>(dst.data()),
                reinterpret_cast<std::byte*>(src.data() + 11), nullptr},
               {4, 4, 0},
               [](const std::array<std::byte*, 3>& ptr, const std::array<Index, 3>& st, Index n) {
                 int* o = reinterpret_cast<int*>(ptr[0]);
                 const int* x = reinterpret_cast<const int*>(ptr[1]);
                 for (Index i = 0; i < n; ++i) o[i] = x[i * st[1]];
               });
  for (int i = 0; i < 12; ++i) EXPECT_EQ(dst[static_cast<std::size_t>(i)], 11 - i);
}

TEST(LoopPlan, RangesSplitAnywhereCoverEachElementOnce) {
  // A transposed 5x7 source: rows of the plan are 7 long; ranges start and end mid-row.
  std::vector<int> src(35);
  for (int i = 0; i < 35; ++i) src[static_cast<std::size_t>(i)] = i;
  const Shape shape = {5, 7};
  const Strides out = contiguous_strides(shape);
  const Strides tr = {1, 5};
  const std::array<const Strides*, 2> s = {&out, &tr};
  const LoopPlan p = plan_loop(shape, s);
  for (Index cut1 : {0, 3, 7, 10}) {
    for (Index cut2 : {10, 11, 21, 35}) {
      std::vector<int> dst(35, -1);
      for (auto [b, e] : {std::pair<Index, Index>{0, cut1}, {cut1, cut2}, {cut2, 35}}) {
        for_each_in_range(
            p,
            {reinterpret_cast<std::byte*>(dst.data()), reinterpret_cast<std::byte*>(src.data()),
             nullptr},
            {4, 4, 0}, b, e,
            [](const std::array<std::byte*, 3>& ptr, const std::array<Index, 3>& st, Index n) {
              int* o = reinterpret_cast<int*>(ptr[0]);
              const int* x = reinterpret_cast<const int*>(ptr[1]);
              for (Index i = 0; i < n; ++i) o[i] = x[i * st[1]];
            });
      }
      for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 7; ++j) {
          ASSERT_EQ(dst[static_cast<std::size_t>(i * 7 + j)], j * 5 + i)
              << "cuts " << cut1 << ", " << cut2;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ein::elementwise
