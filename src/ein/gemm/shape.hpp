// GemmProblem in canonical form: batch dims without extent 1, sorted by C stride and folded;
// strides of extent-1 matrix dims zeroed (they never move a pointer); and helpers to walk
// batch items and N-D index spaces in order. Internal to gemm/.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ein/gemm/gemm.hpp"

namespace ein::gemm::detail {

inline constexpr int kMaxDims = 66;  // 64 batch dims (NumPy's rank limit) + m + n

// One dim of an index space with a stride for each of A, B and C.
struct Dim3 {
  Index extent = 1;
  Index a = 0, b = 0, c = 0;
};

// Up to kMaxDims dims, outermost first. Fixed capacity: no allocation on the hot path.
struct Dims {
  std::array<Dim3, kMaxDims> dim{};
  int rank = 0;
  Index count = 1;  // product of extents

  void push(const Dim3& d) {
    dim[static_cast<std::size_t>(rank++)] = d;
    count *= d.extent;
  }
  [[nodiscard]] const Dim3& operator[](int i) const { return dim[static_cast<std::size_t>(i)]; }
  // Drops extent-1 dims, orders by |c| (then |a|, |b|) descending and folds dims that are
  // adjacent in all three operands.
  void canonicalize();
};

struct Canonical {
  Dims batch;
  Index m = 1, n = 1, k = 1;
  Index a_m = 0, a_k = 0, b_k = 0, b_n = 0, c_m = 0, c_n = 0;
  bool conj_a = false, conj_b = false;  // complex conjugate A's / B's elements
  bool empty = false;                   // some extent is zero

  // C^T = B^T A^T: swaps the roles of m and n (and of A and B).
  void transpose();
};

Canonical canonicalize(const GemmProblem& p);

// Walks positions 0, 1, 2, ... of an index space in C order, tracking element offsets. Call
// seek() before anything else: construction leaves the index array unset, because zeroing its
// 66 entries cost more than a whole 3x3 product.
class Cursor {
 public:
  explicit Cursor(const Dims& d) : d_(d) {}
  void seek(Index pos);
  void next();
  [[nodiscard]] Index a() const { return a_; }
  [[nodiscard]] Index b() const { return b_; }
  [[nodiscard]] Index c() const { return c_; }

 private:
  const Dims& d_;
  std::array<Index, kMaxDims> idx_;  // set by seek() for the first d_.rank dims
  Index a_ = 0, b_ = 0, c_ = 0;
};

// a * b for work estimates, saturating instead of overflowing: k may come from broadcast
// (stride-0) operands and be arbitrarily large without any memory behind it.
inline Index sat_mul(Index a, Index b) {
  Index r = 0;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

// Throws ein::Error(Internal): the caller built a malformed problem.
[[noreturn]] void fail(const char* what);

}  // namespace ein::gemm::detail
