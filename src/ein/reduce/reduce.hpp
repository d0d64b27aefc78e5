// Sums over any subset of axes: the kernel behind einsum's "ij->i" steps.
//
// Floating sums along contiguous runs are pairwise (like NumPy's), so their error grows with
// log(n) rather than n; integers wrap (unsigned arithmetic of the same width); bool is OR.
// Results are deterministic for a given thread count; threads split kept axes when they can
// (bit-identical to one thread) and otherwise the reduced axis, combining per-chunk partial sums
// in chunk order.
#pragma once

#include "ein/tensor.hpp"

namespace ein::reduce {

// dst[j...] (+)= sum over the reduced axes of src. `dst_view` has src's rank, shape and dtype,
// with stride 0 on the reduced axes (a broadcast view of the real output), so any subset of axes
// can be reduced. Kept axes must not overlap src. Allocates nothing; throws ein::Error
// (InvalidArgument) only on caller bugs (shape, rank or dtype mismatch, rank above 64).
void sum(const TensorView& src, const TensorView& dst_view, bool accumulate, int threads = 0);

// The obvious loop over src in C order: the slow twin for tests.
void reference_sum(const TensorView& src, const TensorView& dst_view, bool accumulate);

}  // namespace ein::reduce
