#include "ein/einops/pattern.hpp"

#include <algorithm>
#include <optional>

namespace ein::einops {

namespace {

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void fail(const std::string& what, const std::string& context) {
  throw Error(ErrorCode::ParseError, what + context);
}

// The value of a decimal token, or nullopt when it does not fit in an Index.
std::optional<Index> decimal_value(std::string_view token) {
  Index v = 0;
  for (char c : token) {
    if (__builtin_mul_overflow(v, Index{10}, &v) || __builtin_add_overflow(v, c - '0', &v)) {
      return std::nullopt;
    }
  }
  return v;
}

// Builds a PatternSide token by token, enforcing einops's rules as it goes.
class SideBuilder {
 public:
  SideBuilder(int& next_anonymous_id, const std::string& context)
      : next_anonymous_id_(next_anonymous_id), context_(context) {}

  void open_group() {
    if (group_)
      fail("Axis composition is one-level (brackets inside brackets not allowed)", context_);
    group_ = PatternGroup{{}, true};
  }
  void close_group() {
    if (!group_) fail("Brackets are not balanced", context_);
    side_.groups.push_back(std::move(*group_));
    group_.reset();
  }
  void add_token(std::string_view token) {
    if (token == "...") return add_ellipsis();
    const bool number = std::all_of(token.begin(), token.end(), is_digit);
    if (number) return add_number(token);
    std::string reason;
    if (!valid_axis_name(token, &reason)) {
      fail("Invalid axis identifier: " + std::string(token) + " (" + reason + ")", context_);
    }
    if (side_.has_name(token)) {
      fail("Indexing expression contains duplicate dimension \"" + std::string(token) + "\"",
           context_);
    }
    side_.names.emplace_back(token);
    append({PatternAxis::Kind::Named, std::string(token), 0, -1});
  }
  PatternSide finish() {
    if (group_) fail("Imbalanced parentheses in expression", context_);
    return std::move(side_);
  }

 private:
  void add_ellipsis() {
    side_.has_ellipsis = true;
    side_.ellipsis_parenthesized = group_.has_value();
    append({PatternAxis::Kind::Ellipsis, {}, 0, -1});
  }
  void add_number(std::string_view token) {
    const std::optional<Index> v = decimal_value(token);
    if (!v) fail("Anonymous axis " + std::string(token) + " is too large", context_);
    if (*v == 1) {
      // "1" is an axis of extent 1: an empty group on its own, nothing inside parentheses.
      if (!group_) side_.groups.push_back(PatternGroup{{}, false});
      return;
    }
    if (*v == 0) fail("Anonymous axis should have positive length, not 0", context_);
    side_.has_anonymous = true;
    append({PatternAxis::Kind::Anonymous, {}, *v, next_anonymous_id_++});
  }
  void append(PatternAxis axis) {
    if (group_) {
      group_->axes.push_back(std::move(axis));
    } else {
      side_.groups.push_back(PatternGroup{{std::move(axis)}, false});
    }
  }

  int& next_anonymous_id_;
  const std::string& context_;
  PatternSide side_;
  std::optional<PatternGroup> group_;
};

}  // namespace

bool PatternSide::has_name(std::string_view name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool valid_axis_name(std::string_view name, std::string* reason) {
  const auto why = [&](const char* r) {
    if (reason) *reason = r;
    return false;
  };
  if (name.empty() || is_digit(name.front()) || !std::all_of(name.begin(), name.end(), [](char c) {
        return is_ascii_alnum(c) || c == '_';
      })) {
    return why("not a valid identifier");
  }
  if (name.front() == '_' || name.back() == '_') {
    return why("axis name should not start or end with underscore");
  }
  return true;
}

PatternSide parse_side(std::string_view text, int& next_anonymous_id, const std::string& context) {
  // Dots may only form the one ellipsis.
  const std::size_t dots = static_cast<std::size_t>(std::count(text.begin(), text.end(), '.'));
  if (dots > 0) {
    const std::size_t at = text.find("...");
    if (at == std::string_view::npos) {
      fail("Expression may contain dots only inside ellipsis (...)", context);
    }
    if (dots != 3) {
      fail("Expression may contain dots only inside ellipsis (...); only one ellipsis for tensor",
           context);
    }
  }
  SideBuilder builder(next_anonymous_id, context);
  std::size_t start = 0;
  bool in_token = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (c == '(' || c == ')' || c == ' ') {
      if (in_token) builder.add_token(text.substr(start, i - start));
      in_token = false;
      if (c == '(') builder.open_group();
      if (c == ')') builder.close_group();
    } else if (is_ascii_alnum(c) || c == '_' || c == '.') {
      // "..." is a token of its own; "a..." is one token too, rejected as an invalid name (as
      // einops does), since the dots were checked to form a single ellipsis above.
      if (!in_token) start = i;
      in_token = true;
    } else {
      fail(std::string("Unknown character '") + c + "'", context);
    }
  }
  return builder.finish();
}

void split_pattern(std::string_view pattern, std::string_view& left, std::string_view& right,
                   const std::string& context) {
  const std::size_t arrow = pattern.find("->");
  if (arrow == std::string_view::npos) fail("Pattern needs exactly one '->'", context);
  if (pattern.find("->", arrow + 2) != std::string_view::npos) {
    fail("Pattern needs exactly one '->', found more", context);
  }
  left = pattern.substr(0, arrow);
  right = pattern.substr(arrow + 2);
}

}  // namespace ein::einops
