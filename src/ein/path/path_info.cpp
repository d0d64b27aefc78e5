// The NumPy-like path report: make_path_info() builds it, PathInfo::to_string() prints it.
//
// FLOP conventions (opt_einsum's, which NumPy shares except where noted):
//  - a step costs (product of the extents of its labels) * (max(1, terms - 1) + [sums a label]);
//  - the naive cost is one einsum over all labels with all operands as terms, counted as summing
//    as soon as two operands share a label (even one the output keeps);
//  - the optimized cost is the sum of the steps' costs. NumPy's einsum_path prints that sum plus
//    one; we print the plain sum, as opt_einsum does.
#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "ein/einsum.hpp"
#include "ein/error.hpp"
#include "ein/path/labels.hpp"
#include "ein/path/path.hpp"

namespace ein {

namespace {

std::string sci3(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3e", value);
  return buffer;
}

std::string right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string pad_to(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::vector<std::string> split_terms(const std::string& s) {
  std::vector<std::string> terms(1);
  for (char c : s) {
    if (c == ',') {
      terms.emplace_back();
    } else {
      terms.back() += c;
    }
  }
  return terms;
}

std::string join_terms(const std::vector<std::string>& terms) {
  std::string out;
  for (std::size_t i = 0; i < terms.size(); ++i) out += (i ? "," : "") + terms[i];
  return out;
}

// The "remaining" column: the operand list after each step, replayed from the equation. Empty
// strings where the steps do not fit the equation (a report never throws).
std::vector<std::string> remaining_column(const PathInfo& info) {
  const std::size_t arrow = info.equation.find("->");
  const std::string inputs = info.equation.substr(0, arrow);
  const std::string output = arrow == std::string::npos ? "" : info.equation.substr(arrow + 2);
  std::vector<std::string> terms = split_terms(inputs);
  std::vector<std::string> column;
  bool valid = true;
  for (const StepInfo& step : info.steps) {
    std::vector<int> positions = step.operands;
    std::sort(positions.begin(), positions.end(), std::greater<>());
    for (int p : positions) {
      if (p < 0 || static_cast<std::size_t>(p) >= terms.size()) {
        valid = false;
        break;
      }
      terms.erase(terms.begin() + p);
    }
    const std::size_t step_arrow = step.contraction.find("->");
    valid = valid && step_arrow != std::string::npos;
    if (valid) terms.push_back(step.contraction.substr(step_arrow + 2));
    column.push_back(valid ? join_terms(terms) + "->" + output : "");
  }
  return column;
}

}  // namespace

std::string PathInfo::to_string() const {
  const std::size_t arrow = equation.find("->");
  std::set<char> labels;
  for (char c : equation.substr(0, arrow)) {
    if (c != ',') labels.insert(c);
  }
  int max_scaling = 0;
  std::size_t kernel_width = 0;
  for (const StepInfo& step : steps) {
    max_scaling = std::max(max_scaling, step.scaling);
    kernel_width = std::max(kernel_width, step.kernel.size());
  }
  char speedup_text[64];
  std::snprintf(speedup_text, sizeof speedup_text, "%3.3f", speedup());

  // NumPy's layout; a kernel column is appended when the lowering has filled it in.
  constexpr std::size_t kNumpyWidth = 74;
  constexpr std::size_t kKernelColumn = 75;  // two spaces after the widest NumPy row
  const bool with_kernel = kernel_width > 0;
  const std::size_t width =
      with_kernel ? kKernelColumn + std::max<std::size_t>(kernel_width, 6) : kNumpyWidth;
  std::string out;
  out += "  Complete contraction:  " + equation + "\n";
  out += "         Naive scaling:  " + std::to_string(labels.size()) + "\n";
  out += "     Optimized scaling:  " + std::to_string(max_scaling) + "\n";
  out += "      Naive FLOP count:  " + sci3(naive_flops) + "\n";
  out += "  Optimized FLOP count:  " + sci3(optimized_flops) + "\n";
  out += "   Theoretical speedup:  " + std::string(speedup_text) + "\n";
  out +=
      "  Largest intermediate:  " + sci3(static_cast<double>(largest_intermediate)) + " elements\n";
  out += std::string(width, '-') + "\n";
  std::string header =
      right("scaling", 6) + " " + right("current", 24) + " " + right("remaining", 40);
  out += with_kernel ? pad_to(header, kKernelColumn) + "kernel" : header;
  out += "\n" + std::string(width, '-');
  const std::vector<std::string> remaining = remaining_column(*this);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    std::string row = right(std::to_string(steps[k].scaling), 4) + "    " +
                      right(steps[k].contraction, 24) + " " + right(remaining[k], 40);
    out += "\n" + (with_kernel ? pad_to(row, kKernelColumn) + steps[k].kernel : row);
  }
  if (memory_limit) {
    out += "\n" + std::string(width, '-');
    out += "\n          Memory limit:  " + std::to_string(*memory_limit) + " bytes";
    out += "\n       Workspace bytes:  " + std::to_string(workspace_bytes);
    if (slices.empty()) {
      out += "\n               Slicing:  none (the plan fits whole)";
    }
    for (const SliceInfo& sl : slices) {
      out += "\n          Sliced label:  " + sl.label + " (extent " + std::to_string(sl.extent) +
             ") in " + std::to_string(sl.chunks) + " chunks of " + std::to_string(sl.chunk) +
             (sl.summed ? ", partial results added" : ", output blocks");
    }
  }
  return out;
}

namespace path {

PathInfo make_path_info(const PathProblem& problem, const ContractionPath& path,
                        std::span<const char> label_chars) {
  const PathCost cost = evaluate_path(problem, path);
  if (label_chars.size() < problem.extents.size()) {
    throw Error(ErrorCode::Internal, "make_path_info: " + std::to_string(label_chars.size()) +
                                         " label characters for " +
                                         std::to_string(problem.extents.size()) + " labels");
  }
  auto term = [&](std::span<const int> labels) {
    std::string s;
    for (int l : labels) s += label_chars[static_cast<std::size_t>(l)];
    return s;
  };
  std::vector<std::string> terms;
  for (const auto& input : problem.inputs) terms.push_back(term(input));
  const std::string output = term(problem.output);

  PathInfo info;
  info.path = path;
  info.equation = join_terms(terms) + "->" + output;
  info.naive_flops = cost.naive_flops;
  info.optimized_flops = cost.flops;
  info.largest_intermediate = saturating_index(cost.largest_intermediate);
  for (std::size_t k = 0; k < cost.steps.size(); ++k) {
    const StepCost& step = cost.steps[k];
    // NumPy takes the operands out from the highest position down and names an intermediate's
    // labels by increasing (extent, character); the last step writes the output as given.
    std::vector<int> positions = step.operands;
    std::sort(positions.begin(), positions.end(), std::greater<>());
    std::vector<std::string> taken;
    for (int p : positions) {
      taken.push_back(terms[static_cast<std::size_t>(p)]);
      terms.erase(terms.begin() + p);
    }
    std::string result;
    if (k + 1 == cost.steps.size()) {
      result = output;
    } else {
      std::vector<std::pair<Index, char>> keyed;
      for (int l : step.result) {
        keyed.emplace_back(problem.extents[static_cast<std::size_t>(l)],
                           label_chars[static_cast<std::size_t>(l)]);
      }
      std::sort(keyed.begin(), keyed.end());
      for (const auto& entry : keyed) result += entry.second;
    }
    terms.push_back(result);
    StepInfo s;
    s.operands = step.operands;
    s.contraction = join_terms(taken) + "->" + result;
    s.scaling = static_cast<int>(step.involved.size());
    s.flops = step.flops;
    info.steps.push_back(std::move(s));
  }
  return info;
}

}  // namespace path

}  // namespace ein
