// The grammar half of the parser: splits an einsum subscripts string into terms of label and
// '...' tokens, remembering where each sits so that later errors can point at it. Knows nothing
// about shapes (parse.cpp does that).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ein/error.hpp"

namespace ein::expr::detail {

// A label key: the character code of a letter, or kEllipsisKey for '...'. Keys order labels in
// implicit mode (ASCII order).
inline constexpr int kEllipsisKey = -1;
inline constexpr std::size_t kNoPos = std::string::npos;

struct Token {
  int key = kEllipsisKey;
  std::size_t pos = kNoPos;  // index of the letter (or the first '.') in Subscripts::text
};

struct Term {
  std::vector<Token> tokens;
  std::size_t pos = 0;  // where the term starts in the text (past leading spaces)
  [[nodiscard]] bool has_ellipsis() const;
  [[nodiscard]] int num_named() const;  // letter tokens, repeats counted
};

struct Subscripts {
  std::string text;  // the subscripts as given; what error messages quote
  std::vector<Term> inputs;
  std::optional<Term> output;  // absent in implicit mode
  std::size_t inputs_end = 0;  // position of '->', or text.size()
};

// Splits `subscripts` into terms. Throws Error(ParseError) with a caret on bad grammar.
Subscripts tokenize(std::string_view subscripts);

// Whether c is a label letter (ASCII a-z, A-Z; locale-independent).
constexpr bool is_label_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// "einsum: <what> in \"<text>\"" and, when pos is a position, a second line with a caret under
// text[pos]. Non-printable characters are shown as '?' so the caret stays aligned.
std::string caret_message(std::string_view what, std::string_view text, std::size_t pos);
[[noreturn]] void fail_at(ErrorCode code, std::string_view what, std::string_view text,
                          std::size_t pos);

// A label key for messages: "'i'".
std::string quoted_key(int key);

}  // namespace ein::expr::detail
