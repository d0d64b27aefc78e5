// `ein bench`: a fixed suite of einsum cases timed through ein::einsum (median of N runs), as a
// table of GFLOP/s and GB/s, optionally also as JSON.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/einsum.hpp"

namespace ein::cli {

namespace {

struct BenchCase {
  std::string name;
  std::string subscripts;  // explicit form ("->"), no ellipsis
  std::vector<Shape> shapes;
  DType dtype = DType::Float64;
};

std::vector<BenchCase> suite(const std::string& name) {
  if (name == "tiny") {
    return {
        {"matmul_64", "ij,jk->ik", {{64, 64}, {64, 64}}, DType::Float64},
        {"attention_scores", "bhid,bhjd->bhij", {{2, 2, 32, 16}, {2, 2, 32, 16}}, DType::Float32},
        {"transpose_128", "ij->ji", {{128, 128}}, DType::Float64},
        {"trace_128", "ii->", {{128, 128}}, DType::Float64},
        {"contract_2_axes", "ijk,jkl->il", {{16, 16, 16}, {16, 16, 16}}, DType::Float64},
        {"outer_256", "i,j->ij", {{256}, {256}}, DType::Float64},
        {"chain_3", "ij,jk,kl->il", {{32, 64}, {64, 16}, {16, 48}}, DType::Float64},
        {"complex_matmul", "ij,jk->ik", {{32, 32}, {32, 32}}, DType::Complex128},
    };
  }
  return {
      {"matmul_1024_f64", "ij,jk->ik", {{1024, 1024}, {1024, 1024}}, DType::Float64},
      {"matmul_1024_f32", "ij,jk->ik", {{1024, 1024}, {1024, 1024}}, DType::Float32},
      {"attention_scores", "bhid,bhjd->bhij", {{8, 12, 512, 64}, {8, 12, 512, 64}}, DType::Float32},
      {"attention_output",
       "bhij,bhjd->bhid",
       {{8, 12, 512, 512}, {8, 12, 512, 64}},
       DType::Float32},
      {"batched_matmul", "bij,bjk->bik", {{64, 128, 128}, {64, 128, 128}}, DType::Float64},
      {"contract_2_axes", "ijk,jkl->il", {{64, 64, 64}, {64, 64, 64}}, DType::Float64},
      {"transpose_4096", "ij->ji", {{4096, 4096}}, DType::Float64},
      {"permute_3d", "ijk->kij", {{256, 256, 256}}, DType::Float32},
      {"trace_4096", "ii->", {{4096, 4096}}, DType::Float64},
      {"row_sum_4096", "ij->i", {{4096, 4096}}, DType::Float64},
      {"chain_3", "ij,jk,kl->il", {{512, 1024}, {1024, 64}, {64, 2048}}, DType::Float64},
      {"complex_matmul", "ij,jk->ik", {{256, 256}, {256, 256}}, DType::Complex128},
  };
}

// Useful floating-point operations: 2 per multiply-add for contractions, 1 per multiply for outer
// products, 1 per addition for single-operand reductions, 0 for pure permutations; complex
// multiply-adds count 8 (4x real), complex additions 2. Chains use the planner's optimized count.
double case_flops(const BenchCase& c) {
  if (c.shapes.size() > 2) {
    std::vector<OperandSpec> specs;
    for (const Shape& s : c.shapes) specs.push_back({c.dtype, s, {}});
    return einsum_path(c.subscripts, specs).optimized_flops;
  }
  std::map<char, Index> extent;
  std::size_t term = 0, axis = 0;
  const std::size_t arrow = c.subscripts.find("->");
  for (std::size_t i = 0; i < arrow; ++i) {
    const char ch = c.subscripts[i];
    if (ch == ',') {
      ++term;
      axis = 0;
      continue;
    }
    extent[ch] = c.shapes[term][axis++];
  }
  double all = 1;
  for (const auto& [label, n] : extent) all *= static_cast<double>(n);
  const std::string out = c.subscripts.substr(arrow + 2);
  const bool summed = std::any_of(extent.begin(), extent.end(), [&](const auto& kv) {
    return out.find(kv.first) == std::string::npos;
  });
  const double complex_factor = is_complex(c.dtype) ? 4 : 1;
  if (c.shapes.size() == 2) return (summed ? 2 : 1) * all * complex_factor;  // multiply(-add)s
  return summed ? all * complex_factor / 2 : 0;                              // additions only
}

// Bytes of operand k that the einsum reads: a repeated label ('ii') reads only the diagonal, so
// count each distinct label's extent once.
double touched_bytes(const BenchCase& c, std::size_t k) {
  std::size_t start = 0;
  for (std::size_t t = 0; t < k; ++t) start = c.subscripts.find(',', start) + 1;
  const std::size_t end = c.subscripts.find_first_of(",-", start);
  const std::string term = c.subscripts.substr(start, end - start);
  std::map<char, Index> extent;
  for (std::size_t a = 0; a < term.size(); ++a) extent[term[a]] = c.shapes[k][a];
  double n = static_cast<double>(itemsize(c.dtype));
  for (const auto& [label, e] : extent) n *= static_cast<double>(e);
  return n;
}

Tensor random_tensor(const Shape& shape, DType dtype, std::mt19937_64& rng) {
  Tensor t = Tensor::empty(DType::Complex128, shape);
  std::uniform_real_distribution<double> u(-1, 1);
  auto* p = t.data_as<complex128>();
  for (Index i = 0; i < t.numel(); ++i) p[i] = {u(rng), u(rng)};
  return t.astype(dtype);
}

struct Result {
  BenchCase c;
  int repeats = 0;
  double median_s = 0, min_s = 0, flops = 0, bytes = 0;
};

std::string json_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::string to_json(const std::string& suite_name, int threads, const std::vector<Result>& rs) {
  std::ostringstream os;
  os.precision(9);
  os << "{\n  \"suite\": \"" << json_escape(suite_name) << "\",\n  \"threads\": " << threads
     << ",\n  \"cases\": [";
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const Result& r = rs[i];
    os << (i ? "," : "") << "\n    {\"name\": \"" << json_escape(r.c.name)
       << "\", \"subscripts\": \"" << json_escape(r.c.subscripts) << "\", \"shapes\": [";
    for (std::size_t s = 0; s < r.c.shapes.size(); ++s) {
      os << (s ? ", " : "") << "[";
      for (std::size_t k = 0; k < r.c.shapes[s].size(); ++k) {
        os << (k ? ", " : "") << r.c.shapes[s][k];
      }
      os << "]";
    }
    os << "], \"dtype\": \"" << dtype_name(r.c.dtype) << "\", \"repeats\": " << r.repeats
       << ", \"median_s\": " << r.median_s << ", \"min_s\": " << r.min_s
       << ", \"flops\": " << r.flops
       << ", \"gflops_per_s\": " << (r.flops > 0 ? r.flops / r.median_s / 1e9 : 0)
       << ", \"gbytes_per_s\": " << r.bytes / r.median_s / 1e9 << "}";
  }
  os << "\n  ]\n}\n";
  return os.str();
}

struct BenchOptions {
  std::string suite = "default";
  int repeat = 5;
  int threads = 0;
  std::string json;
  std::string filter;
};

int run_bench(const BenchOptions& o) {
  const std::vector<BenchCase> cases = suite(o.suite);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::mt19937_64 rng(12345);
  EinsumOptions opt;
  opt.threads = o.threads;
  std::vector<Result> results;
  std::size_t index = 0;
  for (const BenchCase& c : cases) {
    ++index;
    if (!o.filter.empty() && c.name.find(o.filter) == std::string::npos) continue;
    if (tty) {
      std::cerr << "\r\033[K[" << index << "/" << cases.size() << "] " << c.name << std::flush;
    }
    std::vector<Tensor> ops;
    for (const Shape& s : c.shapes) ops.push_back(random_tensor(s, c.dtype, rng));
    const std::vector<TensorView> views(ops.begin(), ops.end());
    Tensor out = einsum(c.subscripts, views, opt);  // warm-up (plans, page faults, BLAS threads)
    std::vector<double> times;
    for (int r = 0; r < o.repeat; ++r) {
      const double t0 = now_seconds();
      out = einsum(c.subscripts, views, opt);
      times.push_back(now_seconds() - t0);
    }
    std::sort(times.begin(), times.end());
    Result res{c, o.repeat, times[times.size() / 2], times.front(), case_flops(c), 0};
    for (std::size_t k = 0; k < ops.size(); ++k) res.bytes += touched_bytes(c, k);
    res.bytes += static_cast<double>(out.numel() * itemsize(out.dtype()));
    results.push_back(res);
  }
  if (tty) std::cerr << "\r\033[K" << std::flush;

  std::printf("%-18s %-18s %-10s %8s %11s %9s %8s\n", "case", "subscripts", "dtype", "repeats",
              "median ms", "GFLOP/s", "GB/s");
  for (const Result& r : results) {
    char gflops[32] = "-";
    if (r.flops > 0) std::snprintf(gflops, sizeof gflops, "%.2f", r.flops / r.median_s / 1e9);
    std::printf("%-18s %-18s %-10s %8d %11.3f %9s %8.2f\n", r.c.name.c_str(),
                r.c.subscripts.c_str(), std::string(dtype_name(r.c.dtype)).c_str(), r.repeats,
                r.median_s * 1e3, gflops, r.bytes / r.median_s / 1e9);
  }
  std::fflush(stdout);
  if (!o.json.empty()) write_text_file_atomically(o.json, to_json(o.suite, o.threads, results));
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time a fixed suite of einsum cases (median of N runs) and print GFLOP/s");
  cmd->add_option("--suite", o->suite, "Which suite: tiny (seconds) or default (realistic sizes)")
      ->check(CLI::IsMember({"tiny", "default"}))
      ->capture_default_str();
  cmd->add_option("--repeat,-n", o->repeat, "Timed runs per case (after one warm-up run)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads for ein and BLAS; 0 means all cores")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--filter", o->filter, "Run only the cases whose name contains this text");
  cmd->add_option("--json", o->json, "Also write the results as JSON to FILE")->type_name("FILE");
  cmd->footer("Progress is shown on stderr only when it is a terminal.");
  cmd->callback([o, &action] { action = [o] { return run_bench(*o); }; });
}

}  // namespace ein::cli
