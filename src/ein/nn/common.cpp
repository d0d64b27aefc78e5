#include "ein/nn/common.hpp"

#include <string>

namespace ein::nn {

DType compute_dtype(std::initializer_list<DType> dtypes, const char* what) {
  DType t = *dtypes.begin();
  for (DType d : dtypes) {
    if (is_complex(d)) {
      throw Error(ErrorCode::DTypeMismatch, std::string(what) +
                                                ": complex inputs are not supported (got " +
                                                std::string(dtype_name(d)) + ")");
    }
    t = promote_types(t, d);
  }
  return is_floating(t) ? t : DType::Float64;
}

Tensor as_dtype(const TensorView& v, DType dtype) {
  const Tensor t = Tensor::borrow(v);
  return v.dtype() == dtype ? t : t.astype(dtype);
}

}  // namespace ein::nn
