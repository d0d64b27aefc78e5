// Fuzzes the subscript parser (ein::expr::parse) with arbitrary subscripts and shapes.
//
// Properties: only ein::Error escapes (never Internal); a successful parse is self-consistent
// (every axis has a label, extents agree with the shapes NumPy-style, the output has no repeats)
// and its canonical equation() parses again to the same expression.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ein/expr/parse.hpp"
#include "fuzz_util.hpp"

namespace ein::fuzz {
namespace {

void check_consistent(const expr::ParsedExpression& p, const std::vector<Shape>& shapes) {
  const auto num = static_cast<std::size_t>(p.num_labels);
  check(p.extents.size() == num && p.label_names.size() == num && p.label_chars.size() == num,
        "per-label vectors have the wrong size");
  check(p.inputs.size() == shapes.size(), "one term per operand");
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    check(p.inputs[i].size() == shapes[i].size(), "one label per axis");
    for (std::size_t ax = 0; ax < shapes[i].size(); ++ax) {
      const int l = p.inputs[i][ax];
      check(l >= 0 && static_cast<std::size_t>(l) < num, "label id out of range");
      const Index e = shapes[i][ax];
      check(e == p.extents[l] || e == 1, "axis extent neither the label's nor 1");
    }
  }
  std::vector<bool> seen(num, false);
  for (int l : p.output) {
    check(l >= 0 && static_cast<std::size_t>(l) < num, "output label out of range");
    check(!seen[l], "output label repeated");
    seen[l] = true;
  }
  check(p.output_shape().size() == p.output.size(), "output shape rank");
  check(p.summation_length() >= 0, "negative summation length");
}

void run(std::string_view text) {
  const TextCase c = parse_text_case(text);
  expr::ParsedExpression p;
  if (!accepts([&] { p = expr::parse(c.subscripts, c.shapes); })) return;
  check_consistent(p, c.shapes);
  // Round trip: the canonical form means the same thing. Past 52 labels label_chars are not
  // unique any more (documented), so the equation cannot be parsed back.
  if (p.num_labels > 52) return;
  const std::string eq = p.equation();
  expr::ParsedExpression q;
  try {
    q = expr::parse(eq, c.shapes);
  } catch (const Error& e) {
    fail("equation() '" + eq + "' of '" + c.subscripts + "' does not parse: " + e.what());
  }
  check(q.num_labels == p.num_labels, "round trip changes the label count: " + eq);
  check(q.output_shape() == p.output_shape(), "round trip changes the output shape: " + eq);
  check(q.extents == p.extents, "round trip changes the extents: " + eq);
  check(q.equation() == eq, "equation() is not canonical: " + eq + " vs " + q.equation());
}

}  // namespace
}  // namespace ein::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ein::fuzz::run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
