// OpenBLAS called directly, as a user would for the GEMM-shaped cases of the suite: the
// reference line ein's GEMM path is measured against.
#pragma once

#include <functional>

#include "suite.hpp"

namespace bench {

// Whether the case has a direct BLAS form (openblas_runner returns a function for it).
bool openblas_supports(const Case& c);

// A callable computing the case into `out` (C-contiguous, the case's output shape) with CBLAS
// calls, or an empty function when the case has no direct BLAS form.
std::function<void()> openblas_runner(const Prepared& p, const ein::Tensor& out);

}  // namespace bench
