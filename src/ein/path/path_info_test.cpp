// make_path_info and PathInfo::to_string against NumPy's einsum_path report.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/path/path.hpp"

namespace ein::path {
namespace {

const std::vector<char> kChars = {'a', 'b', 'c', 'd', 'e', 'f'};

TEST(PathInfo, MatchesNumpyReportForOptimalPath) {
  // numpy.einsum_path('abc,cd,de,ef->abf', ..., optimize='optimal') with a=3 b=4 c=5 d=6 e=7
  // f=8 prints this, except that NumPy adds 1 to the optimized count (1.941e+03, speedup
  // 41.546); ein follows opt_einsum: 1,940 and 80,640 / 1,940 = 41.567.
  const PathProblem p{
      {{0, 1, 2}, {2, 3}, {3, 4}, {4, 5}}, {0, 1, 5}, {3, 4, 5, 6, 7, 8}, std::nullopt};
  const PathInfo info = make_path_info(p, {{1, 2}, {1, 2}, {0, 1}}, kChars);
  const std::string expected =
      "  Complete contraction:  abc,cd,de,ef->abf\n"
      "         Naive scaling:  6\n"
      "     Optimized scaling:  4\n"
      "      Naive FLOP count:  8.064e+04\n"
      "  Optimized FLOP count:  1.940e+03\n"
      "   Theoretical speedup:  41.567\n"
      "  Largest intermediate:  9.600e+01 elements\n"
      "--------------------------------------------------------------------------\n"
      "scaling                  current                                remaining\n"
      "--------------------------------------------------------------------------\n"
      "   3                   de,cd->ce                           abc,ef,ce->abf\n"
      "   3                   ce,ef->cf                              abc,cf->abf\n"
      "   4                 cf,abc->abf                                 abf->abf";
  EXPECT_EQ(info.to_string(), expected);
  EXPECT_EQ(info.equation, "abc,cd,de,ef->abf");
  EXPECT_EQ(info.naive_flops, 80640);
  EXPECT_EQ(info.optimized_flops, 1940);
  EXPECT_EQ(info.largest_intermediate, 96);
  ASSERT_EQ(info.steps.size(), 3u);
  EXPECT_EQ(info.steps[0].operands, (std::vector<int>{1, 2}));
  EXPECT_EQ(info.steps[0].flops, 420);
  EXPECT_EQ(info.steps[2].scaling, 4);
  EXPECT_EQ(info.path, (ContractionPath{{1, 2}, {1, 2}, {0, 1}}));
}

TEST(PathInfo, IntermediateLabelsSortByExtentThenCharacter) {
  // ij,jk,kl->il with i=10 j=100 k=5 l=50: NumPy names the first intermediate "ki" (5 < 10).
  const PathProblem p{{{0, 1}, {1, 2}, {2, 3}}, {0, 3}, {10, 100, 5, 50}, std::nullopt};
  const std::vector<char> chars = {'i', 'j', 'k', 'l'};
  const PathInfo info = make_path_info(p, {{0, 1}, {0, 1}}, chars);
  EXPECT_EQ(info.steps[0].contraction, "jk,ij->ki");
  EXPECT_EQ(info.steps[1].contraction, "ki,kl->il");
  EXPECT_NE(info.to_string().find("   3                   jk,ij->ki                                "
                                  "kl,ki->il\n"),
            std::string::npos)
      << info.to_string();
}

TEST(PathInfo, KernelColumnWhenFilledIn) {
  const PathProblem p{{{0, 1}, {1, 2}, {2, 3}}, {0, 3}, {10, 100, 5, 50}, std::nullopt};
  const std::vector<char> chars = {'i', 'j', 'k', 'l'};
  PathInfo info = make_path_info(p, {{0, 1}, {0, 1}}, chars);
  info.steps[0].kernel = "gemm";
  info.steps[1].kernel = "batched_gemm";
  const std::string s = info.to_string();
  const std::string dashes(75 + 12, '-');
  EXPECT_NE(s.find(dashes +
                   "\nscaling                  current                                "
                   "remaining  kernel\n" +
                   dashes),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("   3                   jk,ij->ki                                kl,ki->il  "
                   "gemm\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("il->il  batched_gemm"), std::string::npos) << s;
}

TEST(PathInfo, RestAtOnceStepIsListed) {
  const PathProblem p{{{0}, {1}, {0, 1}}, {}, {10, 10}, 5.0};
  const std::vector<char> chars = {'i', 'j'};
  const PathInfo info = make_path_info(p, {}, chars);
  ASSERT_EQ(info.steps.size(), 1u);
  EXPECT_EQ(info.steps[0].operands, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(info.steps[0].contraction, "ij,j,i->");
  EXPECT_EQ(info.optimized_flops, 300);
  const std::string row =
      "   2" + std::string(4 + 24 - 8, ' ') + "ij,j,i-> " + std::string(40 - 2, ' ') + "->";
  EXPECT_NE(info.to_string().find("\n" + row), std::string::npos) << info.to_string();
}

TEST(PathInfo, SingleOperand) {
  const PathProblem p{{{0, 1}}, {1}, {3, 4}, std::nullopt};
  const std::vector<char> chars = {'a', 'b'};
  const PathInfo info = make_path_info(p, {}, chars);
  ASSERT_EQ(info.steps.size(), 1u);
  EXPECT_EQ(info.steps[0].contraction, "ab->b");
  EXPECT_EQ(info.optimized_flops, 24);
  EXPECT_EQ(info.naive_flops, 12);  // NumPy's naive count does not see single-operand sums
}

TEST(PathInfo, ToStringNeverThrowsOnInconsistentInfo) {
  PathInfo info;
  info.equation = "ab,bc->ac";
  info.steps.push_back({{0, 7}, "ab,bc->ac", 3, 1, ""});
  EXPECT_NO_THROW((void)info.to_string());
  PathInfo empty;
  EXPECT_NO_THROW((void)empty.to_string());
}

}  // namespace
}  // namespace ein::path
