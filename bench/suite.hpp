// The benchmark suite shared by the C++ benchmark binaries: bench/suite.txt (embedded at
// configure time) parsed into cases, deterministic operands, ein's reference result and the
// check every peer's answer goes through (a fast wrong answer must not win).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ein/ein.hpp"

namespace bench {

struct Case {
  std::string name;
  std::string subscripts;  // "mha" for the multi-head attention case
  ein::DType dtype = ein::DType::Float64;
  std::vector<ein::Shape> shapes;
  bool use_out = false;  // NumPy returns a view; the copy into `out` is what is measured
  int heads = 0;         // multi-head attention only
};

// The suite with full or --smoke shapes. Throws std::runtime_error on a malformed suite.txt.
std::vector<Case> load_suite(bool smoke);

// A case's operands and ein's answer, built once and shared by every peer's benchmark of that
// case (the previous case's memory is released when the next one is prepared).
struct Prepared {
  const Case* c = nullptr;
  std::vector<ein::Tensor> tensors;
  std::vector<ein::TensorView> views;
  ein::Tensor expected;  // ein's result, C-contiguous
};
const Prepared& prepare(const Case& c);

// Uniform values in [-1, 1) from a fixed seed (fast: the suite fills ~1 GB in all).
ein::Tensor random_tensor(ein::DType dtype, const ein::Shape& shape, unsigned seed);

// "" when `got` (any strides) matches ein's answer for the case within a dtype tolerance
// relative to the answer's largest magnitude; otherwise what differs.
std::string check(const Prepared& p, const ein::TensorView& got);

// Counts peers whose answer disagreed with ein's; the binaries exit with status 1 when any did,
// so that the CI smoke run catches a wrong kernel (never a slow one).
void note_wrong_answer();
int wrong_answers();

// Removes --smoke from argv (returns whether it was there) and, when present, adds a short
// --benchmark_min_time so that the run takes seconds.
bool take_smoke_flag(int& argc, char** argv, std::vector<char*>& args);

// OpenBLAS configuration string and thread count, for the benchmark context.
std::string openblas_config();
int openblas_threads();

}  // namespace bench
