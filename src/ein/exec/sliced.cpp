#include "ein/exec/sliced.hpp"

#include <algorithm>
#include <string>
#include <tuple>

#include "ein/exec/execute.hpp"
#include "ein/permute/permute.hpp"
#include "ein/reduce/reduce.hpp"
#include "ein/semiring/semiring.hpp"
#include "ein/support/checked.hpp"

namespace ein::exec {
namespace {

// Where a buffer of `size` bytes starts after `used` bytes (the lowering's alignment rule).
std::size_t place_after(std::size_t used, std::size_t size) {
  const std::size_t align = size >= 64 ? 64 : 16;
  return (used + align - 1) / align * align;
}

// The chunk problem: every sliced label restricted to `extent[label]` (the others unchanged).
struct ChunkShape {
  std::vector<Index> extent;  // per label
};

// Lowers the chunk problem along the whole plan's path (no memory limit: slicing is the answer
// to it, and the path must stay the one reported).
lowering::Plan lower_chunk(const lowering::Plan& whole, const ChunkShape& c,
                           const EinsumOptions& options) {
  expr::ParsedExpression e = whole.expr;
  std::vector<OperandSpec> specs = whole.operands;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (std::size_t ax = 0; ax < specs[i].shape.size(); ++ax) {
      const auto l = static_cast<std::size_t>(e.inputs[i][ax]);
      // A broadcast axis (extent 1 against a longer label) stays as it is.
      if (specs[i].shape[ax] != 1) specs[i].shape[ax] = c.extent[l];
    }
  }
  for (std::size_t l = 0; l < e.extents.size(); ++l) {
    if (e.extents[l] != 1) e.extents[l] = c.extent[l];
  }
  EinsumOptions sub = options;
  sub.memory_limit.reset();
  sub.path = whole.executed_path;
  return lowering::lower_parsed(std::move(e), specs, sub);
}

std::size_t result_bytes(const lowering::Plan& p) {
  return static_cast<std::size_t>(checked_numel(p.output_shape)) * itemsize(p.dtype);
}

// Workspace of a chunk plan plus the chunk-result buffer after it.
std::size_t need_of(const lowering::Plan& p) {
  return place_after(p.workspace_bytes, result_bytes(p)) + result_bytes(p);
}

}  // namespace

SlicedPlan fit_memory_limit(lowering::Plan whole, const EinsumOptions& options) {
  SlicedPlan sp;
  const std::optional<std::int64_t> limit = lowering::memory_limit_bytes(whole, options);
  whole.info.memory_limit = limit;
  whole.info.workspace_bytes = static_cast<std::int64_t>(whole.workspace_bytes);
  if (!limit || whole.zero_fill || whole.workspace_bytes <= static_cast<std::size_t>(*limit)) {
    sp.workspace_bytes = whole.workspace_bytes;
    sp.whole = std::move(whole);
    return sp;
  }
  const auto budget = static_cast<std::size_t>(*limit);
  const expr::ParsedExpression& e = whole.expr;
  ChunkShape chunk{e.extents};
  std::vector<char> chosen(e.extents.size(), 0);
  std::size_t num_chosen = 0;
  std::size_t need = SIZE_MAX;
  // Greedy halving: each round halves the chunk of the label whose halving shrinks the need
  // most (ties: an output label, which adds no partial sums, then the longer label).
  for (;;) {
    int best = -1;
    std::size_t best_need = SIZE_MAX;
    ChunkShape best_chunk;
    for (std::size_t l = 0; l < chunk.extent.size(); ++l) {
      if (chunk.extent[l] <= 1) continue;
      if (!chosen[l] && num_chosen == SlicedPlan::kMaxSlicedLabels) continue;
      ChunkShape trial = chunk;
      trial.extent[l] = (chunk.extent[l] + 1) / 2;
      const std::size_t n = need_of(lower_chunk(whole, trial, options));
      const auto key = [&](int label) {
        return std::make_tuple(e.in_output(label) ? 0 : 1, -e.extents[label]);
      };
      if (n < best_need || (n == best_need && best >= 0 && key(static_cast<int>(l)) < key(best))) {
        best = static_cast<int>(l);
        best_need = n;
        best_chunk = std::move(trial);
      }
    }
    if (best < 0) {
      throw Error(ErrorCode::MemoryLimit,
                  "einsum: memory_limit of " + std::to_string(budget) +
                      " bytes cannot be met: even with every label sliced to chunks of 1 the "
                      "contraction needs " +
                      std::to_string(need == SIZE_MAX ? need_of(lower_chunk(whole, chunk, options))
                                                      : need) +
                      " bytes of workspace");
    }
    if (!chosen[static_cast<std::size_t>(best)]) {
      chosen[static_cast<std::size_t>(best)] = 1;
      ++num_chosen;
    }
    chunk = std::move(best_chunk);
    need = best_need;
    if (need > budget) continue;

    // Every chunk variant (last chunks are smaller) must fit too.
    SlicedPlan candidate;
    for (std::size_t l = 0; l < chosen.size(); ++l) {
      if (!chosen[l]) continue;
      const Index x = e.extents[l], c = chunk.extent[l];
      candidate.labels.push_back(
          {static_cast<int>(l), c, (x + c - 1) / c, !e.in_output(static_cast<int>(l))});
    }
    const std::size_t variants = std::size_t{1} << candidate.labels.size();
    candidate.variants.resize(variants);
    std::size_t ws = 0, result = 0;
    for (std::size_t v = 0; v < variants; ++v) {
      ChunkShape shape = chunk;
      bool occurs = true;
      for (std::size_t s = 0; s < candidate.labels.size(); ++s) {
        if ((v >> s & 1U) == 0) continue;
        const auto& lab = candidate.labels[s];
        const Index rest = e.extents[static_cast<std::size_t>(lab.id)] % lab.chunk;
        occurs = occurs && rest != 0;
        shape.extent[static_cast<std::size_t>(lab.id)] = rest;
      }
      if (!occurs) continue;
      lowering::Plan p = lower_chunk(whole, shape, options);
      ws = std::max(ws, p.workspace_bytes);
      result = std::max(result, result_bytes(p));
      candidate.variants[v] = std::move(p);
    }
    candidate.result_offset = place_after(ws, result);
    candidate.workspace_bytes = candidate.result_offset + result;
    if (candidate.workspace_bytes > budget) continue;  // a remainder variant lowered worse

    whole.info.workspace_bytes = static_cast<std::int64_t>(candidate.workspace_bytes);
    for (const auto& lab : candidate.labels) {
      const auto id = static_cast<std::size_t>(lab.id);
      whole.info.slices.push_back(
          {e.label_names[id].size() == 1 ? e.label_names[id] : std::string(1, e.label_chars[id]),
           e.extents[id], lab.chunk, lab.chunks, lab.summed});
    }
    candidate.whole = std::move(whole);
    return candidate;
  }
}

void execute_sliced(const SlicedPlan& sp, std::span<const TensorView> operands,
                    const TensorView& result, std::byte* workspace) {
  const lowering::Plan& whole = sp.whole;
  const expr::ParsedExpression& e = whole.expr;
  const std::size_t num_sliced = sp.labels.size();
  // Which sliced position a label has (-1: not sliced).
  auto position = [&](int label) {
    for (std::size_t s = 0; s < num_sliced; ++s) {
      if (sp.labels[s].id == label) return static_cast<int>(s);
    }
    return -1;
  };
  std::array<Index, SlicedPlan::kMaxSlicedLabels> idx{};
  Index combos = 1;
  for (const auto& lab : sp.labels) combos *= lab.chunks;
  OperandPointers ptrs(operands.size());
  const void** p = ptrs.data_mut();
  std::byte* chunk_result = workspace + sp.result_offset;
  const auto out_size = static_cast<Index>(itemsize(whole.dtype));

  for (Index combo = 0; combo < combos; ++combo) {
    // Lexicographic order, last label fastest: for each output block the chunk with every
    // summed label at 0 comes first and writes; the later ones add.
    Index rest = combo;
    std::size_t variant = 0;
    bool first = true;
    for (std::size_t s = num_sliced; s-- > 0;) {
      const auto& lab = sp.labels[s];
      idx[s] = rest % lab.chunks;
      rest /= lab.chunks;
      const Index extent = e.extents[static_cast<std::size_t>(lab.id)];
      if (idx[s] == lab.chunks - 1 && extent % lab.chunk != 0) variant |= std::size_t{1} << s;
      if (lab.summed && idx[s] != 0) first = false;
    }
    for (std::size_t i = 0; i < operands.size(); ++i) {
      Index offset = 0;
      const TensorView& v = operands[i];
      for (std::size_t ax = 0; ax < e.inputs[i].size(); ++ax) {
        const int s = position(e.inputs[i][ax]);
        if (s >= 0 && v.shape()[ax] != 1) {
          offset += idx[static_cast<std::size_t>(s)] *
                    sp.labels[static_cast<std::size_t>(s)].chunk * v.strides()[ax];
        }
      }
      p[i] = static_cast<const std::byte*>(v.data()) +
             offset * static_cast<Index>(itemsize(v.dtype()));
    }
    const lowering::Plan& sub = *sp.variants[variant];
    execute_at(sub, ptrs.data(), chunk_result, workspace);

    Index out_offset = 0;
    for (std::size_t ax = 0; ax < e.output.size(); ++ax) {
      const int s = position(e.output[ax]);
      if (s >= 0) {
        out_offset += idx[static_cast<std::size_t>(s)] *
                      sp.labels[static_cast<std::size_t>(s)].chunk * result.strides()[ax];
      }
    }
    std::byte* dst = static_cast<std::byte*>(result.data()) + out_offset * out_size;
    if (first) {
      const permute::PermutePlan copy =
          permute::PermutePlan::make(sub.output_shape, sub.output_strides, result.strides());
      permute::execute(copy, whole.dtype, chunk_result, whole.dtype, dst, whole.threads);
    } else if (whole.semiring != Semiring::Standard) {
      // Partial results of a summed label's chunks combine with the semiring's addition.
      semiring::reduce(whole.semiring, whole.dtype, sub.output_shape, chunk_result,
                       sub.output_strides, dst, result.strides(), /*accumulate=*/true,
                       whole.threads);
    } else {
      const reduce::ReducePlan add =
          reduce::ReducePlan::make(sub.output_shape, sub.output_strides, result.strides());
      reduce::sum(add, whole.dtype, chunk_result, dst, /*accumulate=*/true, whole.threads);
    }
  }
}

}  // namespace ein::exec
