// Seeded random tensors for tests, and the same values laid out with awkward strides.
//
// Values are chosen so that the reference is exact or nearly so: bool 50/50; int32/int64 in
// -3..3 (products of a handful stay small, and wrap-around is tested separately); floats uniform
// in [-1, 1]; complex with both parts so. Everything derives from std::mt19937_64 with our own
// mapping to values (not std::*_distribution, whose output differs between standard libraries),
// so a seed means the same tensor everywhere.
#pragma once

#include <cstdint>
#include <random>

#include "ein/tensor.hpp"

namespace ein::test {

using Rng = std::mt19937_64;

// An integer uniform in [lo, hi].
Index uniform_int(Rng& rng, Index lo, Index hi);
// A double uniform in [0, 1).
double uniform01(Rng& rng);
// True with probability p.
bool chance(Rng& rng, double p);
// A generator seeded with a scrambled `seed`, so that nearby seeds give unrelated streams.
Rng make_rng(std::uint64_t seed);

// A C-contiguous tensor of random values.
Tensor random_tensor(DType dtype, const Shape& shape, Rng& rng);
Tensor random_tensor(DType dtype, const Shape& shape, std::uint64_t seed);

// How odd_strided_copy lays a tensor out.
struct LayoutOptions {
  Index max_step = 3;       // each axis takes every 1st..max_step-th element of a bigger buffer
  double p_reverse = 0.35;  // per axis: negative stride
  double p_permute = 0.5;   // the axes sit in the buffer in a shuffled order
  double p_odd_unit = 0.2;  // per extent-1 axis: stride 0 or a large stride (both legal)
};

// A copy of `values` (same shape, dtype and elements) whose view has odd strides: a slice with
// steps > 1 of a larger buffer, some axes reversed, sometimes permuted. The gaps hold values that
// would spoil any result that reads them (NaN for inexact types, 1000003 for integers). The
// returned Tensor owns its buffer.
Tensor odd_strided_copy(const TensorView& values, Rng& rng, const LayoutOptions& options = {});

// random_tensor laid out by odd_strided_copy.
Tensor random_view(DType dtype, const Shape& shape, Rng& rng, const LayoutOptions& options = {});

// A tensor of `shape` that is really `values` broadcast along `axis` (stride 0 there): random
// values of extent 1 on that axis, broadcast to shape[axis].
Tensor random_broadcast(DType dtype, const Shape& shape, int axis, Rng& rng);

}  // namespace ein::test
