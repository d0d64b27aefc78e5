// A seeded random corpus of einsum cases for cross-checking the engine against the reference.
//
// Each case is fully determined by its seed (and the options): 1-6 operands, implicit and
// explicit outputs, '...' (broadcasting, covering 0..2 axes), repeated labels (diagonals),
// size-1 labels and size-1 axes broadcasting against bigger ones, zero-size labels, all seven
// dtypes (sometimes mixed in one case), odd-strided, reversed, permuted and zero-stride
// operands, and stray spaces. The product of all label extents (the reference's loop count) is
// kept under max_work, so thousands of cases run in seconds.
//
// Typical use:
//   for (std::uint64_t seed : corpus_seeds(1, 2000)) {
//     const EinsumCase c = random_einsum_case(seed);
//     EXPECT_TRUE(matches_reference(c, ein::einsum(c.subscripts, c.views()))) << c.describe();
//   }
// A failure prints the seed; EIN_SEED=<seed> reruns just that case.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/expr/parse.hpp"
#include "ein/tensor.hpp"

namespace ein::test {

struct CorpusOptions {
  int min_operands = 1;
  int max_operands = 6;
  int max_labels = 8;      // distinct letters in one case
  int max_rank = 5;        // lettered axes per operand (a '...' adds up to max_ellipsis more)
  int max_ellipsis = 2;    // broadcast '...' axes
  Index max_extent = 5;    // of a label
  Index max_work = 20000;  // product of all label extents (zero extents count as 1)
  std::vector<DType> dtypes = {std::begin(kAllDTypes), std::end(kAllDTypes)};

  double p_implicit = 0.3;         // no '->'
  double p_ellipsis = 0.25;        // the case uses '...'
  double p_repeat = 0.15;          // per operand: a repeated label (a diagonal)
  double p_unit_label = 0.15;      // per label: extent 1
  double p_zero_label = 0.04;      // per case: one label of extent 0
  double p_broadcast_axis = 0.08;  // per operand axis: extent 1 against a bigger label extent
  double p_mixed_dtypes = 0.2;     // per case: each operand its own dtype
  double p_odd_strides = 0.5;      // per operand: odd_strided_copy
  double p_zero_stride = 0.05;     // per operand: one axis broadcast with stride 0
  double p_spaces = 0.1;           // per case: spaces sprinkled into the subscripts
};

struct EinsumCase {
  std::string subscripts;
  std::vector<Tensor> operands;
  std::uint64_t seed = 0;

  // For ein::einsum(c.subscripts, c.views()).
  [[nodiscard]] std::vector<TensorView> views() const;
  [[nodiscard]] std::vector<Shape> shapes() const;
  [[nodiscard]] expr::ParsedExpression parsed() const;
  // Products summed into each output element (for tolerances).
  [[nodiscard]] Index summation_length() const;
  // NumPy's result dtype (all operand dtypes promoted).
  [[nodiscard]] DType result_dtype() const;
  // 'seed 42: einsum("ij,jk->ik", float32 (2, 3) strides (-3, 1), ...); rerun with EIN_SEED=42'
  [[nodiscard]] std::string describe() const;
};

EinsumCase random_einsum_case(std::uint64_t seed, const CorpusOptions& options = {});

// The seeds a corpus test should run: {EIN_SEED} when that environment variable is set (to
// rerun one failing case), else first, first + 1, ..., first + count - 1.
std::vector<std::uint64_t> corpus_seeds(std::uint64_t first, int count);

// The specs (dtype, shape, strides) of views, for Expression::compile and einsum_path.
std::vector<OperandSpec> specs_of(std::span<const TensorView> views);

// Compares `actual` with reference_einsum on the case (result dtype: `dtype` or NumPy's), with
// the tolerance of compare.hpp; the failure message includes describe().
::testing::AssertionResult matches_reference(const EinsumCase& c, const Tensor& actual,
                                             std::optional<DType> dtype = {});

}  // namespace ein::test
