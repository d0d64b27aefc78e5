// Pieces every `ein` subcommand shares: exit codes, loading operands from .npy/.npz files,
// parsing shapes and dtypes, and writing or printing a result with its one-line summary.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // the command ran but a check it was asked to make did not hold
  kExitUsage = 2,        // bad arguments, unreadable or malformed input, or an ein::Error
};

// Thrown for input problems the CLI itself detects; main() prints it and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads an operand: "file.npy", "archive.npz:member", or "-" for a .npy file on stdin.
Tensor load_operand(const std::string& spec);
// "8x12x512x64" -> {8, 12, 512, 64}; "()" or "scalar" -> {} (rank 0).
Shape parse_shape(std::string_view text);
// "8x12,12x5" -> two shapes.
std::vector<Shape> parse_shapes(std::string_view list);
// NumPy's dtype names ("float32", "f8", "complex128", ...).
DType parse_dtype(const std::string& name);

// -o/--output, -q/--quiet and --expect/--rtol, shared by eval and the product commands.
struct OutputOptions {
  std::string output;  // empty: print the result; "-": .npy to stdout; else a file
  bool quiet = false;
  std::string expect;  // compare with this operand (exit 1 if it differs)
  double rtol = -1;    // < 0: from the dtype's epsilon and the summation length
};
void add_output_options(CLI::App* cmd, OutputOptions& options);

// Writes (temp file + rename) or prints the result, then the summary line
//   "<what>: (8, 12, 512, 512) float64 in 3.210 ms -> scores.npy"
// on stdout when the result went to a file, on stderr when stdout carries the result. Checks
// --expect with a tolerance for `summation_length` accumulated terms. Returns the exit code.
int emit_result(const Tensor& result, const OutputOptions& options, const std::string& what,
                double seconds, double summation_length);

// Writes text to a file via a temporary name and a rename (JSON reports).
void write_text_file_atomically(const std::string& path, const std::string& text);

// Seconds on a monotonic clock.
double now_seconds();

}  // namespace ein::cli
