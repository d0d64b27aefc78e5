// From a Pattern and its operands to what the einsum engine runs: every input group split into
// its labels (views, never copies), the labels checked and numbered by the einsum parser, and what
// the result needs afterwards (a diagonal embedding, merged groups).
#pragma once

#include <span>
#include <vector>

#include "ein/beyond.hpp"  // AxisSizes
#include "ein/beyond/pattern.hpp"
#include "ein/expr/parse.hpp"

namespace ein::beyond {

struct Resolved {
  // The operands with their groups split: views of the caller's memory.
  std::vector<TensorView> operands;
  // Over the split operands; its output lists each output label once (the engine's output).
  expr::ParsedExpression parsed;
  // The output as written, one label id per axis with groups expanded: labels may repeat.
  std::vector<int> output_labels;
  // The final shape: output_labels' extents with each output group merged into one axis.
  Shape output_shape;
  [[nodiscard]] bool embeds_diagonal() const {
    return output_labels.size() != parsed.output.size();
  }
};

// Checks everything (grammar-independent rules, sizes, extents) and throws ein::Error on bad input.
Resolved resolve(const Pattern& pattern, std::span<const TensorView> operands,
                 const AxisSizes& sizes);

}  // namespace ein::beyond
