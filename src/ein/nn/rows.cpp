#include "ein/nn/rows.hpp"

#include <numeric>

namespace ein::nn {

TensorView axis_last(const TensorView& v, int axis) {
  std::vector<int> perm(static_cast<std::size_t>(v.rank()));
  std::iota(perm.begin(), perm.end(), 0);
  perm.erase(perm.begin() + axis);
  perm.push_back(axis);
  return v.permute(perm);
}

}  // namespace ein::nn
