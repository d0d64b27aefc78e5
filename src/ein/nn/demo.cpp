// The attention walk-through behind `ein demo` and examples/attention: deterministic inputs,
// the multi-head pipeline step by step, and a printable report with timings.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>

#include "ein/nn.hpp"
#include "ein/nn/attention.hpp"

namespace ein {

namespace {

// The formula documented in ein/nn.hpp (splitmix64's mixer on 8 i + t + 1). Unsigned
// arithmetic wraps by definition, exactly as NumPy's uint64 arrays do; every float64 step is
// exact or one correctly rounded IEEE operation in the same order as NumPy's.
Tensor formula_tensor(Shape shape, int t, double factor, DType dtype) {
  const Index n = checked_numel(shape);
  Tensor values = Tensor::empty(DType::Float64, std::move(shape));
  double* p = values.data_as<double>();
  const double root3 = std::sqrt(3.0);
  for (Index i = 0; i < n; ++i) {
    std::uint64_t z = static_cast<std::uint64_t>(i) * 8U + static_cast<std::uint64_t>(t) + 1U;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    z ^= z >> 31U;
    const double u = static_cast<double>(z >> 11U) * 0x1p-53;
    p[i] = (2.0 * u - 1.0) * root3 * factor;
  }
  return dtype == DType::Float64 ? values : values.astype(dtype);
}

std::string seconds_text(double s) {
  char buf[32];
  if (s < 1e-3) {
    std::snprintf(buf, sizeof buf, "%8.1f us", s * 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%8.3f ms", s * 1e3);
  }
  return buf;
}

}  // namespace

AttentionInputs make_attention_inputs(Index batch, Index seq, Index dim, DType dtype) {
  if (batch <= 0 || seq <= 0 || dim <= 0) {
    throw Error(ErrorCode::InvalidArgument,
                "make_attention_inputs: batch, seq and dim must be positive, got " +
                    std::to_string(batch) + ", " + std::to_string(seq) + ", " +
                    std::to_string(dim));
  }
  if (!is_floating(dtype)) {
    throw Error(ErrorCode::DTypeMismatch,
                "make_attention_inputs: dtype must be float32 or float64");
  }
  const double w = 1.0 / std::sqrt(static_cast<double>(dim));
  AttentionInputs in;
  in.x = formula_tensor({batch, seq, dim}, 0, 1.0, dtype);
  in.w_q = formula_tensor({dim, dim}, 1, w, dtype);
  in.w_k = formula_tensor({dim, dim}, 2, w, dtype);
  in.w_v = formula_tensor({dim, dim}, 3, w, dtype);
  in.w_o = formula_tensor({dim, dim}, 4, w, dtype);
  return in;
}

AttentionDemoReport attention_demo(const AttentionDemoOptions& options) {
  if (options.repeats <= 0) {
    throw Error(ErrorCode::InvalidArgument,
                "attention_demo: repeats must be positive, got " + std::to_string(options.repeats));
  }
  const AttentionInputs in =
      make_attention_inputs(options.batch, options.seq, options.dim, options.dtype);
  AttentionDemoReport report;
  report.options = options;
  report.total_seconds = std::numeric_limits<double>::infinity();
  for (int r = 0; r < options.repeats; ++r) {
    std::vector<AttentionDemoStep> steps;
    report.output =
        nn::multi_head_attention_steps(in.x, in.w_q, in.w_k, in.w_v, in.w_o, options.heads,
                                       std::nullopt, false, options.threads, &steps);
    double total = 0;
    for (const AttentionDemoStep& s : steps) total += s.seconds;
    report.total_seconds = std::min(report.total_seconds, total);
    if (r == 0) {
      report.steps = std::move(steps);
      continue;
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      report.steps[i].seconds = std::min(report.steps[i].seconds, steps[i].seconds);
    }
  }
  for (const AttentionDemoStep& s : report.steps) report.total_flops += s.flops;
  return report;
}

std::string AttentionDemoReport::to_string() const {
  std::ostringstream os;
  os << "Multi-head self-attention, batch " << options.batch << ", sequence " << options.seq
     << ", model width " << options.dim << ", " << options.heads << " heads ("
     << options.dim / std::max(options.heads, 1) << " features per head), "
     << dtype_name(options.dtype) << "\n";
  os << "x " << shape_to_string(Shape{options.batch, options.seq, options.dim})
     << "; weights (in, out) applied as x @ W\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-14s %-34s %-20s %11s %10s\n", "step", "operation",
                "result shape", "time", "GFLOP/s");
  os << line;
  for (const AttentionDemoStep& s : steps) {
    std::string rate = s.is_view ? "view" : "-";
    if (s.flops > 0 && s.seconds > 0) {
      char r[32];
      std::snprintf(r, sizeof r, "%.2f", s.flops / s.seconds * 1e-9);
      rate = r;
    }
    std::snprintf(line, sizeof line, "  %-14s %-34s %-20s %11s %10s\n", s.name.c_str(),
                  s.operation.c_str(), shape_to_string(s.shape).c_str(),
                  seconds_text(s.seconds).c_str(), rate.c_str());
    os << line;
  }
  std::snprintf(line, sizeof line, "\n  total %s, %.3f GFLOP, %.2f GFLOP/s (best of %d)\n",
                seconds_text(total_seconds).c_str(), total_flops * 1e-9,
                total_seconds > 0 ? total_flops / total_seconds * 1e-9 : 0.0, options.repeats);
  os << line;
  return os.str();
}

}  // namespace ein
