// Kernels for einsum over a semiring other than (+, *): max-plus, min-plus, log-sum-exp and
// max-times (see include/ein/options.hpp and docs/semirings.md).
//
// The executor runs a plan's Copy steps unchanged and sends its Reduce and pairwise steps here
// when the plan's semiring is not Standard. The pairwise kernel takes gemm's problem form (batch,
// m, n, k, any element strides) so lowering is shared with the standard path; it is
// cache-blocked (packed panels of A and B, register tiles), threaded over tiles and batch items
// with support::parallel_for, and its inner loops are plain fixed-size loops the compiler
// vectorises (SSE2 in the baseline build, AVX2 picked at run time like gemm's own loops).
//
// Only float32 and float64 are supported: the semirings' zeros (+-inf) have no integer value,
// and integer + would wrap. Everything here allocates nothing and never throws on valid input.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ein/gemm/gemm.hpp"
#include "ein/options.hpp"
#include "ein/tensor.hpp"

namespace ein::semiring {

// "standard", "max_plus", "min_plus", "log_sum_exp", "max_times" (Python's semiring= names).
const char* name(Semiring s) noexcept;
// The inverse of name(); nullopt for anything else.
std::optional<Semiring> from_name(std::string_view name) noexcept;

// Throws ein::Error(DTypeMismatch) unless `s` is Standard or `dtype` is float32/float64.
void check_dtype(Semiring s, DType dtype);

// out[0 .. n) = the semiring's zero (-inf, +inf, -inf, 0; Standard: 0). dtype float32/float64.
void fill_zero(Semiring s, DType dtype, void* out, Index n) noexcept;

// C (+)= A (x) B over the semiring, in gemm's problem form (p.a, p.b, p.c are ignored: the
// pointers given are used). With p.accumulate, C = C (+) A(x)B. k == 0 gives the zero. s must
// not be Standard (use gemm::run); dtype float32/float64.
void gemm(Semiring s, const gemm::GemmProblem& p, const void* a, const void* b, void* c,
          int threads = 0);

// dst[j...] (+)= the semiring sum of src over the axes where dst_strides is 0 (and the extent is
// above 1), like reduce::sum. With no axis reduced and `accumulate` this is dst = dst (+) src:
// how sliced plans combine the partial results of chunks of a summed label.
void reduce(Semiring s, DType dtype, std::span<const Index> shape, const void* src,
            std::span<const Index> src_strides, void* dst, std::span<const Index> dst_strides,
            bool accumulate, int threads = 0);

}  // namespace ein::semiring
