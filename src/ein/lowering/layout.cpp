#include "ein/lowering/layout.hpp"

#include <algorithm>

#include "ein/support/checked.hpp"

namespace ein::lowering {

int Layout::find(int label) const {
  auto it = std::find(labels.begin(), labels.end(), label);
  return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
}

std::string Layout::to_string(std::span<const char> label_chars) const {
  std::string s;
  for (int l : labels) s += label_chars[l];
  return s;
}

Layout operand_layout(const expr::ParsedExpression& e, int operand, std::span<const Index> shape,
                      std::span<const Index> strides) {
  Layout out;
  const auto& term = e.inputs[operand];
  for (std::size_t ax = 0; ax < term.size(); ++ax) {
    const int label = term[ax];
    if (e.extents[label] == 1) continue;
    // An extent-1 axis under a larger label extent broadcasts: stride 0.
    const Index s = shape[ax] == 1 ? 0 : strides[ax];
    const int pos = out.find(label);
    if (pos < 0) {
      out.labels.push_back(label);
      out.strides.push_back(s);
    } else if (s != 0 || shape[ax] != 1) {
      out.strides[pos] += s;
    }
  }
  return out;
}

Layout contiguous_layout(const std::vector<int>& labels, std::span<const Index> extents) {
  Layout out;
  out.labels = labels;
  out.strides.assign(labels.size(), 0);
  Index acc = 1;
  for (std::size_t i = labels.size(); i-- > 0;) {
    out.strides[i] = acc;
    acc = support::checked_mul(acc, std::max<Index>(extents[labels[i]], 1), "workspace size");
  }
  return out;
}

Layout output_layout(const expr::ParsedExpression& e, std::span<const Index> out_strides) {
  Layout out;
  for (std::size_t ax = 0; ax < e.output.size(); ++ax) {
    const int label = e.output[ax];
    if (e.extents[label] == 1) continue;
    out.labels.push_back(label);
    out.strides.push_back(out_strides[ax]);
  }
  return out;
}

Shape extents_of(std::span<const int> labels, std::span<const Index> extents) {
  Shape s;
  s.reserve(labels.size());
  for (int l : labels) s.push_back(extents[l]);
  return s;
}

Index numel_of(std::span<const int> labels, std::span<const Index> extents) {
  return checked_numel(extents_of(labels, extents));
}

bool foldable(const Layout& layout, std::span<const int> group, std::span<const Index> extents) {
  for (std::size_t i = 0; i + 1 < group.size(); ++i) {
    if (layout.stride_of(group[i]) != layout.stride_of(group[i + 1]) * extents[group[i + 1]]) {
      return false;
    }
  }
  return true;
}

}  // namespace ein::lowering
