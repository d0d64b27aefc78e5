// Eigen's Tensor module (`contract`, `shuffle`, `sum`, `trace`, ...) as the C++ peer on the
// fixed suite of bench/suite.txt. Each benchmark is "eigen/<case>"; its answer is checked
// against ein's once per case (an error row when it disagrees). Big work runs on a
// ThreadPoolDevice with one thread per core; tiny work on the default device, as an Eigen user
// would write it; batched cases (which Tensor::contract cannot express) run one contraction per
// batch item, the items split across the pool.
//
//   build/release/bench/ein_eigen_bench [--smoke] [--benchmark_filter=matmul]
#include <benchmark/benchmark.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unsupported/Eigen/CXX11/Tensor>
#include <vector>

#include "suite.hpp"

namespace {

using bench::Case;
using bench::Prepared;
using Eigen::Index;
using Pair = Eigen::IndexPair<int>;
template <std::size_t N>
using Pairs = Eigen::array<Pair, N>;

template <class T, int R>
using Map = Eigen::TensorMap<Eigen::Tensor<T, R, Eigen::RowMajor>>;

Eigen::ThreadPoolDevice& pool_device() {
  static const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  static Eigen::ThreadPool pool(threads);
  static Eigen::ThreadPoolDevice device(&pool, threads);
  return device;
}

template <class T, int R>
Map<T, R> map(const ein::Tensor& t) {
  Eigen::array<Index, R> dims;
  for (int i = 0; i < R; ++i) dims[i] = t.shape().at(static_cast<std::size_t>(i));
  return Map<T, R>(t.data_as<T>(), dims);
}

// out = expr on the thread pool (Eigen splits the work itself where it is worth it).
template <class Out, class Expr>
void on_pool(Out out, const Expr& expr) {
  out.device(pool_device()) = expr;
}

// Batched GEMM: one contraction per batch item on the default device, items across the pool.
template <class T>
std::function<void()> batched(Index batch, Index m, Index k, Index n, bool b_transposed, const T* a,
                              const T* b, T* c) {
  return [=] {
    const auto one = [=](Index first, Index last) {
      for (Index i = first; i < last; ++i) {
        Map<T, 2> am(const_cast<T*>(a) + i * m * k, m, k);
        Map<T, 2> cm(c + i * m * n, m, n);
        if (b_transposed) {
          Map<T, 2> bm(const_cast<T*>(b) + i * n * k, n, k);
          cm = am.contract(bm, Pairs<1>{Pair(1, 1)});
        } else {
          Map<T, 2> bm(const_cast<T*>(b) + i * k * n, k, n);
          cm = am.contract(bm, Pairs<1>{Pair(1, 0)});
        }
      }
    };
    const double flops = 2.0 * static_cast<double>(m * n * k);
    pool_device().parallelFor(
        batch, Eigen::TensorOpCost(sizeof(T) * (m * k + k * n), sizeof(T) * m * n, flops), one);
  };
}

// Eigen expressions are slow to compile (every contraction instantiates its own kernels), so
// each case is instantiated only for the dtype bench/suite.txt gives it (matmul for both); a case
// whose dtype changes there reports "no Eigen form" until this function follows.
template <class T>
std::function<void()> runner(const Prepared& p, const ein::Tensor& out) {
  const std::string& name = p.c->name;
  const auto& t = p.tensors;
  const auto& s = p.c->shapes;
  const auto starts_with = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
  const auto one = [](int a, int b) { return Pairs<1>{Pair(a, b)}; };

  if (starts_with("matmul_")) {
    return [=] { on_pool(map<T, 2>(out), map<T, 2>(t[0]).contract(map<T, 2>(t[1]), one(1, 0))); };
  }
  if constexpr (std::is_same_v<T, float>) {
    if (starts_with("bmm_")) {
      return batched<T>(s[0][0], s[0][1], s[0][2], s[1][2], false, t[0].data_as<T>(),
                        t[1].data_as<T>(), out.data_as<T>());
    }
    if (name == "attn_scores" || name == "attn_values") {
      const bool scores = name == "attn_scores";
      const Index n = scores ? s[1][2] : s[1][3];
      return batched<T>(s[0][0] * s[0][1], s[0][2], s[0][3], n, scores, t[0].data_as<T>(),
                        t[1].data_as<T>(), out.data_as<T>());
    }
    if (name == "md_nd_mn") {
      return [=] { on_pool(map<T, 2>(out), map<T, 2>(t[0]).contract(map<T, 2>(t[1]), one(1, 1))); };
    }
    if (name == "bilinear") {  // ik,jkl,il->ij: (i, j, l) = x W, then the l sum weighted by y
      const Index ni = s[0][0], nj = s[1][0], nl = s[1][2];
      auto tmp = std::make_shared<Eigen::Tensor<T, 3, Eigen::RowMajor>>(ni, nj, nl);
      return [=] {
        on_pool(Map<T, 3>(tmp->data(), ni, nj, nl),
                map<T, 2>(t[0]).contract(map<T, 3>(t[1]), one(1, 1)));
        const auto y = map<T, 2>(t[2])
                           .reshape(Eigen::array<Index, 3>{ni, 1, nl})
                           .broadcast(Eigen::array<Index, 3>{1, nj, 1});
        on_pool(map<T, 2>(out), (*tmp * y).sum(Eigen::array<Index, 1>{2}));
      };
    }
    if (name == "permute_64MiB") {  // abcd->dbca
      return [=] {
        on_pool(map<T, 4>(out), map<T, 4>(t[0]).shuffle(Eigen::array<int, 4>{3, 1, 2, 0}));
      };
    }
    if (name == "sum_rows") {
      return [=] { on_pool(map<T, 1>(out), map<T, 2>(t[0]).sum(Eigen::array<Index, 1>{0})); };
    }
    if (name == "outer") {
      return
          [=] { on_pool(map<T, 2>(out), map<T, 1>(t[0]).contract(map<T, 1>(t[1]), Pairs<0>{})); };
    }
    if (name == "outer3") {
      return [=] {
        on_pool(map<T, 3>(out), map<T, 1>(t[0])
                                    .contract(map<T, 1>(t[1]), Pairs<0>{})
                                    .contract(map<T, 1>(t[2]), Pairs<0>{}));
      };
    }
    if (name == "matvec") {
      return [=] { on_pool(map<T, 1>(out), map<T, 2>(t[0]).contract(map<T, 1>(t[1]), one(1, 0))); };
    }
    if (name == "chain4") {  // (A (B C)) D, the cheapest order
      const Index a = s[0][0], b = s[1][0], d = s[2][1];
      auto t1 = std::make_shared<Eigen::Tensor<T, 2, Eigen::RowMajor>>(b, d);
      auto t2 = std::make_shared<Eigen::Tensor<T, 2, Eigen::RowMajor>>(a, d);
      return [=] {
        Map<T, 2> m1(t1->data(), b, d), m2(t2->data(), a, d);
        on_pool(m1, map<T, 2>(t[1]).contract(map<T, 2>(t[2]), one(1, 0)));
        on_pool(m2, map<T, 2>(t[0]).contract(m1, one(1, 0)));
        on_pool(map<T, 2>(out), m2.contract(map<T, 2>(t[3]), one(1, 0)));
      };
    }
  } else {
    if (name == "tiny_3x3") {  // tiny work: the default device, no thread hand-off
      return [=] {
        Map<T, 2> o = map<T, 2>(out);
        o = map<T, 2>(t[0]).contract(map<T, 2>(t[1]), one(1, 0));
      };
    }
    if (name == "tiny_2x2x2") {
      return [=] {
        Map<T, 2> o = map<T, 2>(out);
        o = map<T, 3>(t[0]).contract(map<T, 3>(t[1]), Pairs<2>{Pair(1, 0), Pair(2, 1)});
      };
    }
    if (name == "transp_ijk_jil") {
      return [=] {
        on_pool(map<T, 2>(out),
                map<T, 3>(t[0]).contract(map<T, 3>(t[1]), Pairs<2>{Pair(0, 1), Pair(1, 0)}));
      };
    }
    if (name == "transp_abcd_cdbe") {
      return [=] {
        on_pool(map<T, 2>(out), map<T, 4>(t[0]).contract(
                                    map<T, 4>(t[1]), Pairs<3>{Pair(1, 2), Pair(2, 0), Pair(3, 1)}));
      };
    }
    if (name == "trace") {  // Eigen 3.4 evaluates trace() on the default device only
      return [=] {
        Map<T, 0> o = map<T, 0>(out);
        o = map<T, 2>(t[0]).trace();
      };
    }
    if (name == "diagonal") {  // every (n+1)-th element of the flattened matrix
      const Index n = s[0][0];
      return [=] {
        Map<T, 1> flat(t[0].data_as<T>(), n * n);
        on_pool(map<T, 1>(out), flat.stride(Eigen::array<Index, 1>{n + 1}));
      };
    }
    if (name == "dot_2d") {
      return [=] { on_pool(map<T, 0>(out), (map<T, 2>(t[0]) * map<T, 2>(t[1])).sum()); };
    }
    if (name == "dot_1d") {
      return [=] { on_pool(map<T, 0>(out), (map<T, 1>(t[0]) * map<T, 1>(t[1])).sum()); };
    }
  }
  return {};  // network8 (no fixed-rank path to write by hand), mha, or a changed dtype
}

std::function<void()> eigen_runner(const Prepared& p, const ein::Tensor& out) {
  if (p.c->heads > 0) return {};
  if (p.c->dtype == ein::DType::Float32) return runner<float>(p, out);
  return runner<double>(p, out);
}

void BM_eigen(benchmark::State& state, const Case* c) {
  const Prepared& p = bench::prepare(*c);
  ein::Tensor out = ein::Tensor::empty(p.expected.dtype(), p.expected.shape());
  const std::function<void()> run = eigen_runner(p, out);
  if (!run) {
    state.SkipWithError("no Eigen form for this case");
    return;
  }
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
  state.SetLabel("check ok");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  const bool smoke = bench::take_smoke_flag(argc, argv, args);
  static const std::vector<Case> cases = bench::load_suite(smoke);
  for (const Case& c : cases) {
    if (c.heads > 0 || c.name == "network8") continue;  // no Eigen form (see runner)
    benchmark::RegisterBenchmark(("eigen/" + c.name).c_str(), BM_eigen, &c)->UseRealTime();
  }
  benchmark::AddCustomContext("eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                                                   std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                                   std::to_string(EIGEN_MINOR_VERSION));
  benchmark::AddCustomContext("eigen_threads", std::to_string(pool_device().numThreads()));
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return bench::wrong_answers() ? 1 : 0;  // a peer disagreed with ein (or ein with the peers)
}
