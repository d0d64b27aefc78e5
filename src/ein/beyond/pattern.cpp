#include "ein/beyond/pattern.hpp"

#include <algorithm>
#include <map>

#include "ein/einops/pattern.hpp"
#include "ein/error.hpp"
#include "ein/expr/subscripts.hpp"

namespace ein::beyond {

using expr::detail::fail_at;

bool Term::has_ellipsis() const {
  return std::any_of(axes.begin(), axes.end(), [](const Axis& a) {
    return std::any_of(a.atoms.begin(), a.atoms.end(),
                       [](const Atom& t) { return t.key == kEllipsis; });
  });
}

bool Term::has_group() const {
  return std::any_of(axes.begin(), axes.end(), [](const Axis& a) { return a.group; });
}

std::optional<int> Pattern::key_of(std::string_view name) const {
  if (names.empty()) {
    if (name.size() != 1 || !expr::detail::is_label_char(name[0])) return std::nullopt;
    return static_cast<int>(static_cast<unsigned char>(name[0]));
  }
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<int>(it - names.begin());
}

std::string Pattern::name_of(int key) const {
  if (key == kEllipsis) return "...";
  if (names.empty()) return std::string(1, static_cast<char>(key));
  return names[static_cast<std::size_t>(key)];
}

namespace {

std::string term_name(std::size_t index, bool output) {
  return output ? std::string("the output") : "operand " + std::to_string(index);
}

// Builds a Pattern token by token; the grammar-specific loops below feed it.
class Builder {
 public:
  explicit Builder(std::string_view text) { p_.text = std::string(text); }

  [[noreturn]] void fail(std::string_view what, std::size_t pos) const {
    fail_at(ErrorCode::ParseError, what, p_.text, pos);
  }

  void atom(int key, std::size_t pos) {
    start(pos);
    if (key == kEllipsis) {
      if (current_.has_ellipsis() ||
          (group_ && std::any_of(group_->atoms.begin(), group_->atoms.end(),
                                 [](const Atom& a) { return a.key == kEllipsis; }))) {
        fail("ellipsis '...' appears twice in " + term_name(p_.inputs.size(), in_output_), pos);
      }
      if (group_ && !in_output_) {
        fail("Ellipsis inside parenthesis in the left side is not allowed", pos);
      }
    }
    if (group_) {
      group_->atoms.push_back({key, pos});
    } else {
      current_.axes.push_back(Axis{{{key, pos}}, false, pos});
    }
  }

  void open_group(std::size_t pos) {
    start(pos);
    if (group_) fail("Axis composition is one-level (brackets inside brackets not allowed)", pos);
    group_ = Axis{{}, true, pos};
  }

  void close_group(std::size_t pos) {
    if (!group_) fail("Brackets are not balanced (')' without '(')", pos);
    current_.axes.push_back(std::move(*group_));
    group_.reset();
  }

  void comma(std::size_t pos) {
    if (in_output_) fail("',' after '->' (the output is a single term)", pos);
    close_term(pos);
  }

  void arrow(std::size_t pos) {
    if (in_output_) fail("'->' appears twice", pos);
    close_term(pos);
    in_output_ = true;
    p_.inputs_end = pos;
  }

  Pattern finish() {
    const std::size_t end = p_.text.size();
    if (in_output_) {
      check_open_group(end);
      if (!started_) current_.pos = end;
      check_duplicates(current_);
      p_.output = std::move(current_);
    } else {
      close_term(end);
      p_.inputs_end = end;
    }
    return std::move(p_);
  }

  // Named grammar: the key of `name`, numbering names in order of first appearance.
  int key_for_name(std::string_view name) {
    const auto it = std::find(p_.names.begin(), p_.names.end(), name);
    if (it != p_.names.end()) return static_cast<int>(it - p_.names.begin());
    p_.names.emplace_back(name);
    return static_cast<int>(p_.names.size()) - 1;
  }
  [[nodiscard]] bool has_output() const { return in_output_; }

 private:
  void start(std::size_t pos) {
    if (started_) return;
    current_.pos = pos;
    started_ = true;
  }

  void check_open_group(std::size_t pos) const {
    if (group_) fail("Imbalanced parentheses in expression ('(' is not closed)", pos);
  }

  void close_term(std::size_t pos) {
    check_open_group(pos);
    if (!started_) current_.pos = pos;
    check_duplicates(current_);
    p_.inputs.push_back(std::move(current_));
    current_ = Term{};
    started_ = false;
  }

  // A label inside a group may not appear again in its term: a split or merge names each label
  // once (einops's rule). Plain repeats keep NumPy's meaning (a diagonal) and, in the output,
  // ein's (a diagonal embedding).
  void check_duplicates(const Term& term) const {
    std::map<int, std::size_t> count;
    for (const Axis& axis : term.axes) {
      for (const Atom& a : axis.atoms) ++count[a.key];
    }
    for (const Axis& axis : term.axes) {
      if (!axis.group) continue;
      for (const Atom& a : axis.atoms) {
        if (a.key != kEllipsis && count[a.key] > 1) {
          fail("Indexing expression contains duplicate dimension \"" + name(a.key) +
                   "\" (a label in a group may appear only once in its term)",
               a.pos);
        }
      }
    }
  }

  [[nodiscard]] std::string name(int key) const { return p_.name_of(key); }

  Pattern p_;
  Term current_;
  std::optional<Axis> group_;
  bool started_ = false;
  bool in_output_ = false;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_name_char(char c) {
  return expr::detail::is_label_char(c) || (c >= '0' && c <= '9') || c == '_';
}

// '.', '(', ')', ',', '-', '>' mean the same in both grammars. Returns the index of the last
// character consumed, or npos when `c` is none of them.
std::size_t punctuation(Builder& b, std::string_view t, std::size_t i) {
  const char c = t[i];
  if (c == '.') {
    if (t.substr(i, 3) != "...") b.fail("'.' is not part of an ellipsis '...'", i);
    b.atom(kEllipsis, i);
    return i + 2;
  }
  if (c == '(') {
    b.open_group(i);
  } else if (c == ')') {
    b.close_group(i);
  } else if (c == ',') {
    b.comma(i);
  } else if (c == '-') {
    if (i + 1 >= t.size() || t[i + 1] != '>') {
      b.fail("'-' is not followed by '>' (the output starts with '->')", i);
    }
    b.arrow(i);
    return i + 1;
  } else if (c == '>') {
    b.fail("'>' is not preceded by '-' (the output starts with '->')", i);
  } else {
    return std::string_view::npos;
  }
  return i;
}

std::string describe_char(char c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
  return "byte " + std::to_string(static_cast<unsigned>(static_cast<unsigned char>(c)));
}

}  // namespace

Pattern parse_letters(std::string_view subscripts) {
  Builder b(subscripts);
  for (std::size_t i = 0; i < subscripts.size(); ++i) {
    const char c = subscripts[i];
    if (c == ' ') continue;
    if (expr::detail::is_label_char(c)) {
      b.atom(static_cast<int>(static_cast<unsigned char>(c)), i);
      continue;
    }
    const std::size_t last = punctuation(b, subscripts, i);
    if (last == std::string_view::npos) {
      b.fail("invalid subscript " + describe_char(c) +
                 " (labels are the letters a-z and A-Z; groups are written '(ij)')",
             i);
    }
    i = last;
  }
  return b.finish();
}

Pattern parse_named(std::string_view pattern) {
  Builder b(pattern);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (is_space(c)) continue;
    if (is_name_char(c)) {
      std::size_t end = i;
      while (end < pattern.size() && is_name_char(pattern[end])) ++end;
      const std::string_view name = pattern.substr(i, end - i);
      if (std::all_of(name.begin(), name.end(), [](char d) { return d >= '0' && d <= '9'; })) {
        b.fail("anonymous axis " + std::string(name) +
                   " is not supported in einsum_named (write () for an axis of extent 1)",
               i);
      }
      std::string reason;
      if (!einops::valid_axis_name(name, &reason)) {
        b.fail("Invalid axis identifier: " + std::string(name) + " (" + reason + ")", i);
      }
      b.atom(b.key_for_name(name), i);
      i = end - 1;
      continue;
    }
    const std::size_t last = punctuation(b, pattern, i);
    if (last == std::string_view::npos) {
      b.fail(
          "invalid character " + describe_char(c) + " (names are identifiers separated by spaces)",
          i);
    }
    i = last;
  }
  if (!b.has_output()) b.fail("Einsum pattern must contain '->'", pattern.size());
  return b.finish();
}

Pattern from_sublists(std::span<const std::vector<int>> inputs,
                      const std::optional<std::vector<int>>& output) {
  // Keys number the distinct labels in increasing order, so key order is int order.
  std::vector<int> labels;
  auto collect = [&](const std::vector<int>& list, const std::string& where) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i] < kEllipsis) {
        throw Error(ErrorCode::ParseError,
                    "einsum: sublist label " + std::to_string(list[i]) + " at position " +
                        std::to_string(i) + " of " + where +
                        " is negative (labels are ints >= 0; -1 stands for '...')");
      }
      if (list[i] != kEllipsis) labels.push_back(list[i]);
    }
  };
  for (std::size_t k = 0; k < inputs.size(); ++k) collect(inputs[k], term_name(k, false));
  if (output) collect(*output, term_name(0, true));
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());

  // Spelled like the named grammar ("0 1, 1 2 -> 0 2") so that messages can point at a label.
  Pattern p;
  for (int v : labels) p.names.push_back(std::to_string(v));
  auto term = [&](const std::vector<int>& list, std::size_t index, bool is_output) {
    Term t;
    t.pos = p.text.size();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i > 0) p.text += ' ';
      const std::size_t pos = p.text.size();
      int key = kEllipsis;
      if (list[i] == kEllipsis) {
        if (t.has_ellipsis()) {
          fail_at(ErrorCode::ParseError,
                  "ellipsis (-1) appears twice in " + term_name(index, is_output), p.text, pos);
        }
        p.text += "...";
      } else {
        key = static_cast<int>(std::lower_bound(labels.begin(), labels.end(), list[i]) -
                               labels.begin());
        p.text += p.names[static_cast<std::size_t>(key)];
      }
      t.axes.push_back(Axis{{{key, pos}}, false, pos});
    }
    return t;
  };
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (k > 0) p.text += ", ";
    p.inputs.push_back(term(inputs[k], k, false));
  }
  p.inputs_end = p.text.size();
  if (output) {
    p.text += " -> ";
    p.output = term(*output, 0, true);
  }
  return p;
}

}  // namespace ein::beyond
