// ein (C++) on the fixed suite of bench/suite.txt, with OpenBLAS called directly as the
// reference line for the GEMM-shaped cases and the machine's copy / read bandwidth with both
// cores as the reference for data movement. Each benchmark is "<peer>/<case>"; the peer's
// answer is checked against ein's once per case (an error row when it disagrees).
//
//   build/release/bench/ein_bench                         # the full suite
//   build/release/bench/ein_bench --smoke                 # tiny sizes, one quick pass (CI)
//   build/release/bench/ein_bench --benchmark_filter=matmul
//   scripts/bench.sh                                      # every peer, merged (README)
//
// Times are wall-clock (UseRealTime): ein and OpenBLAS use both cores.
#include <benchmark/benchmark.h>

#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "ein/ein.hpp"
#include "ein/nn.hpp"
#include "openblas_peer.hpp"
#include "planning.hpp"
#include "suite.hpp"

namespace {

using bench::Case;
using bench::Prepared;

ein::Tensor output_for(const Prepared& p) {
  return ein::Tensor::empty(p.expected.dtype(), p.expected.shape());
}

void report(benchmark::State& state, const std::string& label) { state.SetLabel(label); }

void BM_ein(benchmark::State& state, const Case* c) {
  const Prepared& p = bench::prepare(*c);
  ein::Tensor out = output_for(p);
  std::function<void()> run;
  std::string kernel;
  if (c->heads > 0) {
    const auto& v = p.views;
    run = [&v, &out, heads = c->heads] {
      out = ein::multi_head_attention(v[0], v[1], v[2], v[3], v[4], heads);
    };
    kernel = "multi_head_attention";
  } else {
    std::vector<ein::OperandSpec> specs;
    for (const auto& v : p.views) specs.push_back(ein::OperandSpec::of(v));
    auto e = std::make_shared<ein::Expression>(ein::Expression::compile(c->subscripts, specs));
    run = [e, &p, &out] { e->run(p.views, out); };
    for (const auto& step : e->info().steps) kernel += (kernel.empty() ? "" : "+") + step.kernel;
  }
  // One untimed run first, as BM_openblas does for its check: the output's pages are faulted in
  // (and the plan's workspace allocated) outside the timing, so that cases with few iterations per
  // repetition (100 MB attention scores) measure the contraction, not the kernel zeroing pages.
  run();
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  report(state, kernel);
}

void BM_openblas(benchmark::State& state, const Case* c) {
  const Prepared& p = bench::prepare(*c);
  ein::Tensor out = output_for(p);
  const std::function<void()> run = bench::openblas_runner(p, out);
  run();
  if (const std::string problem = bench::check(p, out); !problem.empty()) {
    state.SkipWithError(problem.c_str());
    bench::note_wrong_answer();
    return;
  }
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  report(state, "check ok");
}

// Sum with four independent 8-float vector accumulators (GCC/Clang vector extension), so that
// the loop is limited by memory rather than by the latency of one chain of additions (a plain
// loop over float[16] accumulators was not vectorised and measured the adder, not memory).
double sum_floats(const float* begin, const float* end) {
  using V = float __attribute__((vector_size(32)));
  V acc[4] = {};
  const float* p = begin;
  for (; end - p >= 32; p += 32) {
    for (int j = 0; j < 4; ++j) {
      V v;
      std::memcpy(&v, p + 8 * j, sizeof v);
      acc[j] += v;
    }
  }
  double total = 0;
  for (; p < end; ++p) total += *p;
  for (const V& a : acc) {
    for (int j = 0; j < 8; ++j) total += a[j];
  }
  return total;
}

// The machine's data-movement ceiling with both cores: each thread copies (or sums) its half.
// Threads are started per iteration (~tens of us against milliseconds of copying).
void BM_machine(benchmark::State& state, bool copy, std::size_t bytes) {
  const std::size_t n = bytes / sizeof(float);
  std::vector<float> src(n, 1.0f), dst(copy ? n : 0);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<double> sums(threads);
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        const std::size_t lo = n * t / threads, hi = n * (t + 1) / threads;
        if (copy) {
          std::memcpy(dst.data() + lo, src.data() + lo, (hi - lo) * sizeof(float));
        } else {
          sums[t] = sum_floats(src.data() + lo, src.data() + hi);
        }
      });
    }
    for (auto& th : pool) th.join();
    benchmark::DoNotOptimize(dst.data());
    benchmark::DoNotOptimize(sums.data());
  }
  const double moved = static_cast<double>(copy ? 2 * bytes : bytes);
  state.counters["GB/s"] =
      benchmark::Counter(moved * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  const bool smoke = bench::take_smoke_flag(argc, argv, args);
  static const std::vector<Case> cases = bench::load_suite(smoke);

  for (const Case& c : cases) {
    benchmark::RegisterBenchmark(("ein/" + c.name).c_str(), BM_ein, &c)->UseRealTime();
    if (bench::openblas_supports(c)) {
      benchmark::RegisterBenchmark(("openblas/" + c.name).c_str(), BM_openblas, &c)->UseRealTime();
    }
  }
  const std::size_t bytes = smoke ? (std::size_t{1} << 16) : (std::size_t{64} << 20);
  benchmark::RegisterBenchmark("machine/copy_64MiB", BM_machine, true, bytes)->UseRealTime();
  benchmark::RegisterBenchmark("machine/read_64MiB", BM_machine, false, bytes)->UseRealTime();
  bench::register_planning_benchmarks(smoke);

  benchmark::AddCustomContext("openblas_config", bench::openblas_config());
  benchmark::AddCustomContext("openblas_threads", std::to_string(bench::openblas_threads()));
  benchmark::AddCustomContext("hardware_threads",
                              std::to_string(std::thread::hardware_concurrency()));
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return bench::wrong_answers() ? 1 : 0;  // a peer disagreed with ein (or ein with the peers)
}
