// The registry of path finders, "auto", "none", and the memory-limit fallback.
#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "ein/error.hpp"
#include "ein/path/finders.hpp"
#include "ein/path/labels.hpp"
#include "ein/path/path.hpp"

namespace ein::path {

namespace {

ContractionPath branch_all(const PathProblem& p) { return branch_path(p, std::nullopt); }
ContractionPath branch_2(const PathProblem& p) { return branch_path(p, 2); }
ContractionPath branch_1(const PathProblem& p) { return branch_path(p, 1); }

struct Registry {
  std::mutex mutex;
  std::map<std::string, PathFinder, std::less<>> finders{
      {"auto", &auto_path},     {"optimal", &optimal_path}, {"dp", &dp_path},
      {"greedy", &greedy_path}, {"branch", &branch_all},    {"branch-all", &branch_all},
      {"branch-2", &branch_2},  {"branch-1", &branch_1},    {"none", &naive_path},
      {"naive", &naive_path},
  };
};

Registry& registry() {
  static Registry instance;
  return instance;
}

std::string joined_names() {
  std::string out;
  for (const auto& name : path_finder_names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

ContractionPath naive_path(const PathProblem& problem) {
  const auto n = problem.inputs.size();
  return n <= 1 ? ContractionPath{} : ContractionPath(n - 1, {0, 1});
}

// opt_einsum's table, except that the exact search runs up to 10 operands: our subset DP takes
// under 1 ms there (0.34 ms measured at 10) and is never costlier than branch and bound, which
// misses the cheap order even on some 3-matrix chains. Above 10 operands opt_einsum's table.
ContractionPath auto_path(const PathProblem& problem) {
  const auto n = problem.inputs.size();
  if (n <= 10) return optimal_path(problem);
  if (n <= 14) return branch_path(problem, 1);
  return greedy_path(problem);
}

ContractionPath memory_fallback_path(const PathProblem& problem) {
  ContractionPath partial = branch_path(problem, 1);
  const ContractionPath all_at_once;
  if (evaluate_path(problem, all_at_once).flops < evaluate_path(problem, partial).flops) {
    return all_at_once;
  }
  return partial;
}

ContractionPath find_path(std::string_view algorithm, const PathProblem& problem) {
  PathFinder finder = nullptr;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.finders.find(algorithm);
    if (it != r.finders.end()) finder = it->second;
  }
  if (finder == nullptr) {
    throw Error(ErrorCode::InvalidArgument, "unknown path algorithm '" + std::string(algorithm) +
                                                "'; valid names: " + joined_names());
  }
  check_problem(problem);
  ContractionPath path = finder(problem);
  try {
    validate_path(path, static_cast<int>(problem.inputs.size()), /*allow_partial=*/true);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument,
                "path algorithm '" + std::string(algorithm) + "' returned a bad path: " + e.what());
  }
  return path;
}

void register_path_finder(std::string name, PathFinder finder) {
  if (name.empty() || finder == nullptr) {
    throw Error(ErrorCode::InvalidArgument,
                "register_path_finder needs a non-empty name and a finder (got name '" + name +
                    "'" + (finder == nullptr ? " and no finder)" : ")"));
  }
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.finders[std::move(name)] = finder;
}

std::vector<std::string> path_finder_names() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& entry : r.finders) names.push_back(entry.first);
  return names;
}

}  // namespace ein::path
