// Kernel-family classification and problem printing.
#include <string>

#include "ein/gemm/gemm.hpp"
#include "ein/gemm/shape.hpp"

namespace ein::gemm {

Family choose_family(const GemmProblem& p) {
  const detail::Canonical c = detail::canonicalize(p);
  if (c.empty) return Family::Empty;
  if (c.k == 0) return Family::Fill;
  const bool batched = c.batch.rank > 0;
  const bool m = c.m > 1, n = c.n > 1, k = c.k > 1;
  if (!k) {
    if (m && n) return batched ? Family::BatchedOuter : Family::Outer;
    if (!m && !n && batched) return Family::Hadamard;
    return batched ? Family::BatchedScale : Family::Scale;
  }
  if (!m && !n) return batched ? Family::BatchedDot : Family::Dot;
  if (m != n) return batched ? Family::BatchedGemv : Family::Gemv;
  return batched ? Family::BatchedGemm : Family::Gemm;
}

const char* family_name(Family f) noexcept {
  switch (f) {
    case Family::Empty:
      return "empty";
    case Family::Fill:
      return "fill";
    case Family::Scale:
      return "scale";
    case Family::Dot:
      return "dot";
    case Family::Outer:
      return "outer";
    case Family::Gemv:
      return "gemv";
    case Family::Gemm:
      return "gemm";
    case Family::Hadamard:
      return "hadamard";
    case Family::BatchedScale:
      return "batched_scale";
    case Family::BatchedDot:
      return "batched_dot";
    case Family::BatchedOuter:
      return "batched_outer";
    case Family::BatchedGemv:
      return "batched_gemv";
    case Family::BatchedGemm:
      return "batched_gemm";
  }
  return "?";
}

std::string to_string(const GemmProblem& p) {
  auto pair = [](Index x, Index y) {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ")";
  };
  std::string s = "batch=[";
  for (std::size_t i = 0; i < p.batch.size(); ++i) {
    const BatchDim& d = p.batch[i];
    if (i > 0) s += ", ";
    s += "(" + std::to_string(d.extent) + ": " + std::to_string(d.a_stride) + ", " +
         std::to_string(d.b_stride) + ", " + std::to_string(d.c_stride) + ")";
  }
  s += "] m=" + std::to_string(p.m) + " n=" + std::to_string(p.n) + " k=" + std::to_string(p.k);
  s += " a=" + pair(p.a_m_stride, p.a_k_stride) + " b=" + pair(p.b_k_stride, p.b_n_stride) +
       " c=" + pair(p.c_m_stride, p.c_n_stride) + " " + std::string(dtype_name(p.dtype));
  if (p.accumulate) s += " accumulate";
  if (p.conj_a) s += " conj_a";
  if (p.conj_b) s += " conj_b";
  s += " -> ";
  s += family_name(choose_family(p));
  return s;
}

}  // namespace ein::gemm
