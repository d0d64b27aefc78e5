// Sums over any subset of axes: the kernel behind einsum's "ij->i" steps.
//
// Floating sums along contiguous runs are pairwise (like NumPy's), so their error grows with
// log(n) rather than n; integers wrap (unsigned arithmetic of the same width); bool is OR.
// Results are deterministic for a given thread count; threads split kept axes when they can
// (bit-identical to one thread) and otherwise the reduced axis, combining per-chunk partial sums
// in chunk order.
#pragma once

#include <span>

#include "ein/reduce/nest.hpp"
#include "ein/tensor.hpp"

namespace ein::reduce {

// dst[j...] (+)= sum over the reduced axes of src. `dst_view` has src's rank, shape and dtype,
// with stride 0 on the reduced axes (a broadcast view of the real output), so any subset of axes
// can be reduced. Kept axes must not overlap src. Allocates nothing; throws ein::Error
// (InvalidArgument) only on caller bugs (shape, rank or dtype mismatch, rank above 64).
void sum(const TensorView& src, const TensorView& dst_view, bool accumulate, int threads = 0);

// Plan once, run many: the loop nest of sum() for fixed shape and strides, holding no pointers
// and allocating nothing, so compiled einsum expressions build it once and run it on every call.
struct ReducePlan {
  enum class Outcome : std::uint8_t { Run, Nothing, ZeroOutput };
  Outcome outcome = Outcome::Run;
  detail::Nest nest;
  bool pure = true;  // every dst element is visited by exactly one inner run
  Index kept_count = 1;
  Index src_count = 1;

  // `dst_strides` has 0 on the reduced axes (see sum()). Throws ein::Error(InvalidArgument) on
  // rank mismatch or rank above 64 (caller bugs).
  static ReducePlan make(std::span<const Index> shape, std::span<const Index> src_strides,
                         std::span<const Index> dst_strides);
};

// Runs a plan on buffers of `dtype` pointing at element [0, ..., 0] of the planned views.
void sum(const ReducePlan& plan, DType dtype, const void* src, void* dst, bool accumulate,
         int threads = 0);

// The obvious loop over src in C order: the slow twin for tests.
void reference_sum(const TensorView& src, const TensorView& dst_view, bool accumulate);

}  // namespace ein::reduce
