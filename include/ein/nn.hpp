// Deep-learning front doors: softmax, attention, and Keras's batch_dot/dot, all lowered to the
// einsum engine (products) and to views (head splitting); the only loops of their own are the
// row-wise softmax and L2 normalisation, which einsum cannot express.
//
// Dtypes: float32 stays float32 and float64 stays float64 (mixed inputs promote as NumPy does);
// bool and integer inputs compute in float64, as NumPy's exp or true division would; complex
// inputs are rejected with DTypeMismatch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ein/tensor.hpp"

namespace ein {

// ---- softmax ----

// exp(x - max) / sum(exp(x - max)) along `axis`: no overflow for any finite input. Rows that
// hold no finite maximum are defined rather than NaN: a row of -inf only gives zeros (nothing to
// weigh, the same rule attention uses for fully masked rows); a row with +inf splits the weight
// equally among its +inf entries. A NaN anywhere in a row makes that row NaN.
Tensor softmax(const TensorView& x, int axis = -1);
// x - max - log(sum(exp(x - max))) along `axis`, computed without forming softmax (so tiny
// probabilities keep their precision). Rows of -inf only give -inf; +inf entries get
// -log(count of +inf), the others -inf.
Tensor log_softmax(const TensorView& x, int axis = -1);

// ---- attention ----

// softmax(q·kᵀ · scale + mask) · v over the last two axes, with q (..., L, E), k (..., S, E),
// v (..., S, Ev) -> (..., L, Ev); leading (batch) axes broadcast as in NumPy.
//  * scale defaults to 1 / sqrt(E) (1 when E == 0).
//  * mask, broadcastable to (..., L, S): a bool mask says where to attend (true = attend,
//    false = masked out, PyTorch's convention); a float mask is added to the scaled scores
//    (use -inf to mask out).
//  * causal: query i attends to keys j <= i only (top-left aligned, as PyTorch's is_causal);
//    combines with a mask (both must allow a pair).
//  * A query row with no key left to attend to (fully masked) gets zero weights, so its output
//    row is zeros rather than NaN.
Tensor scaled_dot_product_attention(const TensorView& q, const TensorView& k, const TensorView& v,
                                    const std::optional<TensorView>& mask = std::nullopt,
                                    std::optional<double> scale = std::nullopt,
                                    bool causal = false);

// Multi-head self-attention of x (..., N, D) with weights stored (in_features, out_features),
// i.e. applied as x @ W:  w_q, w_k (D, E), w_v (D, F), w_o (F, D_out); heads divides E and F.
//   q = x @ w_q, k = x @ w_k, v = x @ w_v                  einsum "...nd,de->...ne"
//   split heads: rearrange "... n (h d) -> ... h n d"       (views, no copy)
//   scores: "bhid,bhjd->bhij" scaled by 1/sqrt(E / heads), softmax over j (mask/causal as in
//   scaled_dot_product_attention, broadcast to (..., heads, N, N)),
//   weighted sum: "bhij,bhjd->bhid"
//   merge heads: rearrange "... h n d -> ... n (h d)", then out = merged @ w_o  -> (..., N, D_out)
Tensor multi_head_attention(const TensorView& x, const TensorView& w_q, const TensorView& w_k,
                            const TensorView& w_v, const TensorView& w_o, int heads,
                            const std::optional<TensorView>& mask = std::nullopt,
                            bool causal = false);

// ---- the attention walk-through (for `ein demo`, examples/attention and benchmarks) ----

// Deterministic inputs that NumPy reproduces exactly, with unit variance so that attention is
// far from uniform. Element i (C order) of tensor number t (x = 0, w_q = 1, w_k = 2, w_v = 3,
// w_o = 4) is, in uint64 arithmetic (wrapping) and then float64:
//     z = 8 i + t + 1;  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//     z = (z ^ (z >> 27)) * 0x94D049BB133111EB;  z = z ^ (z >> 31)      (splitmix64's mixer)
//     u = (z >> 11) * 2^-53;  value = (2 u - 1) * sqrt(3) * f
// with f = 1 for x and f = 1 / sqrt(D) for the (D, D) weights, then rounded to `dtype`.
struct AttentionInputs {
  Tensor x, w_q, w_k, w_v, w_o;
};
AttentionInputs make_attention_inputs(Index batch, Index seq, Index dim,
                                      DType dtype = DType::Float32);

struct AttentionDemoOptions {
  Index batch = 2;
  Index seq = 10;
  Index dim = 16;
  int heads = 8;
  DType dtype = DType::Float32;
  int repeats = 1;  // the pipeline runs this many times; each step reports its best time
  int threads = 0;  // for the einsum steps; 0 means all cores
};

// One step of the walk-through: what it computes and how long it took (best of the repeats).
struct AttentionDemoStep {
  std::string name;       // "project q", "split heads", "scores", ...
  std::string operation;  // the einsum equation or the rearrange pattern
  Shape shape;            // of the step's result
  double flops = 0;       // multiply-adds count twice; 0 for views and copies
  double seconds = 0;
  bool is_view = false;  // the step returned a view (no data moved)
};

struct AttentionDemoReport {
  AttentionDemoOptions options;
  std::vector<AttentionDemoStep> steps;
  Tensor output;             // (batch, seq, dim)
  double total_seconds = 0;  // best full pipeline
  double total_flops = 0;
  // A multi-line, human-readable walk-through: each step, its shape, equation and timing.
  [[nodiscard]] std::string to_string() const;
};

// Runs multi-head attention on make_attention_inputs(...) step by step, timing each step. The
// output equals multi_head_attention on the same inputs. Throws like multi_head_attention on
// bad options (heads must divide dim; sizes positive).
AttentionDemoReport attention_demo(const AttentionDemoOptions& options = {});

// ---- Keras / TensorFlow ----
namespace keras {

// keras.backend.batch_dot: axis 0 is the batch axis (extents must match; never contracted);
// axes name the contracted axis of x and of y (negative counts from the end). The result holds
// the batch axis, then x's other axes in order, then y's; when both inputs have rank 2 it is
// (batch, 1). Defaults: (x.rank-1, y.rank-2), or (x.rank-1, y.rank-1) when y has rank 2.
// Unlike matmul, axes other than 0 are never batched: (9,8,7,4,2)·(9,8,7,2,5) gives
// (9,8,7,4,8,7,5), not matmul's (9,8,7,4,5).
Tensor batch_dot(const TensorView& x, const TensorView& y);
Tensor batch_dot(const TensorView& x, const TensorView& y, int axes);
Tensor batch_dot(const TensorView& x, const TensorView& y, std::pair<int, int> axes);

// keras.backend.dot: Theano-style N-D dot, the last axis of x with the second-to-last of y
// ((2,3,4)·(7,4,5) -> (2,3,7,5)); this is exactly NumPy's dot, so it is ein::dot.
Tensor dot(const TensorView& x, const TensorView& y);

// keras.layers.Dot / keras.layers.dot: batch_dot over the given axes, after L2-normalising x
// along its axis and y along its axis when `normalize` (the cosine-similarity form:
// v / sqrt(max(sum(v^2), 1e-12)), as tf.math.l2_normalize). An int axes means the same axis for
// both (a negative one is taken modulo each input's rank, as Keras does).
Tensor dot_layer(const TensorView& x, const TensorView& y, int axes, bool normalize = false);
Tensor dot_layer(const TensorView& x, const TensorView& y, std::pair<int, int> axes,
                 bool normalize = false);

// tf.math.l2_normalize(x, axis, epsilon=1e-12).
Tensor l2_normalize(const TensorView& x, int axis = -1, double epsilon = 1e-12);

}  // namespace keras

}  // namespace ein
