// The engine's fixed benchmark suite (issue 3), with OpenBLAS called directly as the reference
// line for GEMM-shaped cases. Reports GFLOP/s (or GB/s for data movement) as counters.
//
//   build/release/bench/ein_bench                 # the full suite
//   build/release/bench/ein_bench --smoke         # tiny sizes, one quick pass (CI)
//   build/release/bench/ein_bench --benchmark_filter=matmul
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ein/ein.hpp"

namespace {

bool g_smoke = false;

ein::Index scaled(ein::Index n) { return g_smoke ? std::max<ein::Index>(2, n / 64) : n; }

ein::Tensor random(ein::DType dt, ein::Shape shape) {
  ein::Tensor t = ein::Tensor::empty(dt, std::move(shape));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  ein::visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(t.data());
    for (ein::Index i = 0; i < t.numel(); ++i) p[i] = ein::convert_value<T>(u(rng));
  });
  return t;
}

// Runs a compiled einsum; `flops` per run (0 = report bytes moved instead).
void run_einsum(benchmark::State& state, const std::string& eq, std::vector<ein::Tensor> ops,
                double flops, double bytes = 0) {
  std::vector<ein::TensorView> views(ops.begin(), ops.end());
  std::vector<ein::OperandSpec> specs;
  for (const auto& v : views) specs.push_back(ein::OperandSpec::of(v));
  const ein::Expression e = ein::Expression::compile(eq, specs);
  ein::Tensor out = ein::Tensor::empty(e.output_dtype(), e.output_shape());
  for (auto _ : state) {
    e.run(views, out);
    benchmark::DoNotOptimize(out.data());
  }
  if (flops > 0) {
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  }
  if (bytes > 0) {
    state.counters["GB/s"] = benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  }
  state.SetLabel(e.info().steps.empty() ? "" : e.info().steps.back().kernel);
}

void BM_matmul_einsum(benchmark::State& state, ein::DType dt) {
  const ein::Index n = scaled(state.range(0));
  run_einsum(state, "ij,jk->ik", {random(dt, {n, n}), random(dt, {n, n})}, 2.0 * n * n * n);
}

void BM_matmul_openblas(benchmark::State& state, ein::DType dt) {
  const ein::Index n = scaled(state.range(0));
  ein::Tensor a = random(dt, {n, n}), b = random(dt, {n, n}), c = ein::Tensor::empty(dt, {n, n});
  const int ni = static_cast<int>(n);
  for (auto _ : state) {
    if (dt == ein::DType::Float32) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f, a.data_as<float>(),
                  ni, b.data_as<float>(), ni, 0.0f, c.data_as<float>(), ni);
    } else {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0, a.data_as<double>(),
                  ni, b.data_as<double>(), ni, 0.0, c.data_as<double>(), ni);
    }
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2e-9 * n * n * n, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_batched_matmul(benchmark::State& state) {
  const ein::Index b = scaled(state.range(0)), n = state.range(1);
  run_einsum(state, "bij,bjk->bik",
             {random(ein::DType::Float32, {b, n, n}), random(ein::DType::Float32, {b, n, n})},
             2.0 * b * n * n * n);
}

void BM_attention_scores(benchmark::State& state) {
  const ein::Index b = 2, h = 12, s = scaled(512), d = 64;
  run_einsum(state, "bhid,bhjd->bhij",
             {random(ein::DType::Float32, {b, h, s, d}), random(ein::DType::Float32, {b, h, s, d})},
             2.0 * b * h * s * s * d);
}

void BM_attention_values(benchmark::State& state) {
  const ein::Index b = 2, h = 12, s = scaled(512), d = 64;
  run_einsum(state, "bhij,bhjd->bhid",
             {random(ein::DType::Float32, {b, h, s, s}), random(ein::DType::Float32, {b, h, s, d})},
             2.0 * b * h * s * s * d);
}

void BM_transposing_ijk_jil(benchmark::State& state) {
  const ein::Index n = scaled(128);
  run_einsum(state, "ijk,jil->kl",
             {random(ein::DType::Float64, {n, n, n}), random(ein::DType::Float64, {n, n, n})},
             2.0 * n * n * n * n);
}

void BM_transposing_abcd_cdbe(benchmark::State& state) {
  const ein::Index n = scaled(48);
  run_einsum(state, "abcd,cdbe->ae",
             {random(ein::DType::Float64, {n, n, n, n}), random(ein::DType::Float64, {n, n, n, n})},
             2.0 * n * n * n * n * n);
}

void BM_permute_4d(benchmark::State& state) {
  const ein::Index n = scaled(64);  // 64^4 float32 = 64 MiB
  run_einsum(state, "abcd->dbca", {random(ein::DType::Float32, {n, n, n, n})}, 0,
             2.0 * 4 * n * n * n * n);
}

void BM_reduce_rows(benchmark::State& state) {
  const ein::Index n = scaled(4096);
  run_einsum(state, "ij->j", {random(ein::DType::Float32, {n, n})}, 0, 4.0 * n * n);
}

void BM_trace(benchmark::State& state) {
  const ein::Index n = scaled(4096);
  run_einsum(state, "ii->", {random(ein::DType::Float64, {n, n})}, 0, 8.0 * n);
}

void BM_tiny_3x3(benchmark::State& state) {
  run_einsum(state, "ij,jk->ik", {random(ein::DType::Float64, {3, 3}), random(ein::DType::Float64, {3, 3})},
             54);
}

void BM_tiny_2x2x2(benchmark::State& state) {
  run_einsum(state, "ijk,jkl->il",
             {random(ein::DType::Float64, {2, 2, 2}), random(ein::DType::Float64, {2, 2, 2})}, 32);
}

}  // namespace

BENCHMARK_CAPTURE(BM_matmul_einsum, f32, ein::DType::Float32)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_matmul_openblas, f32, ein::DType::Float32)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_matmul_einsum, f64, ein::DType::Float64)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_matmul_openblas, f64, ein::DType::Float64)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_batched_matmul)->Args({64, 128})->Args({4096, 8})->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_attention_scores)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_attention_values)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_transposing_ijk_jil)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_transposing_abcd_cdbe)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_permute_4d)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_reduce_rows)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_trace)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_tiny_3x3)->UseRealTime();
BENCHMARK(BM_tiny_2x2x2)->UseRealTime();

int main(int argc, char** argv) {
  std::vector<char*> args;
  static char min_time[] = "--benchmark_min_time=0.001";
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      g_smoke = true;
      args.push_back(min_time);
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
