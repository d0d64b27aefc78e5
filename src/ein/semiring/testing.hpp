// The slow twin of semiring einsum for tests: for every output element, fold the semiring's
// "product" of the operand elements over every combination of the summed labels, in long double.
// Obviously correct by construction; it shares only the parser with the engine.
#pragma once

#include <cmath>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "ein/expr/parse.hpp"
#include "ein/options.hpp"
#include "ein/tensor.hpp"

namespace ein::semiring::test {

using Real = long double;

inline Real zero_of(Semiring s) {
  constexpr Real inf = std::numeric_limits<Real>::infinity();
  switch (s) {
    case Semiring::MaxPlus:
    case Semiring::LogSumExp:
      return -inf;
    case Semiring::MinPlus:
      return inf;
    case Semiring::Standard:
    case Semiring::MaxTimes:
      break;
  }
  return 0;
}

inline Real times(Semiring s, Real x, Real y) {
  return s == Semiring::Standard || s == Semiring::MaxTimes ? x * y : x + y;
}

inline Real plus(Semiring s, Real x, Real y) {
  switch (s) {
    case Semiring::Standard:
      return x + y;
    case Semiring::MaxPlus:
    case Semiring::MaxTimes:
      return std::fmax(x, y);
    case Semiring::MinPlus:
      return std::fmin(x, y);
    case Semiring::LogSumExp:
      break;
  }
  const Real hi = std::fmax(x, y), lo = std::fmin(x, y);
  if (hi == -std::numeric_limits<Real>::infinity()) return hi;
  return hi + std::log1p(std::exp(lo - hi));
}

inline Real element(const TensorView& v, std::span<const Index> index) {
  const void* p = v.element_ptr(index);
  if (v.dtype() == DType::Float32) return *static_cast<const float*>(p);
  return *static_cast<const double*>(p);
}

// The result in C order of the output shape (operands float32/float64).
inline std::vector<Real> reference(Semiring s, std::string_view subscripts,
                                   std::span<const TensorView> operands) {
  std::vector<Shape> shapes;
  for (const auto& v : operands) shapes.push_back(v.shape());
  const expr::ParsedExpression e = expr::parse(subscripts, shapes);
  std::vector<int> summed;
  for (int l = 0; l < e.num_labels; ++l) {
    if (!e.in_output(l)) summed.push_back(l);
  }
  Index out_count = 1;
  for (int l : e.output) out_count *= e.extents[static_cast<std::size_t>(l)];
  std::vector<Real> result(static_cast<std::size_t>(out_count), zero_of(s));
  std::vector<Index> idx(static_cast<std::size_t>(e.num_labels), 0);
  // An odometer over the labels of `group`; false when it wraps around (or is empty).
  auto next = [&](const std::vector<int>& group) {
    for (std::size_t d = group.size(); d-- > 0;) {
      const auto l = static_cast<std::size_t>(group[d]);
      if (++idx[l] < e.extents[l]) return true;
      idx[l] = 0;
    }
    return false;
  };
  bool any_summed_empty = false;
  for (int l : summed) any_summed_empty |= e.extents[static_cast<std::size_t>(l)] == 0;
  std::vector<Index> at;
  for (Index o = 0; o < out_count; ++o) {
    Real acc = zero_of(s);
    if (!any_summed_empty) {
      do {
        Real prod = s == Semiring::Standard || s == Semiring::MaxTimes ? 1 : 0;
        for (std::size_t i = 0; i < operands.size(); ++i) {
          at.clear();
          for (std::size_t ax = 0; ax < e.inputs[i].size(); ++ax) {
            // An extent-1 axis broadcasts against a longer label.
            at.push_back(
                operands[i].shape()[ax] == 1 ? 0 : idx[static_cast<std::size_t>(e.inputs[i][ax])]);
          }
          prod = times(s, prod, element(operands[i], at));
        }
        acc = plus(s, acc, prod);
      } while (next(summed));
    }
    result[static_cast<std::size_t>(o)] = acc;
    next(e.output);
  }
  return result;
}

}  // namespace ein::semiring::test
