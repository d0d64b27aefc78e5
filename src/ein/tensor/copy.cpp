// copy_into / fill_zero.
// TODO(lead): route through the blocked permutation kernel (ein::permute) once it lands.
#include <vector>

#include "ein/tensor.hpp"

namespace ein {

namespace {
template <class To, class From>
void strided_convert(const TensorView& src, const TensorView& dst) {
  const int r = src.rank();
  const Index n = src.numel();
  if (n == 0) return;
  std::vector<Index> idx(static_cast<std::size_t>(r), 0);
  const From* s = static_cast<const From*>(src.data());
  To* d = static_cast<To*>(dst.data());
  Index so = 0, dof = 0;
  for (Index count = 0; count < n; ++count) {
    d[dof] = convert_value<To>(s[so]);
    for (int a = r - 1; a >= 0; --a) {
      if (++idx[a] < src.shape()[a]) {
        so += src.strides()[a];
        dof += dst.strides()[a];
        break;
      }
      so -= (idx[a] - 1) * src.strides()[a];
      dof -= (idx[a] - 1) * dst.strides()[a];
      idx[a] = 0;
    }
  }
}
}  // namespace

void copy_into(const TensorView& src, const TensorView& dst) {
  if (src.shape() != dst.shape()) {
    throw Error(ErrorCode::ShapeMismatch, "copy: source shape " + shape_to_string(src.shape()) +
                                              " differs from destination shape " +
                                              shape_to_string(dst.shape()));
  }
  visit_dtype(dst.dtype(), [&](auto to) {
    visit_dtype(src.dtype(), [&](auto from) {
      strided_convert<decltype(to), decltype(from)>(src, dst);
    });
  });
}

void fill_zero(const TensorView& dst) {
  Tensor zero = Tensor::zeros(dst.dtype(), {});
  copy_into(zero.view().broadcast_to(dst.shape()), dst);
}

}  // namespace ein
