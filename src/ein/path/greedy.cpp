// "greedy": opt_einsum's greedy search, re-derived on sorted label vectors.
//
// 1. Operands with equal label sets are multiplied first (a Hadamard product never grows).
// 2. Among pairs sharing a summed label, repeatedly contract the one whose result removes the most
//    memory (size(result) - size(a) - size(b), ties to the oldest tensors). Each tensor keeps one
//    candidate, its best partner, in a heap; stale candidates are skipped when popped.
// 3. What is left shares no summed label: join it by outer products, smallest first.
// Labels that every operand holds are treated as output labels: they can only go at the end, and
// ignoring them avoids comparing all pairs when all tensors share a batch label.
// Cost is O(steps * partners * labels * log): 1,000 operands plan in milliseconds.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <span>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "ein/path/finders.hpp"
#include "ein/path/labels.hpp"
#include "ein/path/tree.hpp"

namespace ein::path {

namespace {

struct LabelsHash {
  std::size_t operator()(const Labels& labels) const noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int l : labels) h = (h ^ static_cast<std::uint64_t>(l)) * 0x100000001B3ull;
    return static_cast<std::size_t>(h);
  }
};

struct Candidate {
  double cost;  // memory removed (negative is good)
  int id2;      // SSA ids, id1 < id2: ties go to the pair whose younger tensor is older
  int id1;
  int key1;
  int key2;
  std::size_t result;  // index of the result's labels in Greedy::results_
  bool operator>(const Candidate& o) const {
    return std::tie(cost, id2, id1) > std::tie(o.cost, o.id2, o.id1);
  }
};

class Greedy {
 public:
  explicit Greedy(const PathProblem& problem)
      : problem_(problem),
        is_output_(problem.extents.size(), false),
        holders_of_label_(problem.extents.size()) {
    for (int l : problem.output) is_output_[static_cast<std::size_t>(l)] = true;
    // Labels every operand holds join the output (see the file comment).
    std::vector<int> holders(problem.extents.size(), 0);
    for (const auto& input : problem.inputs) {
      for (int l : input) ++holders[static_cast<std::size_t>(l)];
    }
    for (std::size_t l = 0; l < holders.size(); ++l) {
      if (holders[l] == static_cast<int>(problem.inputs.size())) is_output_[l] = true;
    }
  }

  ContractionPath run() {
    const int n = static_cast<int>(problem_.inputs.size());
    next_ssa_ = n;
    for (int i = 0; i < n; ++i) {
      const int key = intern(sorted_labels(problem_.inputs[static_cast<std::size_t>(i)]));
      int& holder = holder_[static_cast<std::size_t>(key)];
      if (holder >= 0) {
        ssa_.emplace_back(holder, i);
        holder = next_ssa_++;
      } else {
        holder = i;
      }
    }
    for (std::size_t key = 0; key < keys_.size(); ++key) add_to_labels(static_cast<int>(key));
    for (const auto& holders : holders_of_label_) {
      std::vector<int> sorted = holders;
      std::sort(sorted.begin(), sorted.end(), [this](int a, int b) {
        return holder_[static_cast<std::size_t>(a)] < holder_[static_cast<std::size_t>(b)];
      });
      for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
        push_best(sorted[i], std::span<const int>(sorted).subspan(i + 1));
      }
    }
    contract_pairs();
    outer_products();
    return ssa_to_linear(ssa_, n);
  }

 private:
  int intern(Labels labels) {
    auto [it, inserted] = key_of_.try_emplace(labels, static_cast<int>(keys_.size()));
    if (inserted) {
      footprint_.push_back(labels_size(labels, problem_.extents));
      holder_.push_back(-1);
      keys_.push_back(std::move(labels));
    }
    return it->second;
  }

  void add_to_labels(int key) {
    for (int l : keys_[static_cast<std::size_t>(key)]) {
      if (!is_output_[static_cast<std::size_t>(l)]) {
        holders_of_label_[static_cast<std::size_t>(l)].push_back(key);
      }
    }
  }

  void remove_from_labels(int key) {
    for (int l : keys_[static_cast<std::size_t>(key)]) {
      if (is_output_[static_cast<std::size_t>(l)]) continue;
      auto& holders = holders_of_label_[static_cast<std::size_t>(l)];
      holders.erase(std::find(holders.begin(), holders.end(), key));
    }
  }

  // The result of contracting two current tensors: a label survives if the output or a third
  // tensor holds it.
  Candidate make_candidate(int key1, int key2, Labels& result) {
    const Labels& a = keys_[static_cast<std::size_t>(key1)];
    const Labels& b = keys_[static_cast<std::size_t>(key2)];
    result.clear();
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() || j < b.size()) {
      int l;
      int in_both = 0;
      if (j == b.size() || (i < a.size() && a[i] < b[j])) {
        l = a[i++];
      } else if (i == a.size() || b[j] < a[i]) {
        l = b[j++];
      } else {
        l = a[i++];
        ++j;
        in_both = 1;
      }
      const auto ul = static_cast<std::size_t>(l);
      const auto holders = static_cast<int>(holders_of_label_[ul].size());
      if (is_output_[ul] || holders > 1 + in_both) result.push_back(l);
    }
    const double cost = labels_size(result, problem_.extents) -
                        footprint_[static_cast<std::size_t>(key1)] -
                        footprint_[static_cast<std::size_t>(key2)];
    int id1 = holder_[static_cast<std::size_t>(key1)];
    int id2 = holder_[static_cast<std::size_t>(key2)];
    if (id1 > id2) {
      std::swap(id1, id2);
      std::swap(key1, key2);
    }
    return {cost, id2, id1, key1, key2, results_.size()};
  }

  // Pushes key's best candidate among the partners.
  void push_best(int key, std::span<const int> partners) {
    if (partners.empty()) return;
    Labels best_result;
    Labels result;
    Candidate best = make_candidate(key, partners[0], best_result);
    for (std::size_t k = 1; k < partners.size(); ++k) {
      Candidate c = make_candidate(key, partners[k], result);
      if (best > c) {
        best = c;
        std::swap(best_result, result);
      }
    }
    results_.push_back(std::move(best_result));
    queue_.push(best);
  }

  void contract_pairs() {
    while (!queue_.empty()) {
      const Candidate c = queue_.top();
      queue_.pop();
      int& h1 = holder_[static_cast<std::size_t>(c.key1)];
      int& h2 = holder_[static_cast<std::size_t>(c.key2)];
      if (h1 < 0 || h2 < 0) continue;  // one side was contracted since
      ssa_.emplace_back(h1, h2);
      h1 = -1;
      h2 = -1;
      remove_from_labels(c.key1);
      remove_from_labels(c.key2);
      const int created = next_ssa_++;
      const int key = intern(std::move(results_[c.result]));
      int& holder = holder_[static_cast<std::size_t>(key)];
      if (holder >= 0) {
        ssa_.emplace_back(holder, created);  // same labels as a live tensor: multiply them now
        holder = next_ssa_++;
      } else {
        holder = created;
        add_to_labels(key);
      }
      std::vector<int> partners;
      for (int l : keys_[static_cast<std::size_t>(key)]) {
        if (is_output_[static_cast<std::size_t>(l)]) continue;
        for (int k : holders_of_label_[static_cast<std::size_t>(l)]) {
          if (k != key) partners.push_back(k);
        }
      }
      std::sort(partners.begin(), partners.end());
      partners.erase(std::unique(partners.begin(), partners.end()), partners.end());
      push_best(key, partners);
    }
  }

  void outer_products() {
    using Entry = std::tuple<double, int, Labels>;  // (size of kept labels, SSA id, labels)
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    auto kept = [this](const Labels& labels) {
      Labels out;
      for (int l : labels) {
        if (is_output_[static_cast<std::size_t>(l)]) out.push_back(l);
      }
      return out;
    };
    for (std::size_t key = 0; key < keys_.size(); ++key) {
      if (holder_[key] < 0) continue;
      Labels labels = kept(keys_[key]);
      const double size = labels_size(labels, problem_.extents);
      heap.emplace(size, holder_[key], std::move(labels));
    }
    Entry first = heap.top();
    heap.pop();
    while (!heap.empty()) {
      Entry second = heap.top();
      heap.pop();
      const int a = std::get<1>(first);
      const int b = std::get<1>(second);
      ssa_.emplace_back(std::min(a, b), std::max(a, b));
      Labels joined = kept(labels_union(std::get<2>(first), std::get<2>(second)));
      const double size = labels_size(joined, problem_.extents);
      heap.emplace(size, next_ssa_++, std::move(joined));
      first = heap.top();
      heap.pop();
    }
  }

  const PathProblem& problem_;
  std::vector<bool> is_output_;                     // per label: output, or held by all operands
  std::vector<std::vector<int>> holders_of_label_;  // per summed label: keys of live tensors
  std::vector<Labels> keys_;                        // distinct label sets seen
  std::unordered_map<Labels, int, LabelsHash> key_of_;
  std::vector<double> footprint_;  // per key: its size
  std::vector<int> holder_;        // per key: SSA id of the live tensor, or -1
  std::vector<Labels> results_;    // candidates' result labels
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue_;
  SsaPath ssa_;
  int next_ssa_ = 0;
};

}  // namespace

ContractionPath greedy_path(const PathProblem& problem) {
  const int n = static_cast<int>(problem.inputs.size());
  if (n <= 1) return {};
  if (n == 2) return {{0, 1}};
  if (problem.memory_limit) return branch_path(problem, 1);  // as opt_einsum does
  return Greedy(problem).run();
}

}  // namespace ein::path
