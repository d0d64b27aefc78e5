// Fuzzes the planner and the lowering through ein::einsum_path: random small expressions and
// shapes (huge extents included: operands may be zero-stride broadcast views, which cost no memory
// whatever their logical size), every path finder, memory limits and dtypes.
//
// Input: 3 option bytes, then the text format of fuzz_util.hpp.
//   byte 0: path finder (and whether to pass an explicit left-to-right path)
//   byte 1: operand dtypes (low bits) and strides: contiguous, or all zero (broadcast views)
//   byte 2: memory limit: none, or 2^(byte % 64) bytes
// Properties: only ein::Error escapes (never Internal); the path is valid for the operand count
// and complete unless a memory limit forced a partial one; costs are finite and non-negative; the
// report prints; and "optimal" is never beaten by another finder on small problems.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "ein/einsum.hpp"
#include "fuzz_util.hpp"

namespace ein::fuzz {
namespace {

constexpr const char* kFinders[] = {"auto",     "greedy",   "optimal", "dp",   "branch",
                                    "branch-2", "branch-1", "none",    "bogus"};
constexpr int kNumFinders = sizeof(kFinders) / sizeof(kFinders[0]);

void check_info(const PathInfo& info, int n, bool limited) {
  int live = n;
  for (const auto& [i, j] : info.path) {
    check(i != j && i >= 0 && j >= 0 && i < live && j < live, "bad pair in the path");
    --live;
  }
  if (!limited && n > 1) check(static_cast<int>(info.path.size()) == n - 1, "incomplete path");
  check(!std::isnan(info.naive_flops), "NaN naive flops");
  check(!std::isnan(info.optimized_flops) && info.optimized_flops >= 0, "bad optimized flops");
  check(info.largest_intermediate >= 0, "negative largest intermediate");
  for (const StepInfo& s : info.steps) check(!std::isnan(s.flops) && s.flops >= 0, "step flops");
  (void)info.to_string();
}

void run(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return;
  const int finder = data[0] % kNumFinders;
  const bool explicit_path = (data[0] / kNumFinders) % 4 == 1;
  const bool zero_strides = (data[1] & 0x80) != 0;
  const int dtype_bits = data[1] & 0x7f;
  EinsumOptions options;
  options.optimize = kFinders[finder];
  if (data[2] != 0) options.memory_limit = std::int64_t{1} << (data[2] % 63);
  const std::string_view text(reinterpret_cast<const char*>(data + 3), size - 3);
  // Exact searches are exponential in the operand count; keep each run fast.
  const bool exact = finder == 2 || finder == 4;
  const TextCase c = parse_text_case(text, exact ? 7 : 12, 12);

  std::vector<OperandSpec> specs;
  for (std::size_t i = 0; i < c.shapes.size(); ++i) {
    OperandSpec s;
    s.dtype = kAllDTypes[(dtype_bits + static_cast<int>(i) * (dtype_bits % 3)) % kNumDTypes];
    s.shape = c.shapes[i];
    if (zero_strides) s.strides.assign(s.shape.size(), 0);
    specs.push_back(std::move(s));
  }
  const int n = static_cast<int>(specs.size());
  if (explicit_path) {
    for (int k = 1; k < n; ++k) options.path.emplace_back(0, 1);
  }
  PathInfo info;
  if (!accepts([&] { info = einsum_path(c.subscripts, specs, options); })) return;
  check_info(info, n, options.memory_limit.has_value());

  // "optimal" is exact over complete paths: no finder may find a cheaper one.
  if (finder == 2 && !explicit_path && !options.memory_limit && n >= 3 && n <= 5) {
    for (const char* other : {"greedy", "dp", "branch", "none"}) {
      EinsumOptions o = options;
      o.optimize = other;
      PathInfo alt;
      try {
        alt = einsum_path(c.subscripts, specs, o);
      } catch (const Error& e) {
        // Another path may need intermediates whose byte count overflows where optimal's
        // does not; any other failure means the two disagree about the expression itself.
        if (e.code() == ErrorCode::Overflow) continue;
        fail(std::string("'optimal' planned '") + c.subscripts + "' but '" + other +
             "' failed: " + e.what());
      }
      check(info.optimized_flops <= alt.optimized_flops * (1 + 1e-12),
            std::string("'optimal' costs more than '") + other + "': " +
                std::to_string(info.optimized_flops) + " > " + std::to_string(alt.optimized_flops));
    }
  }
}

}  // namespace
}  // namespace ein::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ein::fuzz::run(data, size);
  return 0;
}
