// The shape half of the parser: checks the terms against the operand shapes, expands '...',
// numbers the labels densely and works out each label's broadcast extent.
#include "ein/expr/parse.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "ein/expr/subscripts.hpp"

namespace ein::expr {

using detail::fail_at;
using detail::kEllipsisKey;
using detail::kNoPos;
using detail::quoted_key;
using detail::Subscripts;
using detail::Term;
using detail::Token;

namespace {

// Where one operand axis came from, for extent checks and their messages.
struct AxisSource {
  int operand = 0;
  int axis = 0;
  Index extent = 0;
  std::size_t pos = kNoPos;  // the letter or '...' in the text
};

// Builds the ParsedExpression step by step; every check throws with a caret into s.text.
class Resolver {
 public:
  // `names` empty: keys are letters (NumPy's grammar); else names[key] spells label `key`.
  Resolver(const Subscripts& s, std::span<const Shape> shapes,
           std::span<const std::string> names = {})
      : s_(s), shapes_(shapes), names_(names) {}

  ParsedExpression run() {
    check_operand_count();
    check_output_grammar();
    check_ranks();
    check_output_keeps_ellipsis();
    expand_inputs();
    check_extents();
    build_output();
    name_labels();
    return std::move(p_);
  }

 private:
  [[noreturn]] void fail(ErrorCode code, const std::string& what, std::size_t pos) const {
    fail_at(code, what, s_.text, pos);
  }

  [[nodiscard]] std::string quoted(int key) const {
    if (names_.empty()) return quoted_key(key);
    return "'" + names_[static_cast<std::size_t>(key)] + "'";
  }

  void check_operand_count() const {
    const std::size_t terms = s_.inputs.size();
    if (terms == shapes_.size()) return;
    const std::string what = "the subscripts have " + std::to_string(terms) + " input term" +
                             (terms == 1 ? "" : "s") + " but " + std::to_string(shapes_.size()) +
                             " operand" + (shapes_.size() == 1 ? " was" : "s were") + " given";
    // Point at the first term without an operand, or where a missing term would go.
    const std::size_t pos = terms > shapes_.size() ? s_.inputs[shapes_.size()].pos : s_.inputs_end;
    fail(ErrorCode::InvalidArgument, what, pos);
  }

  // Output labels must be unique and come from the inputs (NumPy checks this before shapes).
  void check_output_grammar() const {
    if (!s_.output) return;
    std::map<int, bool> in_inputs;
    for (const Term& term : s_.inputs) {
      for (const Token& t : term.tokens) in_inputs[t.key] = true;
    }
    std::map<int, bool> seen;
    for (const Token& t : s_.output->tokens) {
      if (t.key == kEllipsisKey) continue;
      if (seen[t.key]) {
        fail(ErrorCode::ParseError, "output label " + quoted(t.key) + " appears twice", t.pos);
      }
      seen[t.key] = true;
      if (!in_inputs.count(t.key)) {
        fail(ErrorCode::ParseError,
             "output label " + quoted(t.key) + " does not appear in any input term", t.pos);
      }
    }
  }

  void check_ranks() {
    ellipsis_axes_.assign(shapes_.size(), 0);
    for (std::size_t k = 0; k < shapes_.size(); ++k) {
      const Term& term = s_.inputs[k];
      const int rank = static_cast<int>(shapes_[k].size());
      const int named = term.num_named();
      const bool ellipsis = term.has_ellipsis();
      if (named > rank || (!ellipsis && named != rank)) {
        std::string what = "operand " + std::to_string(k) + " has " + std::to_string(rank) +
                           " dimension" + (rank == 1 ? "" : "s") + " but its term names " +
                           std::to_string(named) + " label" + (named == 1 ? "" : "s");
        if (ellipsis) what += " besides '...'";
        fail(ErrorCode::ShapeMismatch, what, term.pos);
      }
      for (int a = 0; a < rank; ++a) {
        if (shapes_[k][a] < 0) {
          fail(ErrorCode::InvalidArgument,
               "operand " + std::to_string(k) + " has a negative extent " +
                   std::to_string(shapes_[k][a]) + " at axis " + std::to_string(a),
               term.pos);
        }
      }
      ellipsis_axes_[k] = rank - named;
      num_ellipsis_ = std::max(num_ellipsis_, ellipsis_axes_[k]);
    }
  }

  // NumPy refuses an explicit output without '...' when any '...' covers an axis, even one of
  // extent 1: it never sums over '...' axes implicitly.
  void check_output_keeps_ellipsis() const {
    if (!s_.output || s_.output->has_ellipsis() || num_ellipsis_ == 0) return;
    for (std::size_t k = 0; k < shapes_.size(); ++k) {
      if (ellipsis_axes_[k] == 0) continue;
      fail(ErrorCode::ShapeMismatch,
           "the output has no '...' but the '...' of operand " + std::to_string(k) + " covers " +
               std::to_string(ellipsis_axes_[k]) + (ellipsis_axes_[k] == 1 ? " axis" : " axes") +
               " (NumPy never sums over '...' axes; add '...' to the output)",
           s_.output->pos);
    }
  }

  int label_for_key(int key) {
    auto [it, inserted] = key_to_label_.try_emplace(key, p_.num_labels);
    if (inserted) new_label(key);
    return it->second;
  }

  int label_for_ellipsis_axis(int d) {
    if (ellipsis_labels_[d] < 0) {
      ellipsis_labels_[d] = p_.num_labels;
      new_label(kEllipsisKey);
    }
    return ellipsis_labels_[d];
  }

  void new_label(int key) {
    ++p_.num_labels;
    label_keys_.push_back(key);
    sources_.emplace_back();
  }

  // Replaces each '...' by its operand's share of the broadcast '...' axes (right-aligned).
  void expand_inputs() {
    ellipsis_labels_.assign(num_ellipsis_, -1);
    p_.inputs.resize(shapes_.size());
    for (std::size_t k = 0; k < shapes_.size(); ++k) {
      for (const Token& t : s_.inputs[k].tokens) {
        if (t.key != kEllipsisKey) {
          add_axis(k, label_for_key(t.key), t.pos);
          continue;
        }
        for (int d = num_ellipsis_ - ellipsis_axes_[k]; d < num_ellipsis_; ++d) {
          add_axis(k, label_for_ellipsis_axis(d), t.pos);
        }
      }
    }
  }

  void add_axis(std::size_t k, int label, std::size_t pos) {
    const int axis = static_cast<int>(p_.inputs[k].size());
    p_.inputs[k].push_back(label);
    sources_[label].push_back({static_cast<int>(k), axis, shapes_[k][axis], pos});
  }

  // Within one operand a repeated label needs equal extents; across operands extents must be
  // equal or 1 (NumPy broadcasts extent 1, also against 0).
  void check_extents() {
    p_.extents.assign(p_.num_labels, 1);
    for (int label = 0; label < p_.num_labels; ++label) {
      const std::vector<AxisSource>& src = sources_[label];
      const AxisSource* decided = nullptr;  // the first occurrence with extent != 1
      for (std::size_t i = 0; i < src.size(); ++i) {
        const AxisSource& a = src[i];
        for (std::size_t j = 0; j < i; ++j) {
          if (src[j].operand == a.operand && src[j].extent != a.extent) {
            fail_repeat(label, src[j], a);
          }
        }
        if (a.extent == 1) continue;
        if (decided == nullptr) {
          decided = &a;
        } else if (decided->extent != a.extent) {
          fail_broadcast(label, *decided, a);
        }
      }
      if (decided != nullptr) p_.extents[label] = decided->extent;
    }
  }

  [[noreturn]] void fail_repeat(int label, const AxisSource& first, const AxisSource& second) {
    fail(ErrorCode::ShapeMismatch,
         "label " + quoted(label_keys_[label]) + " repeats in operand " +
             std::to_string(second.operand) +
             " with different extents: " + std::to_string(first.extent) + " at axis " +
             std::to_string(first.axis) + " but " + std::to_string(second.extent) + " at axis " +
             std::to_string(second.axis) + " (a diagonal needs equal extents)",
         second.pos);
  }

  [[noreturn]] void fail_broadcast(int label, const AxisSource& first, const AxisSource& second) {
    auto where = [](const AxisSource& a) {
      return std::to_string(a.extent) + " in operand " + std::to_string(a.operand) + " (axis " +
             std::to_string(a.axis) + ")";
    };
    const std::string subject = label_keys_[label] == kEllipsisKey
                                    ? std::string("the '...' axes do not broadcast: an axis has")
                                    : "label " + quoted(label_keys_[label]) + " has extent";
    fail(ErrorCode::ShapeMismatch,
         subject + " " + where(first) + " but " + where(second) + " (extents must be equal or 1)",
         second.pos);
  }

  void build_output() {
    if (s_.output) {
      for (const Token& t : s_.output->tokens) {
        if (t.key == kEllipsisKey) {
          for (int d = 0; d < num_ellipsis_; ++d) p_.output.push_back(ellipsis_labels_[d]);
        } else {
          p_.output.push_back(key_to_label_.at(t.key));
        }
      }
      return;
    }
    // Implicit mode: '...' axes, then the labels used exactly once, in key (ASCII) order.
    for (int d = 0; d < num_ellipsis_; ++d) p_.output.push_back(ellipsis_labels_[d]);
    for (const auto& [key, label] : key_to_label_) {  // std::map iterates in key order
      if (sources_[label].size() == 1) p_.output.push_back(label);
    }
  }

  void name_labels() {
    if (!names_.empty()) return name_keyed_labels();
    p_.label_names.resize(p_.num_labels);
    p_.label_chars.resize(p_.num_labels);
    std::string spare;  // letters no named label uses, upper-case first, then digits
    for (char c = 'A'; c <= 'Z'; ++c) spare += c;
    for (char c = 'a'; c <= 'z'; ++c) spare += c;
    std::erase_if(spare, [&](char c) { return key_to_label_.count(c) != 0; });
    for (char c = '0'; c <= '9'; ++c) spare += c;
    for (const auto& [key, label] : key_to_label_) {
      p_.label_names[label] = std::string(1, static_cast<char>(key));
      p_.label_chars[label] = static_cast<char>(key);
    }
    for (int d = 0; d < num_ellipsis_; ++d) {
      const int label = ellipsis_labels_[d];
      p_.label_names[label] = "..." + std::to_string(d);
      p_.label_chars[label] = static_cast<std::size_t>(d) < spare.size() ? spare[d] : '?';
    }
  }

  // Keyed labels are named by names_; their report chars are their own letter when a name is a
  // single letter no other label claims, else spare letters (then digits, then '?').
  void name_keyed_labels() {
    p_.label_names.resize(p_.num_labels);
    p_.label_chars.assign(p_.num_labels, '\0');
    std::string taken;
    for (int label = 0; label < p_.num_labels; ++label) {
      const int key = label_keys_[label];
      const std::string name =
          key == kEllipsisKey ? std::string() : names_[static_cast<std::size_t>(key)];
      if (key == kEllipsisKey) {
        const auto d = std::find(ellipsis_labels_.begin(), ellipsis_labels_.end(), label) -
                       ellipsis_labels_.begin();
        p_.label_names[label] = "..." + std::to_string(d);
      } else {
        p_.label_names[label] = name;
      }
      if (name.size() == 1 && detail::is_label_char(name[0]) &&
          taken.find(name[0]) == std::string::npos) {
        p_.label_chars[label] = name[0];
        taken += name[0];
      }
    }
    std::string spare;
    for (char c = 'A'; c <= 'Z'; ++c) spare += c;
    for (char c = 'a'; c <= 'z'; ++c) spare += c;
    for (char c = '0'; c <= '9'; ++c) spare += c;
    std::erase_if(spare, [&](char c) { return taken.find(c) != std::string::npos; });
    std::size_t next = 0;
    for (char& c : p_.label_chars) {
      if (c == '\0') c = next < spare.size() ? spare[next++] : '?';
    }
  }

  const Subscripts& s_;
  std::span<const Shape> shapes_;
  std::span<const std::string> names_;
  ParsedExpression p_;
  std::vector<int> ellipsis_axes_;  // per operand: axes its '...' covers
  int num_ellipsis_ = 0;            // broadcast '...' axes
  std::vector<int> ellipsis_labels_;
  std::map<int, int> key_to_label_;               // letter -> label id
  std::vector<int> label_keys_;                   // label id -> letter or kEllipsisKey
  std::vector<std::vector<AxisSource>> sources_;  // label id -> its axes, in input order
};

}  // namespace

std::string ParsedExpression::equation() const {
  std::string out;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (k > 0) out += ',';
    for (int label : inputs[k]) out += label_chars[label];
  }
  out += "->";
  for (int label : output) out += label_chars[label];
  return out;
}

int ParsedExpression::num_ellipsis_labels() const {
  return static_cast<int>(std::count_if(label_names.begin(), label_names.end(),
                                        [](const std::string& n) { return n.starts_with("..."); }));
}

bool ParsedExpression::in_output(int label) const {
  return std::find(output.begin(), output.end(), label) != output.end();
}

Index ParsedExpression::summation_length() const {
  Index n = 1;
  for (int label = 0; label < num_labels; ++label) {
    if (in_output(label)) continue;
    const Index e = extents[label];
    if (e == 0) return 0;
    n = n > std::numeric_limits<Index>::max() / e ? std::numeric_limits<Index>::max() : n * e;
  }
  return n;
}

Shape ParsedExpression::output_shape() const {
  Shape shape;
  shape.reserve(output.size());
  for (int label : output) shape.push_back(extents[label]);
  return shape;
}

ParsedExpression parse(std::string_view subscripts, std::span<const Shape> shapes) {
  const Subscripts s = detail::tokenize(subscripts);
  return Resolver(s, shapes).run();
}

ParsedExpression parse_tokens(const detail::Subscripts& s, std::span<const std::string> names,
                              std::span<const Shape> shapes) {
  return Resolver(s, shapes, names).run();
}

ParsedExpression parse_sublists(std::span<const std::vector<int>> inputs,
                                const std::optional<std::vector<int>>& output,
                                std::span<const Shape> shapes) {
  // Spell the sublists as the equivalent subscripts, so both forms share one set of checks and
  // messages (NumPy's messages for sublists also use letters).
  auto append = [](std::string& text, const std::vector<int>& labels, const std::string& where) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const int v = labels[i];
      if (v == kEllipsis) {
        text += "...";
      } else if (v >= 0 && v < kMaxSublistLabel) {
        text += static_cast<char>(v < 26 ? 'A' + v : 'a' + (v - 26));
      } else {
        throw Error(ErrorCode::ParseError, "einsum: sublist label " + std::to_string(v) +
                                               " at position " + std::to_string(i) + " of " +
                                               where + " is outside the valid range [0, " +
                                               std::to_string(kMaxSublistLabel) + ")");
      }
    }
  };
  std::string text;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (k > 0) text += ',';
    append(text, inputs[k], "operand " + std::to_string(k));
  }
  if (output) {
    text += "->";
    append(text, *output, "the output");
  }
  return parse(text, shapes);
}

}  // namespace ein::expr
