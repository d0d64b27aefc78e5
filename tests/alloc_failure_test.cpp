// Allocation failure at every point of every front door: the 1st, 2nd, 3rd, ... allocation ein
// makes (tensor storage and workspaces, through support/fault_injection.hpp) is refused in turn
// until the call needs no more than were allowed. Each refused call must throw
// ein::Error(OutOfMemory) (Python turns it into MemoryError), and the call that finally completes
// must give exactly the unfailed result. Under the asan CI stage LeakSanitizer checks at exit
// that no failure leaked what was allocated before it.
//
// Each attempt runs on a fresh thread: Expression workspaces are per thread and reused, so only
// a thread's first run allocates one, and that allocation must be made to fail too.
#include <gtest/gtest.h>

#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/npy.hpp"
#include "ein/ops.hpp"
#include "ein/products.hpp"
#include "ein/support/fault_injection.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"

namespace ein {
namespace {

using test::tensors_equal;
using Views = std::vector<TensorView>;

struct DisarmOnExit {
  ~DisarmOnExit() { support::disarm_allocation_failure(); }
};

// Runs f on a new thread with `allowed` allocations granted; rethrows what f threw.
Tensor attempt(const std::function<Tensor()>& f, std::int64_t allowed) {
  Tensor result;
  std::exception_ptr error;
  std::thread worker([&] {
    support::fail_allocation_after(allowed);
    try {
      result = f();
    } catch (...) {
      error = std::current_exception();
    }
    support::disarm_allocation_failure();
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return result;
}

// Refuses the 1st, 2nd, ... allocation of f until it completes; every refusal must be
// OutOfMemory and the completed result must equal the unfailed one. Returns how many allocation
// points were failed (so a case can insist that it allocates at all).
int sweep(const std::string& what, const std::function<Tensor()>& f) {
  SCOPED_TRACE(what);
  const DisarmOnExit disarm;
  const Tensor want = attempt(f, 1000000);
  constexpr int kMaxPoints = 64;
  for (int allowed = 0; allowed < kMaxPoints; ++allowed) {
    try {
      const Tensor got = attempt(f, allowed);
      EXPECT_TRUE(tensors_equal(got, want)) << "after " << allowed << " allocations";
      return allowed;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::OutOfMemory)
          << "allocation " << allowed + 1 << " refused: " << error_code_name(e.code()) << ": "
          << e.what();
      if (e.code() != ErrorCode::OutOfMemory) return allowed;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "allocation " << allowed + 1 << " refused: not an ein::Error: " << e.what();
      return allowed;
    }
  }
  ADD_FAILURE() << "still failing after " << kMaxPoints << " allocations";
  return kMaxPoints;
}

EinsumOptions one_thread() {
  EinsumOptions o;
  o.threads = 1;
  return o;
}

TEST(AllocationFailure, EinsumEveryKernelFamily) {
  auto rng = test::make_rng(81);
  const Tensor a = test::random_view(DType::Float64, {6, 5}, rng);
  const Tensor b = test::random_view(DType::Float64, {5, 7}, rng);
  const Tensor b3 = test::random_view(DType::Float32, {3, 6, 5}, rng);
  const Tensor c3 = test::random_view(DType::Float64, {3, 5, 4}, rng);
  const Tensor z = test::random_view(DType::Complex128, {4, 4}, rng);
  const Tensor n = test::random_view(DType::Int64, {4, 3, 5}, rng);
  const Tensor sq = test::random_view(DType::Float64, {5, 5}, rng);
  struct Case {
    const char* eq;
    Views ops;
  };
  const std::vector<Case> cases = {
      {"ij,jk->ik", {a, b}},       // GEMM on strided views
      {"bij,bjk->bik", {b3, c3}},  // batched, mixed dtypes (cast first)
      {"ijk->ki", {n}},            // reduction + permute, integers
      {"ij->ji", {z}},             // permute only, complex
      {"i,j->ij", {a.view().diagonal(), b.view().diagonal()}},  // outer product
      {"ii->", {sq}},                                           // trace
      {"ij,jk,kl,lm->im", {a, sq, sq.view().transpose(), b}},   // a multi-step path
      {"ij,ij->ij", {a, a}},                                    // elementwise
  };
  for (const Case& c : cases) {
    const int points = sweep(c.eq, [&] { return einsum(c.eq, c.ops, one_thread()); });
    EXPECT_GE(points, 1) << c.eq << ": an einsum that allocates nothing?";
  }
  // ein's own thread pool as well (allocations on pool threads count too).
  EinsumOptions two;
  two.threads = 2;
  sweep("threads=2", [&] { return einsum("bij,bjk->bik", {b3, c3}, two); });
}

TEST(AllocationFailure, CompiledExpressionAndOut) {
  auto rng = test::make_rng(82);
  const Tensor a = test::random_view(DType::Float64, {4, 6, 5}, rng);
  const Tensor b = test::random_view(DType::Float64, {5, 6, 3}, rng);
  const Tensor c = test::random_tensor(DType::Float64, {3, 2}, rng);
  const Views ops{a, b, c};
  const char* eq = "ijk,kjl,lm->im";
  const std::vector<OperandSpec> specs{OperandSpec::of(a), OperandSpec::of(b), OperandSpec::of(c)};
  sweep("Expression::compile + run", [&] {
    const Expression e = Expression::compile(eq, specs, one_thread());
    return e(ops);
  });
  const Expression e = Expression::compile(eq, specs, one_thread());
  sweep("Expression::operator()", [&] { return e(ops); });
  sweep("Expression::run into a transposed out (computed aside, then copied)", [&] {
    Tensor out = Tensor::zeros(DType::Float64, {2, 4});
    e.run(ops, out.view().transpose());
    return out;
  });
  sweep("einsum_into an out that is operand 0", [&] {
    Tensor x = Tensor::from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2});
    const Tensor y = Tensor::from_vector(std::vector<double>{5, 6, 7, 8}, {2, 2});
    einsum_into("ij,jk->ik", Views{x, y}, x, one_thread());
    return x;
  });
}

TEST(AllocationFailure, MemoryLimitedSlicedRun) {
  auto rng = test::make_rng(83);
  const Tensor a = test::random_tensor(DType::Float64, {8, 16, 8}, rng);
  const Tensor b = test::random_tensor(DType::Float64, {8, 16, 8}, rng);
  EinsumOptions o = one_thread();
  o.memory_limit = 2048;  // far below the 8 KiB intermediate: the run must slice
  sweep("einsum with memory_limit", [&] { return einsum("ijk,kjl->il", {a, b}, o); });
}

TEST(AllocationFailure, OpsAndProducts) {
  auto rng = test::make_rng(84);
  const Tensor a = test::random_view(DType::Float64, {3, 4}, rng);
  const Tensor b = test::random_view(DType::Float64, {4, 5}, rng);
  const Tensor row = test::random_tensor(DType::Float32, {1, 4}, rng);
  const Tensor z = test::random_view(DType::Complex64, {3, 4}, rng);
  const std::vector<int> axis0{0};
  sweep("copy", [&] { return a.copy(); });
  sweep("multiply (broadcast, mixed dtypes)", [&] { return multiply(a, row); });
  sweep("divide by a scalar", [&] { return divide(a, 3.0); });
  sweep("conj", [&] { return conj(z); });
  sweep("sum over an axis", [&] { return sum(a, axis0); });
  sweep("trace", [&] { return trace(a); });
  sweep("dot", [&] { return dot(a, b); });
  sweep("matmul", [&] { return matmul(a, b); });
  sweep("tensordot", [&] { return tensordot(a, b, 1); });
  sweep("outer", [&] { return outer(a, b); });
  sweep("kron", [&] { return kron(a, b); });
}

TEST(AllocationFailure, NpyAndNpzReaders) {
  auto rng = test::make_rng(85);
  const Tensor a = test::random_tensor(DType::Float32, {5, 3}, rng);
  const Tensor b = test::random_tensor(DType::Int32, {7}, rng);
  const std::vector<std::byte> file = write_npy(a);
  sweep("read_npy", [&] { return read_npy(file); });
  const auto dir = std::filesystem::temp_directory_path();
  for (bool compress : {false, true}) {
    const auto path = dir / ("ein_alloc_failure_" + std::to_string(compress) + ".npz");
    save_npz(path, {{"a", a}, {"b", b}}, compress);
    sweep(compress ? "load_npz (deflate)" : "load_npz (stored)", [&] {
      const NpzMembers m = load_npz(path);
      EXPECT_EQ(m.size(), 2u);
      return m.back().second;
    });
    sweep("load_npz_member", [&] { return load_npz_member(path, "a"); });
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace ein
