#include "ein/beyond/resolve.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "ein/einops/pattern.hpp"
#include "ein/expr/subscripts.hpp"
#include "ein/support/checked.hpp"

namespace ein::beyond {

namespace {

using expr::detail::fail_at;

bool is_ellipsis_axis(const Axis& a) { return !a.group && a.atoms.front().key == kEllipsis; }

// An input group still to be split: operand k's axis `axis`, written as term axis `item`.
struct PendingGroup {
  std::size_t operand = 0;
  std::size_t item = 0;
  int axis = 0;
};

class Resolver {
 public:
  Resolver(const Pattern& p, std::span<const TensorView> operands, const AxisSizes& sizes)
      : p_(p), operands_(operands), sizes_(sizes) {}

  Resolved run() {
    check_operand_count();
    map_axes();
    apply_sizes();
    learn_plain_extents();
    solve_groups();
    split_operands();
    parse();
    build_output();
    return std::move(r_);
  }

 private:
  [[noreturn]] void fail(ErrorCode code, const std::string& what, std::size_t pos) const {
    fail_at(code, what, p_.text, pos);
  }
  [[noreturn]] void fail(ErrorCode code, const std::string& what) const {
    fail_at(code, what, p_.text, expr::detail::kNoPos);
  }
  std::string where(std::size_t k, int axis) const {
    return " (operand " + std::to_string(k) + ", axis " + std::to_string(axis) + ")";
  }

  void check_operand_count() const {
    const std::size_t terms = p_.inputs.size();
    if (terms == operands_.size()) return;
    const std::size_t pos =
        terms > operands_.size() ? p_.inputs[operands_.size()].pos : p_.inputs_end;
    fail(ErrorCode::InvalidArgument,
         "the subscripts have " + std::to_string(terms) + " input term" + (terms == 1 ? "" : "s") +
             " but " + std::to_string(operands_.size()) + " operand" +
             (operands_.size() == 1 ? " was" : "s were") + " given",
         pos);
  }

  // Which operand axis each written axis stands for ('...' covers the rest).
  void map_axes() {
    first_axis_.resize(operands_.size());
    ellipsis_rank_.assign(operands_.size(), 0);
    for (std::size_t k = 0; k < operands_.size(); ++k) {
      const Term& term = p_.inputs[k];
      const int rank = operands_[k].rank();
      const int written = static_cast<int>(std::count_if(
          term.axes.begin(), term.axes.end(), [](const Axis& a) { return !is_ellipsis_axis(a); }));
      const bool ellipsis = term.has_ellipsis();
      if (written > rank || (!ellipsis && written != rank)) {
        fail(ErrorCode::ShapeMismatch,
             "operand " + std::to_string(k) + " has " + std::to_string(rank) + " dimension" +
                 (rank == 1 ? "" : "s") + " but its term names " + std::to_string(written) + " ax" +
                 (written == 1 ? "is" : "es") + (ellipsis ? " besides '...'" : ""),
             term.pos);
      }
      ellipsis_rank_[k] = rank - written;
      int axis = 0;
      for (const Axis& a : term.axes) {
        first_axis_[k].push_back(axis);
        axis += is_ellipsis_axis(a) ? ellipsis_rank_[k] : 1;
      }
    }
  }

  [[nodiscard]] bool uses(int key) const {
    auto in = [key](const Term& t) {
      return std::any_of(t.axes.begin(), t.axes.end(), [key](const Axis& a) {
        return std::any_of(a.atoms.begin(), a.atoms.end(),
                           [key](const Atom& x) { return x.key == key; });
      });
    };
    return std::any_of(p_.inputs.begin(), p_.inputs.end(), in) || (p_.output && in(*p_.output));
  }

  // Sizes given by name, checked as einops checks axes_lengths.
  void apply_sizes() {
    for (std::size_t i = 0; i < sizes_.size(); ++i) {
      const auto& [name, size] = sizes_[i];
      const bool valid = p_.names.empty() ? name.size() == 1 && expr::detail::is_label_char(name[0])
                                          : einops::valid_axis_name(name);
      if (!valid) fail(ErrorCode::InvalidArgument, "Invalid name for an axis: '" + name + "'");
      for (std::size_t j = 0; j < i; ++j) {
        if (sizes_[j].first == name) {
          fail(ErrorCode::InvalidArgument, "Size of axis " + name + " given twice");
        }
      }
      const std::optional<int> key = p_.key_of(name);
      if (!key || !uses(*key)) {
        fail(ErrorCode::InvalidArgument, "Axis " + name + " is not used in transform");
      }
      if (size < 0) {
        fail(ErrorCode::InvalidArgument,
             "Size of axis " + name + " must be non-negative, got " + std::to_string(size));
      }
      known_[*key] = size;
      given_[*key] = true;
    }
  }

  // Extents of labels written on an axis of their own; a size given by name must agree (or the
  // axis have extent 1).
  void learn_plain_extents() {
    for (std::size_t k = 0; k < operands_.size(); ++k) {
      const Term& term = p_.inputs[k];
      for (std::size_t i = 0; i < term.axes.size(); ++i) {
        const Axis& a = term.axes[i];
        if (a.group || is_ellipsis_axis(a)) continue;
        const int key = a.atoms.front().key;
        const int axis = first_axis_[k][i];
        const Index extent = operands_[k].shape()[axis];
        const auto it = known_.find(key);
        // An axis of extent 1 broadcasts against the size, as against any extent in einsum.
        if (it != known_.end() && given_[key] && it->second != extent && extent != 1) {
          fail(ErrorCode::ShapeMismatch,
               "Shape mismatch, " + std::to_string(extent) + " != " + std::to_string(it->second) +
                   " (the size given for '" + p_.name_of(key) + "')" + where(k, axis),
               a.pos);
        }
        // Extent 1 may broadcast against another operand's: prefer any other extent.
        if (it == known_.end() || (it->second == 1 && !given_[key])) {
          known_[key] = extent;
          if (extent == 1 && !given_[key]) {
            weak_.insert(key);
          } else {
            weak_.erase(key);
          }
        }
      }
    }
  }

  // Solves groups with at most one unknown size until none is left (a size inferred from one
  // group can settle another's). An extent 1 seen only on plain axes may be a broadcast: groups
  // first treat it as unknown, and use it only when nothing else is left to infer from.
  void solve_groups() {
    std::vector<PendingGroup> pending;
    for (std::size_t k = 0; k < operands_.size(); ++k) {
      const Term& term = p_.inputs[k];
      for (std::size_t i = 0; i < term.axes.size(); ++i) {
        if (term.axes[i].group) pending.push_back({k, i, first_axis_[k][i]});
      }
    }
    while (!pending.empty()) {
      bool strict = true;
      const auto solvable = [&](const PendingGroup& g) { return unknowns(g, strict).size() <= 1; };
      auto it = std::find_if(pending.begin(), pending.end(), solvable);
      if (it == pending.end()) {
        strict = false;
        it = std::find_if(pending.begin(), pending.end(), solvable);
      }
      if (it == pending.end()) {
        const std::vector<Atom> u = unknowns(pending.front(), false);
        std::string set = "{";
        for (std::size_t j = 0; j < u.size(); ++j) {
          set += (j ? ", '" : "'") + p_.name_of(u[j].key) + "'";
        }
        fail(ErrorCode::InvalidArgument,
             "Could not infer sizes for " + set + "} (give all but one size of a group)",
             u.front().pos);
      }
      solve(*it, strict);
      pending.erase(it);
    }
  }

  // Whether `key`'s size is still to be inferred; `strict` counts a weak extent 1 as unknown.
  [[nodiscard]] bool is_unknown(int key, bool strict) const {
    return !known_.count(key) || (strict && weak_.count(key));
  }

  [[nodiscard]] std::vector<Atom> unknowns(const PendingGroup& g, bool strict) const {
    std::vector<Atom> out;
    for (const Atom& a : p_.inputs[g.operand].axes[g.item].atoms) {
      if (is_unknown(a.key, strict)) out.push_back(a);
    }
    return out;
  }

  void solve(const PendingGroup& g, bool strict) {
    const Axis& group = p_.inputs[g.operand].axes[g.item];
    const Index length = operands_[g.operand].shape()[g.axis];
    Index known = 1;
    std::optional<int> unknown;
    for (const Atom& a : group.atoms) {
      if (is_unknown(a.key, strict)) {
        unknown = a.key;
      } else {
        known = support::checked_mul(known, known_.at(a.key), "einsum: group size");
      }
    }
    if (!unknown) {
      if (known != length) {
        fail(ErrorCode::ShapeMismatch,
             "Shape mismatch, " + std::to_string(length) + " != " + std::to_string(known) +
                 where(g.operand, g.axis),
             group.pos);
      }
      return;
    }
    if (known == 0 || length % known != 0) {
      fail(ErrorCode::ShapeMismatch,
           "Shape mismatch, can't divide axis of length " + std::to_string(length) +
               " in chunks of " + std::to_string(known) + where(g.operand, g.axis),
           group.pos);
    }
    known_[*unknown] = length / known;
    weak_.erase(*unknown);
  }

  // Each group becomes its labels' axes, row-major: a view with the group's stride scaled.
  void split_operands() {
    for (std::size_t k = 0; k < operands_.size(); ++k) {
      const TensorView& v = operands_[k];
      const Term& term = p_.inputs[k];
      Shape shape;
      Strides strides;
      expr::detail::Term tokens;
      tokens.pos = term.pos;
      for (std::size_t i = 0; i < term.axes.size(); ++i) {
        const Axis& a = term.axes[i];
        const int axis = first_axis_[k][i];
        if (!a.group) {
          const int n = is_ellipsis_axis(a) ? ellipsis_rank_[k] : 1;
          for (int d = axis; d < axis + n; ++d) {
            shape.push_back(v.shape()[d]);
            strides.push_back(v.strides()[d]);
          }
          tokens.tokens.push_back({a.atoms.front().key, a.atoms.front().pos});
          continue;
        }
        const std::size_t first = shape.size();
        Index stride = v.strides()[axis];
        for (auto at = a.atoms.rbegin(); at != a.atoms.rend(); ++at) {
          const Index e = known_.at(at->key);
          shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(first), e);
          strides.insert(strides.begin() + static_cast<std::ptrdiff_t>(first), stride);
          stride = support::checked_mul(stride, std::max<Index>(e, 1), "einsum: group stride");
        }
        for (const Atom& at : a.atoms) tokens.tokens.push_back({at.key, at.pos});
      }
      r_.operands.emplace_back(v.data(), v.dtype(), std::move(shape), std::move(strides));
      subscripts_.inputs.push_back(std::move(tokens));
    }
  }

  // The einsum parser checks and numbers the labels; the output goes to it without repeats.
  void parse() {
    subscripts_.text = p_.text;
    subscripts_.inputs_end = p_.inputs_end;
    if (p_.output) {
      expr::detail::Term out;
      out.pos = p_.output->pos;
      for (const Axis& a : p_.output->axes) {
        for (const Atom& at : a.atoms) {
          const bool seen =
              std::any_of(out.tokens.begin(), out.tokens.end(),
                          [&](const expr::detail::Token& t) { return t.key == at.key; });
          if (!seen) out.tokens.push_back({at.key, at.pos});
        }
      }
      subscripts_.output = std::move(out);
    }
    std::vector<Shape> shapes;
    for (const TensorView& v : r_.operands) shapes.push_back(v.shape());
    r_.parsed = expr::parse_tokens(subscripts_, p_.names, shapes);
  }

  void build_output() {
    const expr::ParsedExpression& e = r_.parsed;
    if (!p_.output) {
      r_.output_labels = e.output;
      r_.output_shape = e.output_shape();
      return;
    }
    // Walk the deduplicated output beside the parser's: '...' stands for its broadcast axes.
    std::map<int, int> label_of;
    std::vector<int> ellipsis;
    std::size_t next = 0;
    for (const expr::detail::Token& t : subscripts_.output->tokens) {
      if (t.key == kEllipsis) {
        const int n = e.num_ellipsis_labels();
        for (int d = 0; d < n; ++d) ellipsis.push_back(e.output[next++]);
      } else {
        label_of[t.key] = e.output[next++];
      }
    }
    for (const Axis& a : p_.output->axes) {
      Index merged = 1;
      for (const Atom& at : a.atoms) {
        const std::vector<int> labels =
            at.key == kEllipsis ? ellipsis : std::vector<int>{label_of.at(at.key)};
        for (int l : labels) {
          r_.output_labels.push_back(l);
          if (!a.group) r_.output_shape.push_back(e.extents[l]);
          merged = support::checked_mul(merged, e.extents[l], "einsum: output group size");
        }
      }
      if (a.group) r_.output_shape.push_back(merged);
    }
  }

  const Pattern& p_;
  std::span<const TensorView> operands_;
  const AxisSizes& sizes_;
  std::vector<std::vector<int>> first_axis_;  // per operand, per written axis
  std::vector<int> ellipsis_rank_;            // per operand
  std::map<int, Index> known_;                // key -> extent
  std::map<int, bool> given_;                 // key -> its size was given by name
  std::set<int> weak_;                        // keys known only as extent 1 on plain axes
  expr::detail::Subscripts subscripts_;
  Resolved r_;
};

}  // namespace

Resolved resolve(const Pattern& pattern, std::span<const TensorView> operands,
                 const AxisSizes& sizes) {
  return Resolver(pattern, operands, sizes).run();
}

}  // namespace ein::beyond
