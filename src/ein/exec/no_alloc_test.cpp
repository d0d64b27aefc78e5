// A compiled Expression's run allocates nothing (issue 3): every kernel's loop nest is planned
// at compile time and the workspace is reused (or the caller's).
//
// This executable replaces the global operator new/delete with counting versions; a run between
// start() and stop() must not reach them from any thread (pool threads included). OpenBLAS's
// own buffers come from malloc/mmap inside BLAS and are not ein's allocations.
#include <execinfo.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "ein/ein.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

// EIN_NOALLOC_BACKTRACE=1 prints where each counted allocation came from (to stderr, without
// allocating), to find the culprit when a test below fails.
void report(std::size_t size) {
  static const bool enabled = std::getenv("EIN_NOALLOC_BACKTRACE") != nullptr;
  if (!enabled) return;
  std::array<void*, 16> frames{};
  const int n = backtrace(frames.data(), static_cast<int>(frames.size()));
  std::fprintf(stderr, "counted allocation of %zu bytes:\n", size);
  backtrace_symbols_fd(frames.data(), n, 2);
}

void* counted_alloc(std::size_t size, std::size_t align) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1);
    report(size);
  }
  if (size == 0) size = 1;
  void* p = align <= alignof(std::max_align_t)
                ? std::malloc(size)
                : std::aligned_alloc(align, (size + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return counted_alloc(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t a) {
  return counted_alloc(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return counted_alloc(size, static_cast<std::size_t>(a));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size, alignof(std::max_align_t));
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace ein {
namespace {

// Allocations made by `f` on any thread.
template <class F>
long allocations_during(const F& f) {
  g_allocations = 0;
  g_counting = true;
  f();
  g_counting = false;
  return g_allocations.load();
}

Tensor ones(DType dt, Shape shape) {
  Tensor t = Tensor::empty(dt, std::move(shape));
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    auto* p = static_cast<T*>(t.data());
    for (Index i = 0; i < t.numel(); ++i) p[i] = convert_value<T>(1.0 + static_cast<double>(i % 7));
  });
  return t;
}

TEST(NoAlloc, CountingWorks) {
  // The counter must see an allocation, or the tests below prove nothing.
  EXPECT_GT(allocations_during([] {
              const std::vector<int> v(10);
              (void)v;
            }),
            0);
}

// The random corpus (all step kinds: copies, conversions, reductions, every GEMM family).
TEST(NoAlloc, CompiledRunsOnTheCorpus) {
  for (std::uint64_t seed : test::corpus_seeds(1, 400)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    const std::vector<TensorView> views = c.views();
    std::vector<OperandSpec> specs;
    for (const auto& v : views) specs.push_back(OperandSpec::of(v));
    const Expression e = Expression::compile(c.subscripts, specs);
    Tensor out = Tensor::empty(e.output_dtype(), e.output_shape());
    e.run(views, out);  // the thread's workspace grows on the first run
    EXPECT_EQ(allocations_during([&] { e.run(views, out); }), 0) << c.describe();
    EXPECT_TRUE(test::matches_reference(c, out));
  }
}

// Sizes where the kernels use threads and BLAS: matmul, a big transpose, a threaded reduction.
TEST(NoAlloc, CompiledRunsOnLargeWork) {
  struct Case {
    const char* eq;
    std::vector<Shape> shapes;
  };
  const std::vector<Case> cases = {
      {"ik,kj->ij", {{192, 160}, {160, 128}}},
      {"bij,bjk->bik", {{64, 8, 8}, {64, 8, 8}}},
      {"ijk,jil->kl", {{40, 30, 20}, {30, 40, 24}}},
      {"abcd->dcba", {{32, 32, 32, 16}}},
      {"ij->j", {{2048, 96}}},
      {"ij->i", {{96, 4096}}},
      {"ij,ij->", {{512, 512}, {512, 512}}},
  };
  for (DType dt : {DType::Float32, DType::Float64, DType::Int64, DType::Complex64}) {
    for (const Case& k : cases) {
      std::vector<Tensor> ops;
      std::vector<TensorView> views;
      std::vector<OperandSpec> specs;
      for (const Shape& s : k.shapes) ops.push_back(ones(dt, s));
      for (const Tensor& t : ops) views.emplace_back(t);
      for (const TensorView& v : views) specs.push_back(OperandSpec::of(v));
      const Expression e = Expression::compile(k.eq, specs);
      Tensor out = Tensor::empty(e.output_dtype(), e.output_shape());
      e.run(views, out);
      EXPECT_EQ(allocations_during([&] { e.run(views, out); }), 0) << k.eq << " " << dtype_name(dt);
      const Tensor expected = einsum(k.eq, views);
      EXPECT_TRUE(test::tensors_equal(out, expected)) << k.eq << " " << dtype_name(dt);
    }
  }
}

// With the caller's workspace even the first run on a fresh thread allocates nothing.
TEST(NoAlloc, CallerWorkspaceFirstRunOnAFreshThread) {
  const Tensor a = ones(DType::Float64, {6, 5, 4});
  const Tensor b = ones(DType::Float64, {4, 6, 3});
  const std::vector<TensorView> views{a, b};
  const std::vector<OperandSpec> specs{OperandSpec::of(a), OperandSpec::of(b)};
  const Expression e = Expression::compile("ijk,kil->jl", specs);
  ASSERT_GT(e.workspace_bytes(), 0U);  // the transposing contraction needs intermediates
  std::vector<std::byte> workspace(e.workspace_bytes() + 64);
  auto* aligned = reinterpret_cast<std::byte*>(
      (reinterpret_cast<std::uintptr_t>(workspace.data()) + 63) / 64 * 64);
  const std::span<std::byte> ws(aligned, e.workspace_bytes());
  Tensor out = Tensor::empty(e.output_dtype(), e.output_shape());
  long count = -1;
  std::thread t([&] { count = allocations_during([&] { e.run(views, out, ws); }); });
  t.join();
  EXPECT_EQ(count, 0);
  EXPECT_TRUE(test::tensors_equal(out, einsum("ijk,kil->jl", views)));
}

TEST(NoAlloc, CallerWorkspaceTooSmallOrMisaligned) {
  const Tensor a = ones(DType::Float64, {6, 5, 4});
  const Tensor b = ones(DType::Float64, {4, 6, 3});
  const std::vector<TensorView> views{a, b};
  const std::vector<OperandSpec> specs{OperandSpec::of(a), OperandSpec::of(b)};
  const Expression e = Expression::compile("ijk,kil->jl", specs);
  Tensor out = Tensor::zeros(e.output_dtype(), e.output_shape());
  std::vector<std::byte> workspace(e.workspace_bytes() + 64);
  EXPECT_THROW(e.run(views, out, std::span(workspace.data(), e.workspace_bytes() - 1)), Error);
  auto* odd = reinterpret_cast<std::byte*>(
      (reinterpret_cast<std::uintptr_t>(workspace.data()) + 63) / 64 * 64 + 1);
  EXPECT_THROW(e.run(views, out, std::span(odd, e.workspace_bytes())), Error);
  const Tensor zeros = Tensor::zeros(e.output_dtype(), e.output_shape());
  EXPECT_TRUE(test::tensors_equal(out, zeros));  // untouched
}

}  // namespace
}  // namespace ein
