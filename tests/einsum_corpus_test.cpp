// The seeded random corpus against the loop-nest reference, for every path finder and for both
// GEMM routes (direct on the operands' strides, and permute-then-GEMM).
//
// A failure prints the case's seed; rerun one case with
//   EIN_SEED=<seed> ctest --test-dir build/release -R EinsumCorpus --output-on-failure
#include <gtest/gtest.h>

#include "ein/einsum.hpp"
#include "support/random_einsum.hpp"

namespace ein {
namespace {

constexpr int kCorpusSize = 2000;

struct Strategy {
  const char* optimize;
  GemmRoute route;
};

class EinsumCorpus : public ::testing::TestWithParam<Strategy> {};

TEST_P(EinsumCorpus, MatchesReference) {
  const Strategy s = GetParam();
  EinsumOptions options;
  options.optimize = s.optimize;
  options.gemm_route = s.route;
  int failures = 0;
  for (std::uint64_t seed : test::corpus_seeds(1, kCorpusSize)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    Tensor got;
    try {
      got = einsum(c.subscripts, c.views(), options);
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.describe() << "\n threw: " << e.what();
      if (++failures > 10) break;
      continue;
    }
    auto ok = test::matches_reference(c, got);
    if (!ok) {
      ADD_FAILURE() << ok.message() << "\n optimize=" << s.optimize;
      if (++failures > 10) break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    PathFindersAndRoutes, EinsumCorpus,
    ::testing::Values(Strategy{"auto", GemmRoute::Auto}, Strategy{"optimal", GemmRoute::Auto},
                      Strategy{"greedy", GemmRoute::Auto}, Strategy{"none", GemmRoute::Auto},
                      Strategy{"greedy", GemmRoute::DirectOnView},
                      Strategy{"greedy", GemmRoute::PermuteThenGemm}),
    [](const auto& param_info) {
      const char* route = param_info.param.route == GemmRoute::Auto           ? "auto"
                          : param_info.param.route == GemmRoute::DirectOnView ? "direct"
                                                                         : "permute";
      return std::string(param_info.param.optimize) + "_" + route;
    });

// Compiled expressions give the same answers as one-shot calls.
TEST(EinsumCorpusCompiled, MatchesReference) {
  for (std::uint64_t seed : test::corpus_seeds(10001, 300)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    std::vector<OperandSpec> specs;
    for (const auto& v : c.views()) specs.push_back(OperandSpec::of(v));
    const Expression e = Expression::compile(c.subscripts, specs);
    EXPECT_TRUE(test::matches_reference(c, e(c.views())));
  }
}

}  // namespace
}  // namespace ein
