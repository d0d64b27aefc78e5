// "branch": opt_einsum's branch and bound, re-derived.
//
// A depth-first search over pairwise contractions that at each step ranks the candidate pairs by
// memory removed (outer products only when no pair shares a label) and explores the best
// `nbranch` of them (all when unlimited). A branch is cut when it cannot beat the best complete
// path (flops, then largest intermediate), or when its flops exceed 4x the best seen at the same
// depth. A pair whose result exceeds the memory limit ends its branch with the rest contracted at
// once, which is how the search always returns something under a limit.
#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>
#include <vector>

#include "ein/path/finders.hpp"
#include "ein/path/labels.hpp"
#include "ein/path/tree.hpp"

namespace ein::path {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kCutoffFactor = 4;

struct Candidate {
  double cost;  // memory removed
  double step_flops;
  double flops;  // of the path so far, this step included
  double size;   // largest intermediate so far, this step included
  int a;         // SSA ids
  int b;
  Labels result;
  bool operator<(const Candidate& o) const {
    return std::tie(cost, step_flops, flops, size, a, b) <
           std::tie(o.cost, o.step_flops, o.flops, o.size, o.a, o.b);
  }
};

class BranchBound {
 public:
  BranchBound(const PathProblem& problem, std::optional<int> nbranch)
      : problem_(problem),
        nbranch_(nbranch),
        output_(sorted_labels(problem.output)),
        is_output_(problem.extents.size(), false),
        holders_(problem.extents.size()),
        progress_(2 * problem.inputs.size() + 1, kInf) {
    for (int l : problem.output) is_output_[static_cast<std::size_t>(l)] = true;
    for (const auto& input : problem.inputs) {
      tensors_.push_back(sorted_labels(input));
      for (int l : tensors_.back()) {
        holders_[static_cast<std::size_t>(l)].push_back(static_cast<int>(tensors_.size()) - 1);
      }
    }
  }

  ContractionPath run() {
    const int n = static_cast<int>(problem_.inputs.size());
    std::vector<int> remaining(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) remaining[static_cast<std::size_t>(i)] = i;
    iterate(remaining, 0, 0);
    ContractionPath path = ssa_to_linear(best_path_, n);
    complete_last_pair(path, n);
    return path;
  }

 private:
  void iterate(const std::vector<int>& remaining, double flops, double size) {
    if (remaining.size() == 1) {
      best_flops_ = flops;
      best_size_ = size;
      best_path_ = path_;
      return;
    }
    std::vector<Candidate> candidates;
    rest_flops_ = -1;
    for (auto [a, b] : sharing_pairs(remaining)) assess(remaining, a, b, flops, size, candidates);
    if (candidates.empty()) {  // outer products only when nothing else is possible
      for (std::size_t x = 0; x < remaining.size(); ++x) {
        for (std::size_t y = x + 1; y < remaining.size(); ++y) {
          assess(remaining, remaining[x], remaining[y], flops, size, candidates);
        }
      }
    }
    std::sort(candidates.begin(), candidates.end());
    const std::size_t explore =
        nbranch_ ? std::min(candidates.size(), static_cast<std::size_t>(*nbranch_))
                 : candidates.size();
    for (std::size_t k = 0; k < explore; ++k) descend(remaining, std::move(candidates[k]));
  }

  // The pairs of live tensors that share a label, in the order of all pairs (a < b), found
  // through the labels' holders: for sparse networks far fewer than all pairs.
  std::vector<std::pair<int, int>> sharing_pairs(const std::vector<int>& remaining) const {
    std::vector<std::pair<int, int>> pairs;
    for (int a : remaining) {
      for (int l : tensors_[static_cast<std::size_t>(a)]) {
        for (int b : holders_[static_cast<std::size_t>(l)]) {
          if (b > a) pairs.emplace_back(a, b);
        }
      }
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    return pairs;
  }

  void assess(const std::vector<int>& remaining, int a, int b, double flops, double size,
              std::vector<Candidate>& candidates) {
    const Labels& ka = tensors_[static_cast<std::size_t>(a)];
    const Labels& kb = tensors_[static_cast<std::size_t>(b)];
    const Labels either = labels_union(ka, kb);
    Labels result;
    for (int l : either) {
      const auto ul = static_cast<std::size_t>(l);
      const int here =
          static_cast<int>(labels_contain(ka, l)) + static_cast<int>(labels_contain(kb, l));
      if (is_output_[ul] || static_cast<int>(holders_[ul].size()) > here) result.push_back(l);
    }
    const double step_flops =
        flop_count(either, result.size() != either.size(), 2, problem_.extents);
    const double result_size = labels_size(result, problem_.extents);
    const double new_flops = flops + step_flops;
    const double new_size = std::max(size, result_size);
    if (!(std::tie(new_flops, new_size) < std::tie(best_flops_, best_size_))) return;
    double& progress = progress_[tensors_.size()];
    if (new_flops < progress) {
      progress = new_flops;
    } else if (new_flops > kCutoffFactor * progress) {
      return;
    }
    if (problem_.memory_limit && result_size > *problem_.memory_limit) {
      // End this branch with everything left contracted at once.
      const double total = flops + rest_at_once_flops(remaining);
      if (total < best_flops_) {
        best_flops_ = total;
        best_path_ = path_;
      }
      return;
    }
    const double cost =
        result_size - labels_size(ka, problem_.extents) - labels_size(kb, problem_.extents);
    candidates.push_back({cost, step_flops, new_flops, new_size, a, b, std::move(result)});
  }

  // Cached per step: many candidates of one step can exceed the limit.
  double rest_at_once_flops(const std::vector<int>& remaining) {
    if (rest_flops_ >= 0) return rest_flops_;
    Labels involved;
    for (std::size_t l = 0; l < holders_.size(); ++l) {
      if (!holders_[l].empty()) involved.push_back(static_cast<int>(l));
    }
    const bool inner = !labels_difference(involved, output_).empty();
    rest_flops_ = flop_count(involved, inner, static_cast<int>(remaining.size()), problem_.extents);
    return rest_flops_;
  }

  void descend(const std::vector<int>& remaining, Candidate c) {
    const int created = static_cast<int>(tensors_.size());
    std::vector<int> next;
    next.reserve(remaining.size() - 1);
    for (int r : remaining) {
      if (r != c.a && r != c.b) next.push_back(r);
    }
    next.push_back(created);  // SSA ids grow, so `next` stays sorted
    auto remove = [this](int id) {
      for (int l : tensors_[static_cast<std::size_t>(id)]) {
        auto& h = holders_[static_cast<std::size_t>(l)];
        h.erase(std::find(h.begin(), h.end(), id));
      }
    };
    auto add = [this](int id) {
      for (int l : tensors_[static_cast<std::size_t>(id)]) {
        holders_[static_cast<std::size_t>(l)].push_back(id);
      }
    };
    remove(c.a);
    remove(c.b);
    path_.emplace_back(c.a, c.b);
    tensors_.push_back(std::move(c.result));
    add(created);
    iterate(next, c.flops, c.size);
    remove(created);
    tensors_.pop_back();
    path_.pop_back();
    add(c.b);
    add(c.a);
  }

  const PathProblem& problem_;
  std::optional<int> nbranch_;
  Labels output_;
  std::vector<bool> is_output_;
  std::vector<std::vector<int>> holders_;  // per label: the live tensors holding it
  double rest_flops_ = -1;                 // rest_at_once_flops of the current step, or -1
  std::vector<double> progress_;           // per depth (number of tensors made): best flops seen
  std::vector<Labels> tensors_;            // by SSA id; the search appends and pops
  SsaPath path_;
  double best_flops_ = kInf;
  double best_size_ = kInf;
  SsaPath best_path_;  // may end early: the rest is contracted at once
};

}  // namespace

ContractionPath branch_path(const PathProblem& problem, std::optional<int> nbranch) {
  const int n = static_cast<int>(problem.inputs.size());
  if (n <= 1) return {};
  if (n == 2) return {{0, 1}};
  return BranchBound(problem, nbranch).run();
}

}  // namespace ein::path
