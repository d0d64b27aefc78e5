// einops's list inputs: stack along a new leading axis, then the usual operation.
#include <string>

#include "ein/rearrange.hpp"

namespace ein {

Tensor stack(std::span<const TensorView> tensors) {
  if (tensors.empty()) {
    throw Error(ErrorCode::InvalidArgument, "stack: need at least one tensor to stack");
  }
  DType dtype = tensors[0].dtype();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].shape() != tensors[0].shape()) {
      throw Error(ErrorCode::ShapeMismatch,
                  "stack: all input arrays must have the same shape: tensor #" + std::to_string(i) +
                      " has shape " + shape_to_string(tensors[i].shape()) + " but tensor #0 has " +
                      shape_to_string(tensors[0].shape()));
    }
    dtype = promote_types(dtype, tensors[i].dtype());
  }
  Shape shape = {static_cast<Index>(tensors.size())};
  shape.insert(shape.end(), tensors[0].shape().begin(), tensors[0].shape().end());
  Tensor out = Tensor::empty(dtype, shape);
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    copy_into(tensors[i], out.view().select(0, static_cast<Index>(i)));
  }
  return out;
}

Tensor rearrange(std::span<const TensorView> tensors, std::string_view pattern,
                 const AxisSizes& sizes) {
  // The stacked tensor is owned here, so the Tensor overload keeps it alive in a view result.
  return rearrange(stack(tensors), pattern, sizes);
}

Tensor reduce(std::span<const TensorView> tensors, std::string_view pattern,
              std::string_view reduction, const AxisSizes& sizes) {
  return reduce(stack(tensors).view(), pattern, reduction, sizes);
}

Tensor repeat(std::span<const TensorView> tensors, std::string_view pattern,
              const AxisSizes& sizes) {
  return repeat(stack(tensors).view(), pattern, sizes);
}

}  // namespace ein
