// TensorView (non-owning, strided) and Tensor (owning a shared buffer).
//
// Strides are in elements and signed; zero strides (broadcasting) and negative strides (reversed
// axes) are allowed. data() always points at the element with all indices zero, so a view's
// "offset" is folded into its pointer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ein/convert.hpp"
#include "ein/dtype.hpp"
#include "ein/error.hpp"

namespace ein {

using Index = std::int64_t;
using Shape = std::vector<Index>;
using Strides = std::vector<Index>;

// Row-major (C order) strides for a shape, in elements.
Strides contiguous_strides(std::span<const Index> shape);
// Product of extents, with an ein::Error(Overflow) if it does not fit in int64.
Index checked_numel(std::span<const Index> shape);
// "(2, 3, 4)" as NumPy prints shapes.
std::string shape_to_string(std::span<const Index> shape);
// Normalises a possibly negative axis for a tensor of the given rank, or throws AxisError
// naming `what` (e.g. "axis 3 is out of bounds for array of dimension 2").
int normalize_axis(Index axis, int rank, const char* what = "axis");

class TensorView {
 public:
  TensorView() = default;
  // A view over caller memory. `data` points at element [0, ..., 0]. Throws if the shape has
  // negative extents, ranks disagree, or the element count overflows.
  TensorView(void* data, DType dtype, Shape shape, Strides strides);
  // A C-contiguous view.
  TensorView(void* data, DType dtype, Shape shape);

  template <class T>
  static TensorView of(T* data, Shape shape, Strides strides = {}) {
    if (strides.empty() && !shape.empty()) strides = contiguous_strides(shape);
    return {const_cast<std::remove_const_t<T>*>(data), dtype_of<std::remove_const_t<T>>,
            std::move(shape), std::move(strides)};
  }

  [[nodiscard]] void* data() const noexcept { return data_; }
  template <class T>
  [[nodiscard]] T* data_as() const {
    check_dtype(dtype_of<std::remove_const_t<T>>);
    return static_cast<T*>(data_);
  }
  [[nodiscard]] DType dtype() const noexcept { return dtype_; }
  [[nodiscard]] const Shape& shape() const noexcept { return shape_; }
  [[nodiscard]] const Strides& strides() const noexcept { return strides_; }
  [[nodiscard]] int rank() const noexcept { return static_cast<int>(shape_.size()); }
  [[nodiscard]] Index extent(int axis) const { return shape_.at(normalize_axis(axis, rank())); }
  [[nodiscard]] Index stride(int axis) const { return strides_.at(normalize_axis(axis, rank())); }
  [[nodiscard]] Index numel() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return numel() == 0; }
  [[nodiscard]] std::size_t itemsize() const noexcept { return ein::itemsize(dtype_); }
  // C-contiguous (extent-1 axes may have any stride).
  [[nodiscard]] bool is_contiguous() const noexcept;
  // Pointer to the element at `index` (one entry per axis, no bounds check beyond rank).
  [[nodiscard]] void* element_ptr(std::span<const Index> index) const noexcept;

  // ---- views (no copies) ----
  // Axis i of the result is axis perm[i] of this; perm must be a permutation of 0..rank-1.
  [[nodiscard]] TensorView permute(std::span<const int> perm) const;
  [[nodiscard]] TensorView permute(std::initializer_list<int> perm) const {
    return permute(std::span<const int>(perm.begin(), perm.size()));
  }
  // Reverses the axes (NumPy's .T).
  [[nodiscard]] TensorView transpose() const;
  [[nodiscard]] TensorView swapaxes(int a, int b) const;
  // Reshape without copying; one extent may be -1. Throws ShapeMismatch if the sizes differ and
  // InvalidArgument if the strides do not allow a view (use Tensor::reshape to copy then).
  [[nodiscard]] TensorView reshape(std::span<const Index> shape) const;
  [[nodiscard]] TensorView reshape(std::initializer_list<Index> shape) const {
    return reshape(std::span<const Index>(shape.begin(), shape.size()));
  }
  // Whether reshape(shape) can be a view (sizes must match).
  [[nodiscard]] bool can_reshape_as_view(std::span<const Index> shape) const;
  // NumPy broadcasting to `shape` (zero strides on new or extent-1 axes).
  [[nodiscard]] TensorView broadcast_to(std::span<const Index> shape) const;
  // Python-style slice of one axis: start/stop clamp like Python, step != 0, negatives allowed.
  [[nodiscard]] TensorView slice(int axis, Index start, Index stop, Index step = 1) const;
  // The element at `index` along `axis` removed (rank - 1).
  [[nodiscard]] TensorView select(int axis, Index index) const;
  // NumPy's diagonal(offset, axis1, axis2): the diagonal becomes the last axis.
  [[nodiscard]] TensorView diagonal(Index offset = 0, int axis1 = 0, int axis2 = 1) const;
  // Inserts an extent-1 axis at `axis` (in 0..rank).
  [[nodiscard]] TensorView expand_dims(int axis) const;
  // Removes all extent-1 axes.
  [[nodiscard]] TensorView squeeze() const;
  // Reinterprets the same memory as another dtype of the same itemsize (internal use).
  [[nodiscard]] TensorView with_dtype(DType dtype) const;

  // Whether the memory of this view and `other` may overlap (conservative byte-range check).
  [[nodiscard]] bool may_overlap(const TensorView& other) const noexcept;
  // Byte range [lo, hi) touched by this view; empty views give lo == hi.
  void byte_range(const std::byte*& lo, const std::byte*& hi) const noexcept;

 private:
  void check_dtype(DType expected) const;

  void* data_ = nullptr;
  DType dtype_ = DType::Float64;
  Shape shape_;
  Strides strides_;
};

class Tensor {
 public:
  // An empty (rank-0? no: null) tensor; valid() is false.
  Tensor() = default;
  // Wraps a view whose memory is kept alive by `owner` (may be null for borrowed memory).
  Tensor(std::shared_ptr<void> owner, TensorView view)
      : owner_(std::move(owner)), view_(std::move(view)) {}

  // ---- factories (C-contiguous, freshly allocated) ----
  static Tensor empty(DType dtype, Shape shape);
  static Tensor zeros(DType dtype, Shape shape);
  static Tensor ones(DType dtype, Shape shape);
  template <class T>
  static Tensor from_vector(const std::vector<T>& values, Shape shape) {
    Tensor t = empty(dtype_of<T>, std::move(shape));
    if (static_cast<std::size_t>(t.numel()) != values.size()) {
      throw Error(ErrorCode::ShapeMismatch, "from_vector: " + std::to_string(values.size()) +
                                                " values do not fill shape " +
                                                shape_to_string(t.shape()));
    }
    T* out = t.view_.data_as<T>();
    for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i];
    return t;
  }
  template <class T>
  static Tensor scalar(T value) {
    return from_vector<T>({value}, {});
  }
  // 0, 1, ..., n-1 as the given dtype.
  static Tensor arange(Index n, DType dtype = DType::Int64);
  // A borrowed view: Tensor over caller memory without ownership.
  static Tensor borrow(const TensorView& view) { return {nullptr, view}; }

  [[nodiscard]] bool valid() const noexcept { return view_.data() != nullptr || numel() == 0; }
  [[nodiscard]] const TensorView& view() const noexcept { return view_; }
  operator const TensorView&() const noexcept { return view_; }  // NOLINT(google-explicit-*)
  [[nodiscard]] const std::shared_ptr<void>& owner() const noexcept { return owner_; }

  [[nodiscard]] void* data() const noexcept { return view_.data(); }
  template <class T>
  [[nodiscard]] T* data_as() const {
    return view_.data_as<T>();
  }
  [[nodiscard]] DType dtype() const noexcept { return view_.dtype(); }
  [[nodiscard]] const Shape& shape() const noexcept { return view_.shape(); }
  [[nodiscard]] const Strides& strides() const noexcept { return view_.strides(); }
  [[nodiscard]] int rank() const noexcept { return view_.rank(); }
  [[nodiscard]] Index extent(int axis) const { return view_.extent(axis); }
  [[nodiscard]] Index numel() const noexcept { return view_.numel(); }
  [[nodiscard]] bool is_contiguous() const noexcept { return view_.is_contiguous(); }

  // Element access for tests and small programs (bounds-checked, converts to T).
  template <class T>
  [[nodiscard]] T at(std::initializer_list<Index> index) const {
    return at<T>(std::span<const Index>(index.begin(), index.size()));
  }
  template <class T>
  [[nodiscard]] T at(std::span<const Index> index) const;
  // All elements in C order, converted to T (complex -> real keeps the real part).
  template <class T>
  [[nodiscard]] std::vector<T> to_vector() const;
  // A single element tensor's value.
  template <class T>
  [[nodiscard]] T item() const {
    if (numel() != 1) throw Error(ErrorCode::ShapeMismatch, "item: tensor has more than one element");
    return to_vector<T>()[0];
  }

  // ---- views sharing this tensor's buffer ----
  [[nodiscard]] Tensor permute(std::span<const int> perm) const { return wrap(view_.permute(perm)); }
  [[nodiscard]] Tensor permute(std::initializer_list<int> perm) const {
    return wrap(view_.permute(perm));
  }
  [[nodiscard]] Tensor transpose() const { return wrap(view_.transpose()); }
  [[nodiscard]] Tensor swapaxes(int a, int b) const { return wrap(view_.swapaxes(a, b)); }
  // A view when strides allow, otherwise a contiguous copy reshaped (like NumPy's reshape).
  [[nodiscard]] Tensor reshape(std::span<const Index> shape) const;
  [[nodiscard]] Tensor reshape(std::initializer_list<Index> shape) const {
    return reshape(std::span<const Index>(shape.begin(), shape.size()));
  }
  [[nodiscard]] Tensor broadcast_to(std::span<const Index> shape) const {
    return wrap(view_.broadcast_to(shape));
  }
  [[nodiscard]] Tensor slice(int axis, Index start, Index stop, Index step = 1) const {
    return wrap(view_.slice(axis, start, stop, step));
  }
  [[nodiscard]] Tensor select(int axis, Index index) const { return wrap(view_.select(axis, index)); }
  [[nodiscard]] Tensor diagonal(Index offset = 0, int axis1 = 0, int axis2 = 1) const {
    return wrap(view_.diagonal(offset, axis1, axis2));
  }
  [[nodiscard]] Tensor expand_dims(int axis) const { return wrap(view_.expand_dims(axis)); }
  [[nodiscard]] Tensor squeeze() const { return wrap(view_.squeeze()); }

  // ---- copies ----
  // A C-contiguous copy (always a new buffer).
  [[nodiscard]] Tensor copy() const;
  // This tensor if already C-contiguous, else a contiguous copy.
  [[nodiscard]] Tensor contiguous() const;
  // A contiguous copy converted to `dtype` with NumPy's conversion rules (unsafe casting).
  [[nodiscard]] Tensor astype(DType dtype) const;

 private:
  [[nodiscard]] Tensor wrap(TensorView v) const { return {owner_, std::move(v)}; }

  std::shared_ptr<void> owner_;
  TensorView view_;
};

template <class T>
T Tensor::at(std::span<const Index> index) const {
  if (static_cast<int>(index.size()) != rank()) {
    throw Error(ErrorCode::ShapeMismatch, "at: got " + std::to_string(index.size()) +
                                              " indices for a tensor of rank " +
                                              std::to_string(rank()));
  }
  for (int i = 0; i < rank(); ++i) {
    if (index[i] < 0 || index[i] >= shape()[i]) {
      throw Error(ErrorCode::AxisError, "at: index " + std::to_string(index[i]) +
                                            " is out of bounds for axis " + std::to_string(i) +
                                            " with size " + std::to_string(shape()[i]));
    }
  }
  const void* p = view_.element_ptr(index);
  return visit_storage_dtype(dtype(), [&](auto tag) {
    using S = decltype(tag);
    return convert_value<T>(*static_cast<const S*>(p));
  });
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  Tensor c = contiguous();
  std::vector<T> out(static_cast<std::size_t>(c.numel()));
  visit_storage_dtype(dtype(), [&](auto tag) {
    using S = decltype(tag);
    const S* p = static_cast<const S*>(c.data());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = convert_value<T>(p[i]);
  });
  return out;
}

// Copies src into dst (same shape; dtypes may differ: values are converted as NumPy's
// casting='unsafe' does). dst must not overlap src unless they are the same view.
void copy_into(const TensorView& src, const TensorView& dst);
// Fills dst with zeros.
void fill_zero(const TensorView& dst);

}  // namespace ein
