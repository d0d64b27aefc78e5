#include "ein/expr/subscripts.hpp"

#include <algorithm>
#include <cstdio>

namespace ein::expr::detail {

namespace {

bool is_printable(char c) { return c >= 0x20 && c < 0x7f; }

// A character for messages: 'x', or its code when it would not print.
std::string describe_char(char c) {
  if (is_printable(c)) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "'\\x%02x'", static_cast<unsigned>(static_cast<unsigned char>(c)));
  return buf;
}

std::string term_name(std::size_t index, bool output) {
  return output ? std::string("the output") : "operand " + std::to_string(index);
}

}  // namespace

bool Term::has_ellipsis() const {
  return std::any_of(tokens.begin(), tokens.end(),
                     [](const Token& t) { return t.key == kEllipsisKey; });
}

int Term::num_named() const {
  return static_cast<int>(std::count_if(tokens.begin(), tokens.end(),
                                        [](const Token& t) { return t.key != kEllipsisKey; }));
}

std::string quoted_key(int key) {
  if (key >= 0 && key < 128) return std::string("'") + static_cast<char>(key) + "'";
  return "#" + std::to_string(key);
}

std::string caret_message(std::string_view what, std::string_view text, std::size_t pos) {
  std::string head = "einsum: ";
  head += what;
  head += " in \"";
  std::string out = head;
  for (char c : text) out += is_printable(c) ? c : '?';
  out += '"';
  if (pos != kNoPos && pos <= text.size()) {
    out += '\n';
    out.append(head.size() + pos, ' ');
    out += '^';
  }
  return out;
}

void fail_at(ErrorCode code, std::string_view what, std::string_view text, std::size_t pos) {
  throw Error(code, caret_message(what, text, pos));
}

Subscripts tokenize(std::string_view subscripts) {
  Subscripts s;
  s.text = std::string(subscripts);
  const std::string& t = s.text;
  Term current;
  bool started = false;  // whether `current` has seen a non-space character
  bool in_output = false;
  auto start_term = [&](std::size_t i) {
    if (!started) {
      current.pos = i;
      started = true;
    }
  };
  auto close_term = [&](std::size_t i) {
    if (!started) current.pos = i;
    s.inputs.push_back(std::move(current));
    current = Term{};
    started = false;
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ' ') continue;
    if (is_label_char(c)) {
      start_term(i);
      current.tokens.push_back({static_cast<int>(static_cast<unsigned char>(c)), i});
    } else if (c == '.') {
      start_term(i);
      if (t.compare(i, 3, "...") != 0) {
        fail_at(ErrorCode::ParseError,
                "'.' is not part of an ellipsis '...' in " + term_name(s.inputs.size(), in_output),
                t, i);
      }
      if (current.has_ellipsis()) {
        fail_at(ErrorCode::ParseError,
                "ellipsis '...' appears twice in " + term_name(s.inputs.size(), in_output), t, i);
      }
      current.tokens.push_back({kEllipsisKey, i});
      i += 2;
    } else if (c == ',') {
      if (in_output) {
        fail_at(ErrorCode::ParseError, "',' after '->' (the output is a single term)", t, i);
      }
      close_term(i);
    } else if (c == '-') {
      if (i + 1 >= t.size() || t[i + 1] != '>') {
        fail_at(ErrorCode::ParseError, "'-' is not followed by '>' (the output starts with '->')",
                t, i);
      }
      if (in_output) fail_at(ErrorCode::ParseError, "'->' appears twice", t, i);
      close_term(i);
      in_output = true;
      s.inputs_end = i;
      ++i;
    } else if (c == '>') {
      fail_at(ErrorCode::ParseError, "'>' is not preceded by '-' (the output starts with '->')", t,
              i);
    } else {
      fail_at(ErrorCode::ParseError,
              "invalid subscript " + describe_char(c) + " (labels are the letters a-z and A-Z)", t,
              i);
    }
  }
  if (in_output) {
    if (!started) current.pos = t.size();
    s.output = std::move(current);
  } else {
    close_term(t.size());
    s.inputs_end = t.size();
  }
  return s;
}

}  // namespace ein::expr::detail
