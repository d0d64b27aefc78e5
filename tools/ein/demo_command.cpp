#include "demo_command.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/einsum.hpp"
#include "ein/ops.hpp"
#include "ein/products.hpp"
#include "print_array.hpp"

namespace ein::cli {

void DemoContext::section(const std::string& title) { out << "\n== " << title << " ==\n"; }

bool DemoContext::check(bool ok, const std::string& what) {
  ++checks;
  if (!ok) ++failures;
  out << "  check " << what << ": " << (ok ? "ok" : "MISMATCH") << "\n";
  return ok;
}

void DemoContext::show(const std::string& label, const TensorView& value) {
  const std::string text = format_array(value);
  // Multi-line arrays start on their own line so their columns stay aligned.
  out << label << (text.find('\n') == std::string::npos ? " = " : " =\n") << text << "\n";
}

Tensor DemoContext::random(DType dtype, Shape shape) {
  Tensor t = Tensor::empty(DType::Float64, std::move(shape));
  std::uniform_real_distribution<double> u(-1, 1);
  auto* p = t.data_as<double>();
  for (Index i = 0; i < t.numel(); ++i) p[i] = u(rng);
  return t.astype(dtype);
}

namespace {

bool equals(const Tensor& got, const std::vector<std::int64_t>& want, const Shape& shape) {
  return got.shape() == shape && got.to_vector<std::int64_t>() == want;
}

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", seconds * 1e3);
  return buf;
}

void reference_products(DemoContext& ctx) {
  ctx.section("NumPy's reference examples");
  const Tensor a = Tensor::from_vector<std::int64_t>({1, 2, 3, 4}, {2, 2});
  const Tensor b = Tensor::from_vector<std::int64_t>({5, 6, 7, 8}, {2, 2});
  const Tensor ab = dot(a, b);
  ctx.show("dot([[1, 2], [3, 4]], [[5, 6], [7, 8]])", ab);
  ctx.check(equals(ab, {19, 22, 43, 50}, {2, 2}), "matrix product = [[19, 22], [43, 50]]");

  const Tensor v1 = Tensor::from_vector<std::int64_t>({1, 2, 3}, {3});
  const Tensor v2 = Tensor::from_vector<std::int64_t>({4, 5, 6}, {3});
  const Tensor d = dot(v1, v2);
  ctx.show("dot([1, 2, 3], [4, 5, 6])", d);
  ctx.check(equals(d, {32}, {}), "inner product = 32");

  std::vector<std::int64_t> vals;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) vals.push_back(100 * (i + 1) + 10 * (j + 1) + (k + 1));
    }
  }
  const Tensor v = Tensor::from_vector<std::int64_t>(vals, {2, 3, 4});
  const Tensor u = Tensor::ones(DType::Int64, {4});
  const Tensor vu = tensordot(v, u, 1);
  ctx.out << "v[i][j][k] = 100(i+1) + 10(j+1) + (k+1), shape (2, 3, 4); u = ones(4)\n";
  ctx.show("tensordot(v, u, axes=1)", vu);
  ctx.check(equals(vu, {450, 490, 530, 850, 890, 930}, {2, 3}),
            "= [[450, 490, 530], [850, 890, 930]]");

  const Tensor h1 = Tensor::from_vector<std::int64_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor h2 = Tensor::from_vector<std::int64_t>({7, 8, 9, 10, 11, 12}, {2, 3});
  const Tensor h = multiply(h1, h2);
  ctx.show("[[1, 2, 3], [4, 5, 6]] * [[7, 8, 9], [10, 11, 12]]", h);
  ctx.check(equals(h, {7, 16, 27, 40, 55, 72}, {2, 3}),
            "Hadamard product = [[7, 16, 27], [40, 55, 72]]");
}

// Runs one einsum on random data: plan report, timing, result excerpt, and a check of sampled
// elements against a direct loop (`reference(flat_output_index)`).
template <class Ref>
void einsum_case(DemoContext& ctx, const std::string& title, const std::string& subscripts,
                 const std::vector<Tensor>& ops, double summation_length, Ref reference) {
  ctx.section(title);
  std::vector<TensorView> views(ops.begin(), ops.end());
  std::vector<OperandSpec> specs;
  for (const Tensor& t : ops) {
    specs.push_back(OperandSpec::of(t));
    ctx.out << "operand " << specs.size() - 1 << ": " << shape_to_string(t.shape()) << " "
            << dtype_name(t.dtype()) << "\n";
  }
  std::string report = einsum_path(subscripts, specs).to_string();
  if (!report.empty() && report.back() != '\n') report += '\n';
  ctx.out << report;
  (void)einsum(subscripts, views);  // warm-up
  const double t0 = now_seconds();
  const Tensor r = einsum(subscripts, views);
  const double seconds = now_seconds() - t0;
  ctx.out << "einsum('" << subscripts << "') -> " << shape_to_string(r.shape()) << " "
          << dtype_name(r.dtype()) << " in " << ms(seconds) << "\n";
  // A rank-4 result summarised in full is pages long; its first matrix tells the story.
  TensorView excerpt = r.view();
  std::string label = "result";
  if (r.rank() > 2) {
    label += "[";
    while (excerpt.rank() > 2) {
      excerpt = excerpt.select(0, 0);
      label += "0, ";
    }
    label += "...]";
  }
  ctx.show(label, excerpt);
  const double eps = real_dtype(r.dtype()) == DType::Float32
                         ? std::numeric_limits<float>::epsilon()
                         : std::numeric_limits<double>::epsilon();
  const Tensor flat = r.contiguous();
  const auto got = flat.to_vector<double>();
  int bad = 0;
  const Index n = r.numel();
  const Index step = std::max<Index>(1, n / 97);  // about a hundred samples, spread out
  for (Index i = 0; i < n; i += step) {
    const auto [want, magnitude] = reference(i);  // magnitude: sum of |terms|, for the bound
    if (!(std::abs(got[static_cast<std::size_t>(i)] - want) <=
          4 * eps * summation_length * (magnitude + 1e-300))) {
      ++bad;
    }
  }
  ctx.check(bad == 0, "sampled elements against a direct loop");
}

void einsum_forms(DemoContext& ctx) {
  const Index big = ctx.small ? 64 : 1024;
  {
    const Tensor a = ctx.random(DType::Float64, {big, big / 2});
    const auto* p = a.data_as<double>();
    const Index cols = big / 2;
    einsum_case(ctx, "transpose: 'ij->ji'", "ij->ji", {a}, 1, [&](Index i) {
      const Index r = i / big, c = i % big;  // output (cols, big)
      const double v = p[c * cols + r];
      return std::pair{v, std::abs(v)};
    });
  }
  {
    const Tensor a = ctx.random(DType::Float64, {big, big});
    const auto* p = a.data_as<double>();
    einsum_case(ctx, "trace: 'ii'", "ii", {a}, static_cast<double>(big), [&](Index) {
      double s = 0, m = 0;
      for (Index k = 0; k < big; ++k) {
        s += p[k * big + k];
        m += std::abs(p[k * big + k]);
      }
      return std::pair{s, m};
    });
  }
  {
    const Index m = ctx.small ? 48 : 512, k = ctx.small ? 64 : 1024, n = ctx.small ? 32 : 768;
    const Tensor a = ctx.random(DType::Float64, {m, k});
    const Tensor b = ctx.random(DType::Float64, {k, n});
    const auto* pa = a.data_as<double>();
    const auto* pb = b.data_as<double>();
    einsum_case(ctx, "matrix product: 'ij,jk->ik'", "ij,jk->ik", {a, b}, static_cast<double>(k),
                [&](Index flat) {
                  const Index i = flat / n, j = flat % n;
                  double s = 0, mag = 0;
                  for (Index q = 0; q < k; ++q) {
                    s += pa[i * k + q] * pb[q * n + j];
                    mag += std::abs(pa[i * k + q] * pb[q * n + j]);
                  }
                  return std::pair{s, mag};
                });
  }
  {
    const Index B = 2, H = ctx.small ? 2 : 8, L = ctx.small ? 16 : 256, D = ctx.small ? 8 : 64;
    const Tensor q = ctx.random(DType::Float32, {B, H, L, D});
    const Tensor kk = ctx.random(DType::Float32, {B, H, L, D});
    const auto* pq = q.data_as<float>();
    const auto* pk = kk.data_as<float>();
    einsum_case(ctx, "attention scores: 'bhid,bhjd->bhij'", "bhid,bhjd->bhij", {q, kk},
                static_cast<double>(D), [&](Index flat) {
                  const Index j = flat % L, i = (flat / L) % L, bh = flat / (L * L);
                  double s = 0, mag = 0;
                  for (Index d = 0; d < D; ++d) {
                    const double t = static_cast<double>(pq[(bh * L + i) * D + d]) *
                                     static_cast<double>(pk[(bh * L + j) * D + d]);
                    s += t;
                    mag += std::abs(t);
                  }
                  return std::pair{s, mag};
                });
  }
}

struct DemoOptions {
  bool small = false;
};

int run_demo(const DemoOptions& o) {
  DemoContext ctx{std::cout};
  ctx.small = o.small;
  ctx.out << "ein demo: NumPy's tensor products and einsum, each result checked\n";
  reference_products(ctx);
  einsum_forms(ctx);
  demo_attention(ctx);
  ctx.out << "\n" << ctx.checks - ctx.failures << " of " << ctx.checks << " checks passed\n";
  ctx.out.flush();
  return ctx.failures == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace

void add_demo_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Walk through reference examples (dot, tensordot, Hadamard, einsum forms)");
  cmd->add_flag("--small", o->small, "Use small random operands (quick)");
  cmd->footer("Exit code 1 if any result differs from its reference.");
  cmd->callback([o, &action] { action = [o] { return run_demo(*o); }; });
}

}  // namespace ein::cli
