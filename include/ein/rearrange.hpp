// einops's rearrange, reduce, repeat, pack and unpack, with einops's semantics and errors.
//
// A pattern names the axes of the input on the left of "->" and of the result on the right:
//
//   rearrange(x, "b t (d k h) -> k b h t d", {{"d", 2}, {"k", 3}})
//
//  * names are identifiers (letters, digits, '_'; not starting with a digit, not starting or
//    ending with '_');
//  * a parenthesised group "(d k h)" is one axis whose extent is the product of its names', in
//    row-major order: the leftmost name varies slowest, exactly like reshape;
//  * "..." stands for any number of axes (once per side; not inside parentheses on the left);
//  * "1" or "()" is an axis of extent 1; a number n > 1 is an anonymous axis of extent n
//    (reduce: on the left, it is reduced; repeat: on the right, it is a new axis);
//  * sizes can be given by name; at most one extent per group may be left to infer.
//
// Errors are ein::Error (ParseError for malformed patterns, ShapeMismatch for extents that do
// not fit, InvalidArgument for the rest), with einops's wording followed by the pattern, the
// input shape and the sizes given.
//
// Everything here is a view transform (TensorView::permute and reshapes that only split or merge
// axes) plus, for reduce, one reduction; nothing here multiplies tensors.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ein/tensor.hpp"

namespace ein {

// Axis sizes given by name, like einops's keyword arguments: {{"h", 8}, {"w", 2}}.
using AxisSizes = std::vector<std::pair<std::string, Index>>;

// Rearranges axes (transpose, split, merge, squeeze, unsqueeze). The result is a view of x's
// memory whenever the strides allow (always when no group on the right merges axes that are not
// already adjacent in memory); otherwise a C-contiguous copy. The Tensor overload keeps x's buffer
// alive in a view result; the TensorView overload returns a view that borrows x's memory (the
// caller keeps it alive, as with any view).
Tensor rearrange(const Tensor& x, std::string_view pattern, const AxisSizes& sizes = {});
Tensor rearrange(const TensorView& x, std::string_view pattern, const AxisSizes& sizes = {});
// Whether rearrange(x, pattern, sizes) would return a view (validates like rearrange).
bool rearrange_is_view(const TensorView& x, std::string_view pattern, const AxisSizes& sizes = {});

// einops's reductions. Result dtypes follow NumPy: sum and prod of bool/int32 give int64;
// mean needs a floating dtype (float32/float64, as einops requires); max and min keep the dtype
// (complex compares lexicographically, NaN propagates) and fail on an empty reduction; any and
// all give bool.
enum class Reduction { Sum, Mean, Max, Min, Prod, Any, All };
// "sum", "mean", "max", "min", "prod", "any", "all"; InvalidArgument otherwise.
Reduction reduction_from_name(std::string_view name);
std::string_view reduction_name(Reduction r) noexcept;

// Reduces over the names that appear on the left only; the right side may also regroup and
// add unit axes ("b c h w -> b c 1 1"). Always a new C-contiguous tensor.
Tensor reduce(const TensorView& x, std::string_view pattern, Reduction reduction,
              const AxisSizes& sizes = {});
Tensor reduce(const TensorView& x, std::string_view pattern, std::string_view reduction,
              const AxisSizes& sizes = {});

// Repeats along new axes named on the right (their sizes given by name or as numbers):
// repeat(x, "h w -> h w c", {{"c", 3}}), repeat(x, "h -> (h 2)"). Always a new C-contiguous
// tensor (never a zero-stride view that a caller could write through).
Tensor repeat(const TensorView& x, std::string_view pattern, const AxisSizes& sizes = {});

// einops also accepts a list of tensors: they are stacked along a new leading axis first (same
// shapes required; dtypes promoted as NumPy's stack), which the pattern then names like any
// other: rearrange(frames, "t h w -> h (t w)"). The stacked tensor is always a new buffer.
Tensor rearrange(std::span<const TensorView> tensors, std::string_view pattern,
                 const AxisSizes& sizes = {});
Tensor reduce(std::span<const TensorView> tensors, std::string_view pattern,
              std::string_view reduction, const AxisSizes& sizes = {});
Tensor repeat(std::span<const TensorView> tensors, std::string_view pattern,
              const AxisSizes& sizes = {});
// NumPy's stack(tensors, axis=0).
Tensor stack(std::span<const TensorView> tensors);

// pack(tensors, "i j * k"): the axes named before and after '*' must agree between the tensors
// (same extents); each tensor's axes in the '*' position are flattened into one axis and the
// tensors are concatenated along it. dtypes are promoted as NumPy's concatenate does.
struct Packed {
  Tensor tensor;
  std::vector<Shape> packed_shapes;  // what '*' stood for in each input ("PS" in einops)
};
Packed pack(std::span<const TensorView> tensors, std::string_view pattern);
// The inverse: splits the '*' axis of x into one tensor per packed shape (one of which may hold a
// single -1 to infer). Results are views sharing x's buffer (borrowing, for a TensorView).
std::vector<Tensor> unpack(const Tensor& x, std::span<const Shape> packed_shapes,
                           std::string_view pattern);
std::vector<Tensor> unpack(const TensorView& x, std::span<const Shape> packed_shapes,
                           std::string_view pattern);

}  // namespace ein
