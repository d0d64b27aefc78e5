// einsum beyond NumPy's grammar (issue 9). Each extension has an entry point of its own, so that
// ein::einsum stays exactly numpy.einsum (which rejects all of these); every einsum NumPy accepts
// gives the same result through these entry points.
//
//  * Diagonal embedding: an output label may repeat. "i->ii" puts a vector on the diagonal of a
//    matrix (np.diag), "...i->...ii" does it per batch, "ij,jk->iik" embeds a product; the
//    elements off the diagonal are zero.
//  * Groups in einops's grammar: a parenthesised group of labels is one axis, row-major (the
//    leftmost label varies slowest, like reshape). In an input "(ij)k" splits an axis into i and j
//    (a view, never a copy); in the output "(cd)e" merges c and d into one axis. At most one size
//    per input group may be left to infer; the others come from `sizes` or from another axis
//    that carries the label. "()" is an axis of extent 1. A label in a group may not appear again
//    in the same term; '...' may sit in an output group, not in an input group.
//  * Any number of labels: einsum_named takes names separated by spaces
//    ("batch head i d, batch head j d -> batch head i j"), einsum_sublists takes NumPy's sublist
//    form with any non-negative int labels (NumPy stops at 52).
//
// Errors are ein::Error: ParseError for malformed subscripts, ShapeMismatch for extents that do
// not fit, InvalidArgument for sizes that cannot be used. Messages quote the subscripts with a
// caret under the offending label and use einops's wording where einops has the same error.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ein/einsum.hpp"

namespace ein {

// Axis sizes given by name, as einops's keyword arguments: {{"i", 2}} (the same type as
// ein/rearrange.hpp declares).
using AxisSizes = std::vector<std::pair<std::string, Index>>;

// NumPy's subscripts grammar (letters, '...', '->', implicit mode) plus repeated output labels and
// groups. Sizes are given by letter: {{"i", 2}}.
Tensor einsum_ext(std::string_view subscripts, std::span<const TensorView> operands,
                  const AxisSizes& sizes = {}, const EinsumOptions& options = {});
inline Tensor einsum_ext(std::string_view subscripts, std::initializer_list<TensorView> operands,
                         const AxisSizes& sizes = {}, const EinsumOptions& options = {}) {
  return einsum_ext(subscripts, std::span<const TensorView>(operands.begin(), operands.size()),
                    sizes, options);
}

// Named labels, as einops.einsum writes them: terms separated by ',', names (identifiers: letters,
// digits, '_', not starting with a digit nor starting or ending with '_') separated by spaces,
// '...' and groups as in einsum_ext. The output ('->') is required. No limit on the number of
// distinct names.
Tensor einsum_named(std::string_view pattern, std::span<const TensorView> operands,
                    const AxisSizes& sizes = {}, const EinsumOptions& options = {});
inline Tensor einsum_named(std::string_view pattern, std::initializer_list<TensorView> operands,
                           const AxisSizes& sizes = {}, const EinsumOptions& options = {}) {
  return einsum_named(pattern, std::span<const TensorView>(operands.begin(), operands.size()),
                      sizes, options);
}

// NumPy's sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]) with any non-negative int labels and
// kSublistEllipsis for '...'; no output means NumPy's implicit mode (labels used once, in
// increasing order). The output may repeat a label (diagonal embedding).
inline constexpr int kSublistEllipsis = -1;
Tensor einsum_sublists(std::span<const std::vector<int>> inputs,
                       const std::optional<std::vector<int>>& output,
                       std::span<const TensorView> operands, const EinsumOptions& options = {});

}  // namespace ein
