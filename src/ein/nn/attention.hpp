// The steps of attention, so that the public functions and the demo (which times each step)
// run the same code.
#pragma once

#include <optional>
#include <vector>

#include "ein/nn.hpp"
#include "ein/tensor.hpp"

namespace ein::nn {

// q (..., L, E) · k (..., S, E) -> scores (..., L, S), einsum "...ie,...je->...ij" computed in
// `dtype` (a fresh C-contiguous tensor).
Tensor attention_scores(const TensorView& q, const TensorView& k, DType dtype, int threads = 0);

// Turns scores (..., L, S), C-contiguous, into attention weights in place: scale, add a float
// mask or apply a bool mask (broadcastable to the scores' shape), apply the causal limit, then
// softmax along the last axis; fully masked rows become zeros. Checks the mask.
void attention_weights_inplace(const Tensor& scores, const std::optional<TensorView>& mask,
                               double scale, bool causal);

// weights (..., L, S) · v (..., S, Ev) -> (..., L, Ev), einsum "...ij,...jf->...if".
Tensor attention_output(const TensorView& weights, const TensorView& v, DType dtype,
                        int threads = 0);

// Shape checks shared by the public functions (ranks >= 2, E and S agree).
void check_attention_shapes(const TensorView& q, const TensorView& k, const TensorView& v);

// multi_head_attention's pipeline. When `steps` is given, each step is timed and appended there
// (the demo's walk-through); `threads` goes to the einsum steps.
Tensor multi_head_attention_steps(const TensorView& x, const TensorView& w_q, const TensorView& w_k,
                                  const TensorView& w_v, const TensorView& w_o, int heads,
                                  const std::optional<TensorView>& mask, bool causal, int threads,
                                  std::vector<AttentionDemoStep>* steps);

}  // namespace ein::nn
