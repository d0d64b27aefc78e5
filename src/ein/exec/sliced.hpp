// Slicing: running a plan within a memory budget by looping over chunks of some labels.
//
// Why: the path finder can only choose among orders; some contractions need more workspace
// than the budget whatever the order (opt_einsum #133: a predicted small intermediate, 156 GiB
// allocated). Restricting a label to a chunk of its range is free for the operands (a view with
// a smaller extent and an offset pointer) and shrinks every intermediate that carries the label.
// Chunks of an output label fill disjoint blocks of the output; chunks of a summed label give
// partial results that are added up. Each chunk runs a plan lowered along the whole plan's path,
// so the report's path is the one executed.
//
// The budget bounds the plan's workspace (intermediates, converted or permuted operands) plus
// the one chunk-result buffer slicing adds; the operands and the output do not count.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "ein/lowering/plan.hpp"

namespace ein::exec {

struct SlicedPlan {
  struct Label {
    int id = 0;           // label id in whole.expr
    Index chunk = 1;      // extent of each chunk but maybe the last
    Index chunks = 1;     // number of chunks
    bool summed = false;  // not in the output: chunk results are added up
  };
  // Labels sliced at most (a fixed bound keeps running allocation-free).
  static constexpr std::size_t kMaxSlicedLabels = 16;

  lowering::Plan whole;  // the unsliced plan: output shape and dtype, report (info)
  std::vector<Label> labels;
  // Chunk plans by variant: bit s set means label s is in its last, smaller chunk. A variant
  // whose label divides evenly never occurs and stays empty.
  std::vector<std::optional<lowering::Plan>> variants;
  std::size_t result_offset = 0;    // the chunk-result buffer, inside the workspace
  std::size_t workspace_bytes = 0;  // chunk plans' workspace + the result buffer

  [[nodiscard]] bool sliced() const { return !labels.empty(); }
};

// Wraps `whole` (lowered with `options`) so that it runs within options.memory_limit: unchanged
// when it fits or there is no limit, sliced otherwise. Fills whole.info's memory fields. Throws
// ein::Error(MemoryLimit) when no slicing meets the limit.
SlicedPlan fit_memory_limit(lowering::Plan whole, const EinsumOptions& options);

// Runs a sliced plan into `result` (the whole output shape and dtype, any non-zero strides, not
// overlapping the operands). `workspace` holds plan.workspace_bytes. Allocates nothing.
void execute_sliced(const SlicedPlan& plan, std::span<const TensorView> operands,
                    const TensorView& result, std::byte* workspace);

}  // namespace ein::exec
