// ein::softmax and ein::log_softmax: the row kernel applied along one axis.
#include <type_traits>

#include "ein/nn.hpp"
#include "ein/nn/common.hpp"
#include "ein/nn/rows.hpp"
#include "ein/nn/softmax_kernel.hpp"

namespace ein {

namespace {

Tensor softmax_along(const TensorView& x, int axis, bool log) {
  const char* what = log ? "log_softmax" : "softmax";
  const DType dtype = nn::compute_dtype({x.dtype()}, what);
  const int ax = normalize_axis(axis, x.rank(), log ? "log_softmax: axis" : "softmax: axis");
  const Tensor in = nn::as_dtype(x, dtype);
  Tensor out = Tensor::empty(dtype, x.shape());
  const TensorView in_rows = nn::axis_last(in.view(), ax);
  const TensorView out_rows = nn::axis_last(out.view(), ax);
  const Index n = in_rows.extent(-1), is = in_rows.stride(-1), os = out_rows.stride(-1);
  visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const T* src = static_cast<const T*>(in_rows.data());
      T* dst = static_cast<T*>(out_rows.data());
      nn::for_each_row(in_rows, out_rows, 0, [&](Index, Index io, Index oo) {
        nn::softmax_row(src + io, is, dst + oo, os, n, log);
      });
    }
  });
  return out;
}

}  // namespace

Tensor softmax(const TensorView& x, int axis) { return softmax_along(x, axis, false); }

Tensor log_softmax(const TensorView& x, int axis) { return softmax_along(x, axis, true); }

}  // namespace ein
