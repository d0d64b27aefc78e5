// The canonical loop nest of a reduction, shared by the planner (reduce.hpp) and the typed
// loops (loops.hpp). Fixed-size arrays: plans are built once and run without allocating.
#pragma once

#include <array>

#include "ein/tensor.hpp"

namespace ein::reduce::detail {

inline constexpr int kMaxRank = 64;

struct RDim {
  Index extent = 1;
  Index src = 0;  // element strides
  Index dst = 0;  // 0 on reduced axes
};

// Axes outermost first; the last one is the innermost (src's fastest) loop.
struct Nest {
  std::array<RDim, kMaxRank> dim{};
  int rank = 0;
  [[nodiscard]] const RDim& operator[](int i) const { return dim[static_cast<std::size_t>(i)]; }
  RDim& operator[](int i) { return dim[static_cast<std::size_t>(i)]; }
};

}  // namespace ein::reduce::detail
