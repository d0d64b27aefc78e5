// Thread safety: one compiled ein::Expression run from many threads on different data, many
// different expressions at once, planning with different options side by side, and ein's own
// thread pool entered from several callers at once. scripts/tsan.sh runs these under
// ThreadSanitizer (gtest filter Concurrency.*); in ordinary builds they check the results.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/path/path.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

using test::tensors_equal;

constexpr int kThreads = 6;

// Bit-for-bit equality, callable from any thread (no gtest assertion inside).
bool same(const Tensor& a, const Tensor& b) { return static_cast<bool>(tensors_equal(a, b)); }

// Runs body(t) on kThreads threads released together, and joins them.
template <class F>
void run_threads(int n, const F& body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      body(t);
    });
  }
  go.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
}

struct SharedCase {
  const char* subscripts;
  std::vector<Shape> shapes;
  DType dtype;
};

// One Expression per case, shared by every thread; each thread has its own operands and output.
// The cases cover BLAS GEMM (batched and one large), a permute into the workspace, a reduction
// and integer loops.
TEST(Concurrency, OneExpressionManyThreads) {
  const std::vector<SharedCase> cases = {
      {"bij,bjk->bik", {{3, 24, 20}, {3, 20, 28}}, DType::Float64},
      {"ijk,kji->ij", {{6, 5, 7}, {7, 5, 6}}, DType::Float32},
      {"ijkl->jl", {{5, 6, 7, 3}}, DType::Complex128},
      // Big enough for OpenBLAS to use its own threads, entered from several callers at once.
      {"ij,jk->ik", {{128, 96}, {96, 112}}, DType::Float64},
      {"ij,jk,kl->il", {{7, 9}, {9, 4}, {4, 6}}, DType::Int64},
  };
  for (int threads_inside : {1, 2}) {
    for (const SharedCase& sc : cases) {
      SCOPED_TRACE(std::string(sc.subscripts) + " threads=" + std::to_string(threads_inside));
      EinsumOptions options;
      options.threads = threads_inside;
      std::vector<OperandSpec> specs;
      for (const Shape& s : sc.shapes) specs.push_back({sc.dtype, s, {}});
      const Expression e = Expression::compile(sc.subscripts, specs, options);

      // Each thread's operands and the reference result, prepared up front.
      std::vector<std::vector<Tensor>> inputs(kThreads);
      std::vector<Tensor> want(kThreads);
      for (int t = 0; t < kThreads; ++t) {
        auto rng = test::make_rng(100 + static_cast<std::uint64_t>(t));
        for (const Shape& s : sc.shapes) inputs[t].push_back(test::random_tensor(sc.dtype, s, rng));
        const std::vector<TensorView> views(inputs[t].begin(), inputs[t].end());
        want[t] = e(views);  // single-threaded result: the runs below must match it bit for bit
        if (t == 0) {
          EXPECT_TRUE(
              test::tensors_close(want[t], test::reference_einsum(sc.subscripts, views), 128));
        }
      }
      std::vector<int> mismatches(kThreads, 0);
      run_threads(kThreads, [&](int t) {
        const std::vector<TensorView> views(inputs[t].begin(), inputs[t].end());
        Tensor out = Tensor::empty(e.output_dtype(), e.output_shape());
        for (int iter = 0; iter < 8; ++iter) {
          if (iter % 2 == 1) {
            e.run(views, out);
            mismatches[t] += !same(out, want[t]);
          } else {
            mismatches[t] += !same(e(views), want[t]);
          }
        }
      });
      for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
    }
  }
}

// Many different expressions at once: each thread runs its own slice of the random corpus (all
// dtypes, odd strides, '...', diagonals), all reading the same shared operands.
TEST(Concurrency, ManyExpressionsAtOnce) {
  constexpr int kCases = 60;
  test::CorpusOptions small;
  small.max_operands = 4;
  small.max_work = 3000;
  std::vector<test::EinsumCase> cases;
  std::vector<Tensor> want;
  for (std::uint64_t seed = 1; seed <= kCases; ++seed) {
    cases.push_back(test::random_einsum_case(seed, small));
    want.push_back(einsum(cases.back().subscripts, cases.back().views()));
  }
  std::vector<std::string> failures(kThreads);
  run_threads(kThreads, [&](int t) {
    for (int round = 0; round < 2; ++round) {
      for (int k = t; k < kCases; k += 2) {  // overlapping slices: cases run concurrently
        const auto& c = cases[static_cast<std::size_t>(k)];
        EinsumOptions options;
        options.threads = 1 + (k + t) % 2;
        options.optimize = (k % 3 == 0) ? "greedy" : "auto";
        const Tensor got = einsum(c.subscripts, c.views(), options);
        if (!same(got, want[static_cast<std::size_t>(k)]) && !test::matches_reference(c, got)) {
          failures[t] += c.describe() + "\n";
        }
      }
    }
  });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
}

// Planning with different options side by side: every thread must get its own answer (options
// are parameters, never globals), and registering a path finder while others plan is safe.
TEST(Concurrency, PlanningWithDifferentOptions) {
  const std::vector<OperandSpec> specs = {{DType::Float64, {10, 20}, {}},
                                          {DType::Float64, {20, 30}, {}},
                                          {DType::Float64, {30, 5}, {}},
                                          {DType::Float64, {5, 40}, {}}};
  const char* eq = "ab,bc,cd,de->ae";
  const char* finders[] = {"optimal", "greedy", "dp", "branch-2", "none", "auto"};
  std::vector<PathInfo> want;
  for (const char* f : finders) {
    EinsumOptions o;
    o.optimize = f;
    want.push_back(einsum_path(eq, specs, o));
  }
  std::vector<int> mismatches(kThreads, 0);
  run_threads(kThreads, [&](int t) {
    if (t == kThreads - 1) {
      // A reader-writer race on the registry would show here under TSan.
      for (int i = 0; i < 20; ++i) {
        path::register_path_finder("concurrency-test-" + std::to_string(i % 3),
                                   [](const path::PathProblem& p) {
                                     ContractionPath path;
                                     for (std::size_t k = 1; k < p.inputs.size(); ++k) {
                                       path.emplace_back(0, 1);
                                     }
                                     return path;
                                   });
      }
      return;
    }
    for (int iter = 0; iter < 12; ++iter) {
      const std::size_t f = static_cast<std::size_t>(t + iter) % want.size();
      EinsumOptions o;
      o.optimize = finders[f];
      o.threads = 1 + iter % 3;
      const PathInfo got = einsum_path(eq, specs, o);
      if (got.path != want[f].path || got.optimized_flops != want[f].optimized_flops) {
        ++mismatches[t];
      }
    }
  });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// Big enough that ein's own threaded loops (permute, reduce, own GEMM loops for integers) split
// work across the pool, entered by several callers at once.
TEST(Concurrency, ThreadPoolSharedByCallers) {
  auto rng = test::make_rng(5);
  const Tensor a = test::random_view(DType::Float64, {48, 40, 36}, rng);
  const Tensor b = test::random_tensor(DType::Int64, {96, 80}, rng);
  const Tensor c = test::random_tensor(DType::Int64, {80, 64}, rng);
  EinsumOptions four;
  four.threads = 4;
  const Tensor want_perm = einsum("ijk->kji", {a}, four);
  const Tensor want_sum = einsum("ijk->j", {a}, four);
  const Tensor want_int = einsum("ij,jk->ik", {b, c}, four);
  EXPECT_TRUE(test::tensors_close(want_sum, test::reference_einsum("ijk->j", {a}), 48 * 36));
  EXPECT_TRUE(tensors_equal(want_int, test::reference_einsum("ij,jk->ik", {b, c})));
  std::vector<int> mismatches(kThreads, 0);
  run_threads(kThreads, [&](int t) {
    for (int iter = 0; iter < 3; ++iter) {
      switch ((t + iter) % 3) {
        case 0:
          mismatches[t] += !same(einsum("ijk->kji", {a}, four), want_perm);
          break;
        case 1:
          mismatches[t] += !same(einsum("ijk->j", {a}, four), want_sum);
          break;
        default:
          mismatches[t] += !same(einsum("ij,jk->ik", {b, c}, four), want_int);
      }
    }
  });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace ein
