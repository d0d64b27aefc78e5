// A value's layout in label terms: which labels its axes carry and the stride of each.
//
// Once an operand is canonicalised every label appears at most once (repeated labels became a
// diagonal by adding strides) and extent-1 labels are gone (they index nothing), so a layout is a
// list of (label, stride) pairs whose extents come from the expression.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ein/expr/parse.hpp"
#include "ein/tensor.hpp"

namespace ein::lowering {

struct Layout {
  std::vector<int> labels;  // unique, no extent-1 labels
  Strides strides;          // one per label, in elements

  [[nodiscard]] int find(int label) const;  // position of `label`, or -1
  [[nodiscard]] bool has(int label) const { return find(label) >= 0; }
  [[nodiscard]] Index stride_of(int label) const { return strides[find(label)]; }
  [[nodiscard]] std::string to_string(std::span<const char> label_chars) const;
};

// The operand's axes as a layout: repeated labels add their strides (the diagonal), axes whose
// extent is 1 are dropped (including extent-1 axes broadcast against a larger extent: they read
// the same element for every index, i.e. stride 0, which dropping the label expresses).
// Labels broadcast this way are added back with stride 0 so the layout names every label the
// operand takes part in.
Layout operand_layout(const expr::ParsedExpression& e, int operand, std::span<const Index> shape,
                      std::span<const Index> strides);

// C-contiguous strides for `labels` in the given order.
Layout contiguous_layout(const std::vector<int>& labels, std::span<const Index> extents);

// The output layout: the output labels (minus extent-1 ones) with the strides of `out`.
Layout output_layout(const expr::ParsedExpression& e, std::span<const Index> out_strides);

// Extents of `labels`.
Shape extents_of(std::span<const int> labels, std::span<const Index> extents);

// Number of elements of a value with these labels.
Index numel_of(std::span<const int> labels, std::span<const Index> extents);

// Whether labels `group` (in this order) can act as one axis of `layout`: each label's stride is
// the next label's stride times the next label's extent.
bool foldable(const Layout& layout, std::span<const int> group, std::span<const Index> extents);

}  // namespace ein::lowering
