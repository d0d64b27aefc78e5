// "dp": opt_einsum's dynamic programming search (Phys. Rev. E 90, 033315), on opt_einsum's cost.
//
// Operands are split into groups connected by summed labels. Within a group the search builds,
// for every connected subset, its cheapest tree that never takes an outer product; subsets are
// grown by size, and only joins costing at most a cap are kept, the cap growing until the whole
// group is reached (a cheap way to skip hopeless subsets; the result is still the minimum). The
// groups' tensors are then joined smallest first.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "ein/error.hpp"
#include "ein/path/finders.hpp"
#include "ein/path/label_groups.hpp"
#include "ein/path/tree.hpp"

namespace ein::path {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Entry {
  double cost = 0;
  std::uint64_t left = 0;  // the two subsets joined (0 for single operands)
  std::uint64_t right = 0;
  std::size_t labels = 0;  // offset of the subset's groups in the pool
};

// All subsets of one size found so far, in insertion order (for deterministic ties).
struct Level {
  std::vector<std::uint64_t> sets;
  std::vector<Entry> entries;
  std::unordered_map<std::uint64_t, std::size_t> index;
};

// Groups of operands connected by labels that the output does not keep.
std::vector<std::vector<int>> connected_groups(const PathProblem& problem) {
  const auto n = problem.inputs.size();
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  const std::function<int(int)> find = [&](int i) {
    while (parent[static_cast<std::size_t>(i)] != i) {
      i = parent[static_cast<std::size_t>(i)] =
          parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
    }
    return i;
  };
  std::vector<bool> in_output(problem.extents.size(), false);
  for (int l : problem.output) in_output[static_cast<std::size_t>(l)] = true;
  std::vector<int> first_holder(problem.extents.size(), -1);
  for (std::size_t i = 0; i < n; ++i) {
    for (int l : problem.inputs[i]) {
      const auto ul = static_cast<std::size_t>(l);
      if (in_output[ul]) continue;
      if (first_holder[ul] < 0) {
        first_holder[ul] = static_cast<int>(i);
      } else {
        parent[static_cast<std::size_t>(find(static_cast<int>(i)))] = find(first_holder[ul]);
      }
    }
  }
  std::vector<std::vector<int>> groups;
  std::vector<int> group_of_root(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto root = static_cast<std::size_t>(find(static_cast<int>(i)));
    if (group_of_root[root] < 0) {
      group_of_root[root] = static_cast<int>(groups.size());
      groups.emplace_back();
    }
    groups[static_cast<std::size_t>(group_of_root[root])].push_back(static_cast<int>(i));
  }
  return groups;
}

// The search over one connected group of operands.
class GroupSearch {
 public:
  GroupSearch(const LabelGroups& groups, std::vector<int> operands, double limit)
      : groups_(groups),
        operands_(std::move(operands)),
        limit_(limit),
        w_(static_cast<std::size_t>(groups.words())),
        levels_(operands_.size() + 1) {
    // Holders of each summed group as a mask over this group's operands.
    local_holders_.assign(static_cast<std::size_t>(groups.num_groups()), 0);
    for (int g = 0; g < groups.num_groups(); ++g) {
      for (int h : groups.holders(g)) {
        auto it = std::lower_bound(operands_.begin(), operands_.end(), h);
        if (it != operands_.end() && *it == h) {
          local_holders_[static_cast<std::size_t>(g)] |= std::uint64_t{1}
                                                         << (it - operands_.begin());
        }
      }
    }
  }

  // Fills the levels; false when the memory limit leaves no tree.
  bool run() {
    const std::size_t m = operands_.size();
    std::vector<std::uint64_t> all(w_, 0);
    std::vector<std::uint64_t> scratch(w_);
    double min_extent = kInf;
    for (std::size_t j = 0; j < m; ++j) {
      const std::uint64_t* ops = groups_.operand(operands_[j]);
      for (std::size_t k = 0; k < w_; ++k) {
        all[k] |= ops[k];
        // A single operand keeps what the output or another operand needs.
        scratch[k] = ops[k] & ~removed_by(std::uint64_t{1} << j, ops[k], k);
      }
      add(levels_[1], std::uint64_t{1} << j, {0, 0, 0, 0}, scratch.data());
    }
    for (int g = 0; g < groups_.num_groups(); ++g) {
      if (all[static_cast<std::size_t>(g / 64)] >> (g % 64) & 1) {
        min_extent = std::min(min_extent, groups_.extent(g));
      }
    }
    for (std::size_t k = 0; k < w_; ++k) scratch[k] = all[k] & groups_.output()[k];
    // Any tree costs at most (m-1) steps of twice every label's extent.
    const double bound = 2.0 * static_cast<double>(m) * groups_.size(all.data());
    const double increment = std::max(min_extent, 2.0);
    double cap = limit_ < kInf ? kInf : std::max(1.0, groups_.size(scratch.data()));
    while (true) {
      for (std::size_t size = 2; size <= m; ++size) {
        for (std::size_t k = 1; k <= size / 2; ++k) join_levels(k, size - k, size, cap);
      }
      if (!levels_[m].sets.empty()) return true;
      if (!(cap < bound) || cap == kInf) return false;
      cap *= increment;
    }
  }

  // Adds this group's best tree to `tree`; returns the root and the size of its tensor.
  std::pair<int, double> build(ContractionTree& tree) const {
    const Level& top = levels_[operands_.size()];
    const double size = groups_.size(&pool_[top.entries[0].labels]);
    return {build(tree, top.sets[0]), size};
  }

 private:
  // The summed groups among `word` (word k of a set of groups) whose holders all lie in subset s.
  std::uint64_t removed_by(std::uint64_t s, std::uint64_t word, std::size_t k) const {
    std::uint64_t candidates = word & ~groups_.output()[k];
    std::uint64_t removed = 0;
    while (candidates) {
      const int bit = std::countr_zero(candidates);
      candidates &= candidates - 1;
      const auto g = k * 64 + static_cast<std::size_t>(bit);
      if ((local_holders_[g] & ~s) == 0) removed |= std::uint64_t{1} << bit;
    }
    return removed;
  }

  void add(Level& level, std::uint64_t s, Entry entry, const std::uint64_t* labels) {
    auto [it, inserted] = level.index.try_emplace(s, level.entries.size());
    if (inserted) {
      entry.labels = pool_.size();
      pool_.insert(pool_.end(), labels, labels + w_);
      level.sets.push_back(s);
      level.entries.push_back(entry);
    } else {
      entry.labels = level.entries[it->second].labels;  // a subset's groups never change
      level.entries[it->second] = entry;
    }
  }

  void join_levels(std::size_t k1, std::size_t k2, std::size_t size, double cap) {
    std::vector<std::uint64_t> joined(w_);
    std::vector<std::uint64_t> result(w_);
    Level& out = levels_[size];
    const Level& l1 = levels_[k1];
    const Level& l2 = levels_[k2];
    for (std::size_t i1 = 0; i1 < l1.sets.size(); ++i1) {
      const std::uint64_t s1 = l1.sets[i1];
      for (std::size_t i2 = 0; i2 < l2.sets.size(); ++i2) {
        const std::uint64_t s2 = l2.sets[i2];
        if ((s1 & s2) || (k1 == k2 && s1 >= s2)) continue;
        const Entry& e1 = l1.entries[i1];
        const Entry& e2 = l2.entries[i2];
        const std::uint64_t* a = &pool_[e1.labels];
        const std::uint64_t* b = &pool_[e2.labels];
        bool connected = false;
        for (std::size_t k = 0; k < w_; ++k) {
          connected = connected || (a[k] & b[k] & ~groups_.output()[k]) != 0;
          joined[k] = a[k] | b[k];
        }
        if (!connected) continue;  // no outer products inside a group
        const std::uint64_t s = s1 | s2;
        // Only labels both sides hold can be summed here: a label on one side only is held by
        // an operand outside s (that is why the side kept it).
        bool inner = false;
        for (std::size_t k = 0; k < w_; ++k) {
          const std::uint64_t removed = removed_by(s, a[k] & b[k], k);
          result[k] = joined[k] & ~removed;
          inner = inner || removed != 0;
        }
        const double cost = e1.cost + e2.cost + groups_.size(joined.data()) * (inner ? 2.0 : 1.0);
        if (cost > cap) continue;
        auto it = out.index.find(s);
        if (it != out.index.end() && out.entries[it->second].cost <= cost) continue;
        if (groups_.size(result.data()) > limit_) continue;
        add(out, s, {cost, s1, s2, 0}, result.data());
      }
    }
  }

  int build(ContractionTree& tree, std::uint64_t s) const {
    if (std::has_single_bit(s))
      return tree.leaf(operands_[static_cast<std::size_t>(std::countr_zero(s))]);
    const Level& level = levels_[static_cast<std::size_t>(std::popcount(s))];
    const Entry& e = level.entries[level.index.at(s)];
    const int left = build(tree, e.left);
    const int right = build(tree, e.right);
    return tree.merge(left, right);
  }

  const LabelGroups& groups_;
  std::vector<int> operands_;
  double limit_;
  std::size_t w_;
  std::vector<std::uint64_t> local_holders_;
  std::vector<Level> levels_;
  std::vector<std::uint64_t> pool_;
};

}  // namespace

ContractionPath dp_path(const PathProblem& problem) {
  const int n = static_cast<int>(problem.inputs.size());
  if (n <= 1) return {};
  if (n == 2) return {{0, 1}};
  const LabelGroups groups(problem);
  const double limit = problem.memory_limit.value_or(kInf);
  ContractionTree tree;
  std::vector<std::pair<double, int>> roots;  // (size of the group's tensor, tree node)
  for (auto& operands : connected_groups(problem)) {
    if (operands.size() == 1) {
      roots.emplace_back(groups.size(groups.operand(operands[0])), tree.leaf(operands[0]));
      continue;
    }
    if (operands.size() > static_cast<std::size_t>(kMaxDpGroupOperands)) {
      throw Error(ErrorCode::InvalidArgument,
                  "path algorithm 'dp' handles at most " + std::to_string(kMaxDpGroupOperands) +
                      " operands connected by summed labels (got " +
                      std::to_string(operands.size()) + "); use 'greedy'");
    }
    GroupSearch search(groups, std::move(operands), limit);
    if (!search.run()) return memory_fallback_path(problem);
    auto [root, size] = search.build(tree);
    roots.emplace_back(size, root);
  }
  // Join the groups' tensors smallest first (they share no summed label: outer or batch products).
  std::stable_sort(roots.begin(), roots.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  int root = roots[0].second;
  for (std::size_t k = 1; k < roots.size(); ++k) root = tree.merge(root, roots[k].second);
  ContractionPath path = tree.to_path(root, n);
  if (problem.memory_limit && !evaluate_path(problem, path).within_memory_limit) {
    return memory_fallback_path(problem);
  }
  return path;
}

}  // namespace ein::path
