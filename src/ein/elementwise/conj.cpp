// ein::conj: the one unary kernel the product front doors need (vdot-like conjugation where a
// real reinterpretation does not apply, e.g. cosine_similarity of complex vectors).
#include <array>

#include "ein/elementwise/loop.hpp"
#include "ein/ops.hpp"

namespace ein {

Tensor conj(const TensorView& a) {
  if (!is_complex(a.dtype())) return Tensor::borrow(a).copy();
  Tensor out = Tensor::empty(a.dtype(), a.shape());
  const std::array<const Strides*, 2> strides = {&out.strides(), &a.strides()};
  const elementwise::LoopPlan plan = elementwise::plan_loop(a.shape(), strides);
  const auto isz = static_cast<Index>(a.itemsize());
  visit_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_complex_v<T>) {
      elementwise::for_each_row(
          plan, {static_cast<std::byte*>(out.data()), static_cast<std::byte*>(a.data()), nullptr},
          {isz, isz, 0},
          [](const std::array<std::byte*, 3>& p, const std::array<Index, 3>& s, Index n) {
            T* o = static_cast<T*>(static_cast<void*>(p[0]));
            const T* x = static_cast<const T*>(static_cast<const void*>(p[1]));
            for (Index i = 0; i < n; ++i) o[i] = T(x[i * s[1]].real(), -x[i * s[1]].imag());
          });
    }
  });
  return out;
}

}  // namespace ein
