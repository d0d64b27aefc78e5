// The multi-head attention section of `ein demo`: the forward pass of the notes, written with
// einsum and rearrange (ein::attention_demo), at a realistic size, step by step with timings.
// The float32 result is checked against the same pipeline run in float64.
#include <algorithm>
#include <cmath>

#include "demo_command.hpp"
#include "ein/nn.hpp"

namespace ein::cli {

void demo_attention(DemoContext& ctx) {
  ctx.section("multi-head attention written with einsum");
  AttentionDemoOptions options;
  if (ctx.small) {
    options.batch = 2, options.seq = 10, options.dim = 16, options.heads = 8;
  } else {
    options.batch = 2, options.seq = 128, options.dim = 512, options.heads = 8;
    options.repeats = 3;
  }
  const AttentionDemoReport report = attention_demo(options);
  ctx.out << report.to_string() << "\n";

  // The float64 pipeline on the same inputs is the reference for the float32 one.
  const AttentionInputs in = make_attention_inputs(options.batch, options.seq, options.dim,
                                                   DType::Float64);
  const Tensor want = multi_head_attention(in.x, in.w_q, in.w_k, in.w_v, in.w_o, options.heads);
  const std::vector<double> got = report.output.to_vector<double>();
  const std::vector<double> ref = want.to_vector<double>();
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    worst = std::max(worst, std::abs(got[i] - ref[i]));
    scale = std::max(scale, std::abs(ref[i]));
  }
  // float32 rounding through two projections of length dim and a softmax of length seq.
  const double tol = 1e-5 * static_cast<double>(options.dim) * std::max(scale, 1.0);
  ctx.check(report.output.shape() == want.shape() && worst <= tol,
            "float32 attention output vs float64 pipeline (max abs diff " +
                std::to_string(worst) + ")");
}

}  // namespace ein::cli
