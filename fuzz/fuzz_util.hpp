// Helpers shared by the fuzz targets: a readable input format and checks that abort loudly.
//
// Expression inputs are text, so seeds are easy to read and write by hand:
//
//     ij,jk->ik          first line: the subscripts, passed to ein verbatim
//     2 3|3 4            second line: the operand shapes, '|' between operands
//
// Extents are decimal (saturating at INT64_MAX, '-' allowed so that negative extents reach the
// validation code); anything that is not a digit, '-', '|' or a newline separates numbers.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "ein/error.hpp"
#include "ein/tensor.hpp"

namespace ein::fuzz {

// A failed property: print what and where, then abort so libFuzzer saves the input.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ CHECK FAILED: %s\n", what.c_str());
  std::abort();
}
inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

struct TextCase {
  std::string subscripts;
  std::vector<Shape> shapes;
};

// Splits `data` into subscripts and shapes as described above. At most `max_operands` operands
// of at most `max_rank` axes are kept, so a single input cannot make a target slow.
inline TextCase parse_text_case(std::string_view data, std::size_t max_operands = 32,
                                std::size_t max_rank = 64) {
  TextCase c;
  const std::size_t nl = data.find('\n');
  c.subscripts = std::string(data.substr(0, nl));
  if (nl == std::string_view::npos) return c;
  std::string_view rest = data.substr(nl + 1);
  c.shapes.emplace_back();
  Index value = 0;
  bool in_number = false, negative = false;
  auto flush = [&] {
    if (in_number && c.shapes.back().size() < max_rank) {
      c.shapes.back().push_back(negative ? -value : value);
    }
    value = 0;
    in_number = negative = false;
  };
  for (char ch : rest) {
    if (ch >= '0' && ch <= '9') {
      const Index d = ch - '0';
      value = value > (INT64_MAX - d) / 10 ? INT64_MAX : value * 10 + d;
      in_number = true;
    } else if (ch == '-' && !in_number) {
      negative = true;
    } else {
      flush();
      if (ch == '|') {
        if (c.shapes.size() >= max_operands) break;
        c.shapes.emplace_back();
      } else if (ch == '\n') {
        break;
      }
    }
  }
  flush();
  return c;
}

// Runs f(); an ein::Error is an accepted outcome (returns false), any other exception is a bug.
template <class F>
bool accepts(F&& f) {
  try {
    f();
    return true;
  } catch (const Error& e) {
    check(e.code() != ErrorCode::Internal, std::string("internal error: ") + e.what());
    check(std::string_view(e.what()).size() > 0, "error without a message");
    return false;
  } catch (const std::exception& e) {
    fail(std::string("non-ein exception escaped: ") + e.what());
  }
}

}  // namespace ein::fuzz
