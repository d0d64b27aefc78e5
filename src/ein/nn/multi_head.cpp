// Multi-head self-attention as the notes write it: projections and head products are einsums,
// splitting and merging heads are rearranges.
#include <array>
#include <chrono>
#include <cmath>
#include <string>

#include "ein/einsum.hpp"
#include "ein/nn/attention.hpp"
#include "ein/nn/common.hpp"
#include "ein/rearrange.hpp"

namespace ein::nn {

namespace {

constexpr const char* kMha = "multi_head_attention";

void check_weight(const TensorView& w, const char* name, Index rows) {
  if (w.rank() != 2 || w.extent(0) != rows) {
    throw Error(ErrorCode::ShapeMismatch,
                std::string(kMha) + ": " + name + " must be a matrix with " + std::to_string(rows) +
                    " rows (in_features, out_features), got shape " + shape_to_string(w.shape()));
  }
}

void check_inputs(const TensorView& x, const TensorView& w_q, const TensorView& w_k,
                  const TensorView& w_v, const TensorView& w_o, int heads) {
  if (x.rank() < 2) {
    throw Error(ErrorCode::ShapeMismatch,
                std::string(kMha) + ": x needs at least 2 dimensions (..., N, D), got shape " +
                    shape_to_string(x.shape()));
  }
  const Index d = x.extent(-1);
  check_weight(w_q, "w_q", d);
  check_weight(w_k, "w_k", d);
  check_weight(w_v, "w_v", d);
  if (w_k.extent(1) != w_q.extent(1)) {
    throw Error(ErrorCode::ShapeMismatch,
                std::string(kMha) + ": w_q " + shape_to_string(w_q.shape()) + " and w_k " +
                    shape_to_string(w_k.shape()) + " must project to the same width");
  }
  check_weight(w_o, "w_o", w_v.extent(1));
  if (heads <= 0) {
    throw Error(ErrorCode::InvalidArgument,
                std::string(kMha) + ": heads must be positive, got " + std::to_string(heads));
  }
  for (const auto& [name, width] : {std::pair{"w_q/w_k", w_q.extent(1)}, {"w_v", w_v.extent(1)}}) {
    if (width % heads != 0) {
      throw Error(ErrorCode::ShapeMismatch,
                  std::string(kMha) + ": " + name + " width " + std::to_string(width) +
                      " is not divisible by heads = " + std::to_string(heads));
    }
  }
}

// Runs one step, timing it and recording it when `steps` is given.
class Recorder {
 public:
  explicit Recorder(std::vector<AttentionDemoStep>* steps) : steps_(steps) {}
  template <class F>
  Tensor step(const char* name, std::string operation, double flops, bool is_view, F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    Tensor result = f();
    const auto t1 = std::chrono::steady_clock::now();
    if (steps_) {
      steps_->push_back({name, std::move(operation), result.shape(), flops,
                         std::chrono::duration<double>(t1 - t0).count(), is_view});
    }
    return result;
  }

 private:
  std::vector<AttentionDemoStep>* steps_;
};

double product(const Shape& s) {
  double p = 1;
  for (Index e : s) p *= static_cast<double>(e);
  return p;
}

}  // namespace

Tensor multi_head_attention_steps(const TensorView& x, const TensorView& w_q, const TensorView& w_k,
                                  const TensorView& w_v, const TensorView& w_o, int heads,
                                  const std::optional<TensorView>& mask, bool causal, int threads,
                                  std::vector<AttentionDemoStep>* steps) {
  check_inputs(x, w_q, w_k, w_v, w_o, heads);
  const DType dtype =
      compute_dtype({x.dtype(), w_q.dtype(), w_k.dtype(), w_v.dtype(), w_o.dtype()}, kMha);
  EinsumOptions options;
  options.dtype = dtype;
  options.threads = threads;
  const auto project = [&](const TensorView& in, const TensorView& w, const char* eq) {
    const std::array<TensorView, 2> ops = {in, w};
    return einsum(eq, ops, options);
  };
  Recorder rec(steps);
  const double rows = product(x.shape()) / static_cast<double>(x.extent(-1));  // tokens
  const double d = static_cast<double>(x.extent(-1));
  const char* kProject = "...nd,de->...ne";
  const auto proj_flops = [&](const TensorView& w) { return 2 * rows * d * w.extent(1); };
  const Tensor q = rec.step("project q", kProject, proj_flops(w_q), false,
                            [&] { return project(x, w_q, kProject); });
  const Tensor k = rec.step("project k", kProject, proj_flops(w_k), false,
                            [&] { return project(x, w_k, kProject); });
  const Tensor v = rec.step("project v", kProject, proj_flops(w_v), false,
                            [&] { return project(x, w_v, kProject); });

  const AxisSizes h = {{"h", heads}};
  const char* kSplit = "... n (h d) -> ... h n d";
  const Tensor qh =
      rec.step("split heads q", kSplit, 0, true, [&] { return rearrange(q, kSplit, h); });
  const Tensor kh =
      rec.step("split heads k", kSplit, 0, true, [&] { return rearrange(k, kSplit, h); });
  const Tensor vh =
      rec.step("split heads v", kSplit, 0, true, [&] { return rearrange(v, kSplit, h); });

  const Index n = x.extent(-2), dk = qh.extent(-1), dv = vh.extent(-1);
  const double pairs = rows * static_cast<double>(heads) * static_cast<double>(n);  // (b,h,i,j)
  const Tensor scores = rec.step("scores", "bhid,bhjd->bhij", 2 * pairs * static_cast<double>(dk),
                                 false, [&] { return attention_scores(qh, kh, dtype, threads); });
  const double scale = 1.0 / std::sqrt(static_cast<double>(dk));
  rec.step("softmax",
           "softmax_j(scores / sqrt(" + std::to_string(dk) + ")" + (mask ? " + mask" : "") +
               (causal ? ", causal" : "") + ")",
           0, false, [&] {
             attention_weights_inplace(scores, mask, scale, causal);
             return scores;
           });
  const Tensor o = rec.step("weighted sum", "bhij,bhjd->bhid", 2 * pairs * static_cast<double>(dv),
                            false, [&] { return attention_output(scores, vh, dtype, threads); });
  const char* kMerge = "... h n d -> ... n (h d)";
  const Tensor merged =
      rec.step("merge heads", kMerge, 0, false, [&] { return rearrange(o, kMerge); });
  const char* kOut = "...nf,fo->...no";
  return rec.step("project out", kOut,
                  2 * rows * static_cast<double>(w_o.extent(0) * w_o.extent(1)), false,
                  [&] { return project(merged, w_o, kOut); });
}

}  // namespace ein::nn

namespace ein {

Tensor multi_head_attention(const TensorView& x, const TensorView& w_q, const TensorView& w_k,
                            const TensorView& w_v, const TensorView& w_o, int heads,
                            const std::optional<TensorView>& mask, bool causal) {
  return nn::multi_head_attention_steps(x, w_q, w_k, w_v, w_o, heads, mask, causal, 0, nullptr);
}

}  // namespace ein
