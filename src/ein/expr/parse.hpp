// The einsum parser: NumPy's subscripts grammar (or its sublist form) plus the operand shapes in,
// one checked ParsedExpression out (dense label ids, '...' expanded, broadcast extents).
//
// NumPy (numpy.einsum without optimize, i.e. its C implementation) is the specification:
//  * terms are separated by ',', the output follows '->'; spaces are ignored anywhere except
//    inside '...' and '->'; labels are the letters a-z and A-Z.
//  * implicit mode (no '->'): the output is the broadcast '...' axes first, then every label that
//    appears exactly once over all inputs (repeats inside one operand count), in ASCII order, so
//    upper-case sorts before lower-case.
//  * '...' may appear once per term, anywhere in it. It covers the operand's axes not named by a
//    letter (possibly none). Operands' '...' axes broadcast NumPy-style: right-aligned, extent 1
//    stretches, an operand may cover fewer axes than another.
//  * an explicit output may omit '...' only when no operand's '...' covers an axis (NumPy then
//    errors even when those axes have extent 1).
//  * a label repeated in one operand takes that operand's diagonal; its extents there must be
//    equal (no broadcasting inside an operand). Across operands a label's extents must be equal
//    or 1 (extent 1 broadcasts, also against 0).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::expr {

namespace detail {
struct Subscripts;
}  // namespace detail

struct ParsedExpression {
  // Dense label ids 0..num_labels-1, numbered in order of first appearance in the expanded inputs
  // (left to right, '...' axes where the '...' stands).
  int num_labels = 0;
  // Per operand: the label id of each axis ('...' expanded); a label may repeat (a diagonal).
  std::vector<std::vector<int>> inputs;
  // The label ids of the output axes, no repeats.
  std::vector<int> output;
  // Per label: the broadcast extent (an operand axis of extent 1 broadcasts against it).
  std::vector<Index> extents;
  // Per label: "i" for a letter (parse_tokens: the name given), "...0", "...1", ... for the '...'
  // axes (leftmost first).
  std::vector<std::string> label_names;
  // Per label: one printable char for reports and equation(): the letter itself, or for '...'
  // axes a letter no named label uses (upper-case first). Unique while there are at most 52
  // labels in all; past that '...' axes fall back to digits, then '?'.
  std::vector<char> label_chars;

  // Canonical explicit form over label_chars, e.g. "ij,jk->ik"; with one '...' axis "Aij->Ai".
  [[nodiscard]] std::string equation() const;
  // Number of '...' axes after broadcasting (their labels are named "...k").
  [[nodiscard]] int num_ellipsis_labels() const;
  // Whether `label` appears in the output.
  [[nodiscard]] bool in_output(int label) const;
  // Product of the extents of the labels that are not in the output: how many products are
  // summed into each output element (1 when nothing is summed). Saturates at INT64_MAX.
  [[nodiscard]] Index summation_length() const;
  // The output shape: the extents of the output labels.
  [[nodiscard]] Shape output_shape() const;
};

// Parses NumPy's grammar for operands of these shapes. Throws ein::Error: ParseError for
// malformed subscripts, InvalidArgument when the operand count differs from the term count,
// ShapeMismatch when ranks or extents disagree. Messages quote the subscripts and put a caret
// under the offending character.
ParsedExpression parse(std::string_view subscripts, std::span<const Shape> shapes);

// ein's extended front ends (ein/beyond.hpp) tokenize grammars of their own into `s`. With
// `names` empty, keys are letters as tokenize() makes them; otherwise each key is an index into
// `names` (any number of labels), which spell the labels in messages and label_names, and key
// order is the implicit-mode order. Same checks and messages as parse().
ParsedExpression parse_tokens(const detail::Subscripts& s, std::span<const std::string> names,
                              std::span<const Shape> shapes);

// NumPy's sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]): each operand's labels as ints in
// [0, 52) (NumPy's limit; 0-25 print as 'A'-'Z', 26-51 as 'a'-'z', so int order is ASCII order
// in implicit mode) or kEllipsis; no output means implicit mode. Errors quote the equivalent
// subscripts string.
inline constexpr int kEllipsis = -1;
inline constexpr int kMaxSublistLabel = 52;
ParsedExpression parse_sublists(std::span<const std::vector<int>> inputs,
                                const std::optional<std::vector<int>>& output,
                                std::span<const Shape> shapes);

}  // namespace ein::expr
