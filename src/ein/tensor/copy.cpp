// copy_into / fill_zero: front doors over the blocked permutation kernel.
#include "ein/permute/permute.hpp"
#include "ein/tensor.hpp"

namespace ein {

void copy_into(const TensorView& src, const TensorView& dst) {
  if (src.shape() != dst.shape()) {
    throw Error(ErrorCode::ShapeMismatch, "copy: source shape " + shape_to_string(src.shape()) +
                                              " differs from destination shape " +
                                              shape_to_string(dst.shape()));
  }
  if (src.dtype() == dst.dtype()) {
    permute::copy(src, dst);
  } else {
    permute::convert(src, dst);
  }
}

void fill_zero(const TensorView& dst) {
  Tensor zero = Tensor::zeros(dst.dtype(), {});
  copy_into(zero.view().broadcast_to(dst.shape()), dst);
}

}  // namespace ein
