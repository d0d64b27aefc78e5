// gemm::reference — the slow twin: every batch index, every (i, j), k summed in order.
#include <array>
#include <complex>

#include "ein/gemm/arith.hpp"
#include "ein/gemm/gemm.hpp"
#include "ein/gemm/shape.hpp"

namespace ein::gemm {

namespace {

template <class T>
void reference_item(const GemmProblem& p, const T* a, const T* b, T* c) {
  using Ar = detail::Arith<T>;
  for (Index i = 0; i < p.m; ++i) {
    for (Index j = 0; j < p.n; ++j) {
      T& out = c[i * p.c_m_stride + j * p.c_n_stride];
      auto sum = p.accumulate ? Ar::load(out) : Ar::load(T{});
      for (Index q = 0; q < p.k; ++q) {
        auto x = Ar::load(a[i * p.a_m_stride + q * p.a_k_stride]);
        auto y = Ar::load(b[q * p.b_k_stride + j * p.b_n_stride]);
        if constexpr (is_complex_v<T>) {
          if (p.conj_a) x = std::conj(x);
          if (p.conj_b) y = std::conj(y);
        }
        sum = Ar::madd(sum, x, y);
      }
      out = Ar::store(sum);
    }
  }
}

}  // namespace

void reference(const GemmProblem& p) {
  if (p.batch.size() > 64) detail::fail("more than 64 batch dims");
  Index items = 1;
  for (const BatchDim& d : p.batch) items *= d.extent;
  visit_dtype(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (Index flat = 0; flat < items; ++flat) {
      Index rest = flat, ao = 0, bo = 0, co = 0;
      for (std::size_t d = p.batch.size(); d-- > 0;) {
        const Index x = rest % p.batch[d].extent;
        rest /= p.batch[d].extent;
        ao += x * p.batch[d].a_stride;
        bo += x * p.batch[d].b_stride;
        co += x * p.batch[d].c_stride;
      }
      reference_item(p, static_cast<const T*>(p.a) + ao, static_cast<const T*>(p.b) + bo,
                     static_cast<T*>(p.c) + co);
    }
  });
}

}  // namespace ein::gemm
