// Random groups: cases of the seeded einsum corpus with adjacent input axes merged into one
// (the operand reshaped to match, so the group has to split it back) and adjacent output labels
// grouped, against the loop-nest reference of the original case reshaped. A failure prints the
// seed; EIN_SEED=<seed> reruns that case.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "ein/beyond.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::chance;
using test::Rng;

// A term's tokens: single letters or "...".
std::vector<std::string> tokens_of(const std::string& term) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < term.size(); ++i) {
    if (term[i] == '.') {
      out.emplace_back("...");
      i += 2;
    } else {
      out.emplace_back(1, term[i]);
    }
  }
  return out;
}

bool once_in(const std::vector<std::string>& tokens, const std::string& t) {
  return t != "..." && std::count(tokens.begin(), tokens.end(), t) == 1;
}

struct Grouped {
  std::string term;  // with groups
  Shape shape;       // the operand's shape with each group merged
};

// Merges some adjacent pairs of labels of `term` (each used once there, at the label's full
// extent so that sizes given by name cannot disagree with a broadcast elsewhere).
Grouped group_term(const std::string& term, const Shape& shape, const expr::ParsedExpression& e,
                   const std::vector<int>& labels, Rng& rng, AxisSizes& sizes,
                   std::set<std::string>& sized) {
  const std::vector<std::string> tokens = tokens_of(term);
  const int ellipsis_rank = static_cast<int>(shape.size()) - static_cast<int>(tokens.size()) +
                            (std::count(tokens.begin(), tokens.end(), "...") ? 1 : 0);
  Grouped g;
  int axis = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == "...") {
      g.term += "...";
      for (int d = 0; d < ellipsis_rank; ++d) g.shape.push_back(shape[axis++]);
      continue;
    }
    const auto full = [&](int ax) {
      return shape[ax] == e.extents[static_cast<std::size_t>(labels[static_cast<std::size_t>(ax)])];
    };
    const bool can = i + 1 < tokens.size() && once_in(tokens, tokens[i]) &&
                     once_in(tokens, tokens[i + 1]) && full(axis) && full(axis + 1);
    if (can && chance(rng, 0.5)) {
      g.term += "(" + tokens[i] + tokens[i + 1] + ")";
      g.shape.push_back(shape[axis] * shape[axis + 1]);
      // Give the first size (the second is inferred), both when an extent is 0.
      for (int k = 0; k < 2; ++k) {
        const bool give = k == 0 || shape[axis] == 0 || shape[axis + 1] == 0;
        if (give && sized.insert(tokens[i + k]).second) {
          sizes.emplace_back(tokens[i + k], shape[axis + k]);
        }
      }
      axis += 2;
      ++i;
      continue;
    }
    g.term += tokens[i];
    g.shape.push_back(shape[axis++]);
  }
  return g;
}

TEST(EinsumGroupsRandom, CorpusCasesWithMergedAxesAndGroupedOutputs) {
  int checked = 0;
  for (std::uint64_t seed : test::corpus_seeds(31000, 600)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    std::string s;
    for (char ch : c.subscripts) {
      if (ch != ' ') s += ch;
    }
    const std::size_t arrow = s.find("->");
    if (arrow == std::string::npos) continue;
    const expr::ParsedExpression e = c.parsed();
    Rng rng = test::make_rng(seed);
    AxisSizes sizes;
    std::set<std::string> sized;
    std::string ext;
    std::vector<Tensor> ops;
    std::size_t start = 0;
    for (std::size_t k = 0; k < c.operands.size(); ++k) {
      const std::size_t end = k + 1 < c.operands.size() ? s.find(',', start) : arrow;
      const std::string term = s.substr(start, end - start);
      const Grouped g = group_term(term, c.operands[k].shape(), e, e.inputs[k], rng, sizes, sized);
      ext += (k ? "," : "") + g.term;
      ops.push_back(c.operands[k].contiguous().reshape(g.shape));
      start = end + 1;
    }
    // The output: group some adjacent pairs of letters (outside '...').
    const std::vector<std::string> out = tokens_of(s.substr(arrow + 2));
    Shape merged;
    const Tensor expected_flat = test::reference_einsum(c.subscripts, c.views());
    std::string out_term;
    int axis = 0;
    const int ellipsis_rank = expected_flat.rank() - static_cast<int>(out.size()) +
                              (std::count(out.begin(), out.end(), "...") ? 1 : 0);
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == "...") {
        out_term += "...";
        for (int d = 0; d < ellipsis_rank; ++d) merged.push_back(expected_flat.shape()[axis++]);
      } else if (i + 1 < out.size() && out[i + 1] != "..." && chance(rng, 0.5)) {
        out_term += "(" + out[i] + out[i + 1] + ")";
        merged.push_back(expected_flat.shape()[axis] * expected_flat.shape()[axis + 1]);
        axis += 2;
        ++i;
      } else {
        out_term += out[i];
        merged.push_back(expected_flat.shape()[axis++]);
      }
    }
    ext += "->" + out_term;
    const std::vector<TensorView> views(ops.begin(), ops.end());
    Tensor got;
    try {
      got = einsum_ext(ext, views, sizes);
    } catch (const Error& err) {
      ADD_FAILURE() << c.describe() << "\nas " << ext << ": " << err.what();
      continue;
    }
    EXPECT_TRUE(
        test::tensors_close(got, expected_flat.contiguous().reshape(merged), c.summation_length()))
        << c.describe() << "\nas " << ext;
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace ein
