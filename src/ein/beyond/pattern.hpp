// The grammars of ein/beyond.hpp, tokenized into one form: terms of axes, an axis being one label,
// '...', or a parenthesised group of labels. Knows nothing about shapes (resolve.cpp does that).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ein::beyond {

// A label key (a letter's code in the letters grammar, an index into Pattern::names otherwise) or
// kEllipsis, at `pos` in Pattern::text.
inline constexpr int kEllipsis = -1;
struct Atom {
  int key = kEllipsis;
  std::size_t pos = 0;
};

// One axis of an operand (or of the output) as written: a single atom, or a group "(...)" of
// any number of atoms (none: an axis of extent 1).
struct Axis {
  std::vector<Atom> atoms;
  bool group = false;
  std::size_t pos = 0;  // the label, '...' or '('
};

struct Term {
  std::vector<Axis> axes;
  std::size_t pos = 0;
  [[nodiscard]] bool has_ellipsis() const;
  [[nodiscard]] bool has_group() const;
};

struct Pattern {
  std::string text;                // what messages quote
  std::vector<std::string> names;  // empty: keys are letters
  std::vector<Term> inputs;
  std::optional<Term> output;  // absent in implicit mode
  std::size_t inputs_end = 0;  // position of '->', or text.size()
  // The key spelled `name`, or nullopt when the pattern does not use it.
  [[nodiscard]] std::optional<int> key_of(std::string_view name) const;
  [[nodiscard]] std::string name_of(int key) const;
};

// NumPy's subscripts ("ij,jk->ik"; spaces ignored) with groups: "(ij)k,kl->ijl".
Pattern parse_letters(std::string_view subscripts);
// Names separated by spaces: "batch (head d), d k -> batch head k". '->' is required.
Pattern parse_named(std::string_view pattern);
// NumPy's sublist form with any non-negative ints; keys follow int order (implicit mode's order).
Pattern from_sublists(std::span<const std::vector<int>> inputs,
                      const std::optional<std::vector<int>>& output);

}  // namespace ein::beyond
