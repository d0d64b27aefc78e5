// The pairwise contraction kernel: C[batch, m, n] (+)= sum_k A[batch, m, k] * B[batch, k, n].
//
// float32/float64/complex64/complex128 problems whose strides BLAS accepts go to OpenBLAS;
// everything else (integers, bool, strides BLAS cannot take) runs on ein's own blocked loops.
// Elementwise shapes (k == 1: scale, outer, Hadamard) and dots use vectorisable loops, never
// per-element BLAS calls. Arithmetic follows NumPy: integers wrap (computed in the unsigned type
// of the same width), bool is OR of ANDs, complex products use the plain formula, NaN and Inf
// propagate (no work is skipped on zeros).
//
// Threads: `threads` (<= 0: all cores) bounds ein's own loops. OpenBLAS threads its own calls
// according to its global setting (OPENBLAS_NUM_THREADS); ein never changes that setting because
// it is process-wide and other threads may be inside BLAS at the time. Small problems stay
// single-threaded inside OpenBLAS, so batches of small matrices are split across ein's pool.
#pragma once

#include <memory>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::gemm {

struct BatchDim {
  Index extent;
  Index a_stride, b_stride, c_stride;  // elements
};

struct GemmProblem {
  DType dtype = DType::Float64;  // a, b, c all have this dtype
  std::vector<BatchDim> batch;   // zero or more batch dims (not necessarily foldable)
  Index m = 1, n = 1, k = 1;
  const void* a = nullptr;
  Index a_m_stride = 0, a_k_stride = 0;  // A is m x k
  const void* b = nullptr;
  Index b_k_stride = 0, b_n_stride = 0;  // B is k x n
  void* c = nullptr;
  Index c_m_stride = 0, c_n_stride = 0;  // C is m x n
  bool accumulate = false;               // C += A*B instead of C = A*B
  // Use conj(A) / conj(B) (complex dtypes; ignored for real ones). No copy is made: BLAS gets
  // its conjugating transpose flags, ein's own loops conjugate as they load.
  bool conj_a = false, conj_b = false;
};

// The shape of the work, after ignoring extent-1 dims (batch dims of extent 1 do not count):
//   Empty     C has no elements                    Fill   k == 0: C = 0 (or unchanged)
//   Scale     k == 1, m or n is 1 (vector*scalar)  Outer  k == 1, m, n > 1
//   Dot       m == n == 1, k > 1                   Gemv   k > 1, exactly one of m, n > 1
//   Gemm      m, n, k > 1
//   Hadamard  batched, m == n == k == 1 (elementwise product)
//   Batched*  the others with batch dims.
enum class Family {
  Empty,
  Fill,
  Scale,
  Dot,
  Outer,
  Gemv,
  Gemm,
  Hadamard,
  BatchedScale,
  BatchedDot,
  BatchedOuter,
  BatchedGemv,
  BatchedGemm,
};

Family choose_family(const GemmProblem& p);
// "empty", "fill", "scale", "dot", "outer", "gemv", "gemm", "hadamard", "batched_scale", ...
const char* family_name(Family f) noexcept;

// True when BLAS can run on these strides directly: the dtype is float32/float64/complex64/
// complex128 and A, B and C can all be described as BLAS matrices in one storage order (one unit
// stride per matrix and a leading dimension >= the other extent; extent-1 dims' strides do not
// matter; vectors may have any positive stride), with extents and leading dimensions that fit
// BLAS's int. Batch strides do not matter. Families that never call BLAS (k == 1, Fill, Empty)
// run at full speed on any strides, and report true when BLAS could have taken them.
bool blas_compatible(const GemmProblem& p);

// True when run() would take this problem, on these strides, through ein's packed kernels and
// that beats copying the operands into BLAS layouts first (float64 on strides BLAS cannot take,
// big enough, on a CPU with AVX-512): the lowering then leaves the operands where they are.
bool packs_directly(const GemmProblem& p);

// C (+)= A*B. Never fails on a well-formed problem and allocates nothing; any strides work
// (negative and zero included; C must not overlap A or B, and C must not have zero strides on
// dims of extent > 1). Malformed problems (negative extents, null pointers with work to do)
// throw ein::Error(Internal).
void run(const GemmProblem& p, int threads = 0);
// The same problem on other buffers: `a`, `b`, `c` replace p.a, p.b, p.c (compiled plans keep one
// problem and run it on each call's pointers without copying it).
void run(const GemmProblem& p, const void* a, const void* b, void* c, int threads = 0);

namespace detail {
struct Prepared;
}

// A problem canonicalised and routed once, for compiled plans that run the same problem on each
// call's buffers: run() on it skips the per-call canonicalisation (a 66-dim batch array) and BLAS
// planning, which cost as much as the arithmetic of a 3x3 product. Immutable and shared by
// copies. Buffers in the problem itself are ignored.
class PreparedProblem {
 public:
  PreparedProblem() = default;
  explicit PreparedProblem(const GemmProblem& p);
  [[nodiscard]] bool valid() const noexcept { return impl_ != nullptr; }
  [[nodiscard]] const detail::Prepared& impl() const noexcept { return *impl_; }

 private:
  std::shared_ptr<const detail::Prepared> impl_;
};

// The prepared problem on these buffers (the same result as run(problem, a, b, c, threads)).
void run(const PreparedProblem& p, const void* a, const void* b, void* c, int threads = 0);

// The obvious triple loop per batch item, summing k in order: the slow twin for tests.
void reference(const GemmProblem& p);

// "batch=[(4: 12, 20, 6)] m=3 (4, 1) n=2 (1, 2) k=5 (1, 3) c=(6, 1) float32 accumulate" style
// summary for plan printers and test failures.
std::string to_string(const GemmProblem& p);

}  // namespace ein::gemm
