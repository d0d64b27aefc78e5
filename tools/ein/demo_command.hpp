// `ein demo`: a walk through reference examples, each result printed and checked.
#pragma once

#include <ostream>
#include <random>
#include <string>

#include "ein/tensor.hpp"

namespace ein::cli {

// What a demo section gets: where to print, a seeded generator, and check bookkeeping.
struct DemoContext {
  std::ostream& out;
  std::mt19937_64 rng{20240601};
  bool small = false;  // smaller random operands (tests, slow machines)
  int checks = 0;
  int failures = 0;

  void section(const std::string& title);
  // Prints "  check <what>: ok" or "... MISMATCH" and counts it.
  bool check(bool ok, const std::string& what);
  // Prints "<label> =" and the array as NumPy prints it.
  void show(const std::string& label, const TensorView& value);
  // Uniform values in [-1, 1).
  Tensor random(DType dtype, Shape shape);
};

// Hook for the multi-head attention walk-through (ein::nn), run after the einsum section. It is
// filled in by the nn front door; it must print its own section and use ctx.check for results.
void demo_attention(DemoContext& ctx);

}  // namespace ein::cli
