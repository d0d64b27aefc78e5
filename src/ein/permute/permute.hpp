// The transposition kernel: strided copies and conversions between tensor views.
//
// Execution entry points allocate nothing and throw only on caller bugs (mismatched shapes,
// rank above kMaxRank, a copy between different dtypes) as ein::Error(InvalidArgument).
// Overlapping src and dst are not supported (except src == dst with equal strides).
#pragma once

#include "ein/permute/plan.hpp"
#include "ein/tensor.hpp"

namespace ein::permute {

// Copies src -> dst (same shape, same dtype; any strides including negative and zero in src).
void copy(const TensorView& src, const TensorView& dst, int threads = 0);
// Same with dtype conversion (NumPy casting='unsafe' meaning; see ein/convert.hpp).
void convert(const TensorView& src, const TensorView& dst, int threads = 0);
// The obvious loop nest over dst's shape in C order: the slow twin used by the tests.
void reference_copy(const TensorView& src, const TensorView& dst);

// Plan once, execute many: runs `plan` (built for these strides) on the given buffers. `src`
// and `dst` point at element [0, ..., 0] of views with the planned strides.
void execute(const PermutePlan& plan, DType src_dtype, const void* src, DType dst_dtype, void* dst,
             int threads = 0);

// Below this many bytes moved (read + written), copies run on the calling thread only.
inline constexpr Index kParallelBytes = Index{256} << 10;

}  // namespace ein::permute
