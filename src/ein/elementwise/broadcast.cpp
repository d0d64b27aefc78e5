#include "ein/elementwise/broadcast.hpp"

#include <algorithm>

#include "ein/ops.hpp"

namespace ein {

namespace elementwise {

std::string compact_shape(std::span<const Index> shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ',';
  return s + ')';
}

}  // namespace elementwise

Shape broadcast_shapes(std::span<const Index> a, std::span<const Index> b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (std::size_t i = 0; i < rank; ++i) {
    // Align from the right: axis i of the result is axis i - (rank - size) of each input.
    const bool in_a = i + a.size() >= rank, in_b = i + b.size() >= rank;
    const Index ea = in_a ? a[i + a.size() - rank] : 1;
    const Index eb = in_b ? b[i + b.size() - rank] : 1;
    if (ea != eb && ea != 1 && eb != 1) {
      throw Error(ErrorCode::ShapeMismatch,
                  "operands could not be broadcast together with shapes " +
                      elementwise::compact_shape(a) + " " + elementwise::compact_shape(b) +
                      ": axis " + std::to_string(i + a.size() - rank) + " of a has extent " +
                      std::to_string(ea) + " but axis " + std::to_string(i + b.size() - rank) +
                      " of b has extent " + std::to_string(eb));
    }
    out[i] = ea == 1 ? eb : ea;
  }
  return out;
}

}  // namespace ein
