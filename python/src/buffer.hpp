// Zero-copy views of Python arrays as ein::TensorView, through the buffer protocol.
//
// Why the buffer protocol and not __dlpack__: for a NumPy array PyObject_GetBuffer costs about
// 30 ns, a __dlpack__ round trip (a method call and a capsule) several times that, and einsum on
// tiny arrays is dominated by such per-call costs. DLPack producers that are not NumPy arrays
// (PyTorch tensors, ...) are turned into NumPy views by numpy.from_dlpack in the Python layer,
// which is zero-copy too.
#pragma once

#include <nanobind/nanobind.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::python {

// The dtype a buffer-protocol format string denotes, or nullopt when ein has no such dtype (or
// the data is not in native byte order).
std::optional<DType> dtype_from_buffer_format(const char* format, Py_ssize_t itemsize);

// One Py_buffer held for as long as this object lives (the exporter keeps the memory valid).
class HeldBuffer {
 public:
  HeldBuffer() = default;
  HeldBuffer(const HeldBuffer&) = delete;
  HeldBuffer& operator=(const HeldBuffer&) = delete;
  HeldBuffer(HeldBuffer&& other) noexcept;
  HeldBuffer& operator=(HeldBuffer&& other) noexcept;
  ~HeldBuffer() { release(); }

  // Views `obj` without copying into `view`. Returns nullptr on success, else why it cannot (the
  // object has no buffer, an unsupported dtype, non-native byte order, a misaligned pointer or
  // strides that are not a multiple of the item size); no Python error is left set either way.
  // The view stays valid while this object holds the buffer.
  const char* acquire(PyObject* obj, bool writable, TensorView& view);

  [[nodiscard]] bool readonly() const noexcept { return buffer_.readonly != 0; }
  void release() noexcept;

 private:
  Py_buffer buffer_{};
  bool held_ = false;
};

// The operands of one call, viewed for the duration of the call. Up to kInline operands live in
// the object itself: einsum calls on small arrays are short enough that two heap allocations per
// call show up in their time.
class HeldOperands {
 public:
  static constexpr std::size_t kInline = 8;

  explicit HeldOperands(std::size_t n);
  HeldOperands(const HeldOperands&) = delete;
  HeldOperands& operator=(const HeldOperands&) = delete;

  // Views `obj` as operand i; nullptr on success, else why not (see HeldBuffer::acquire).
  const char* acquire(std::size_t i, PyObject* obj) {
    return buffers_[i].acquire(obj, false, views_[i]);
  }
  [[nodiscard]] std::span<const TensorView> views() const noexcept { return {views_, size_}; }
  [[nodiscard]] const TensorView& view(std::size_t i) const noexcept { return views_[i]; }
  [[nodiscard]] bool readonly(std::size_t i) const noexcept { return buffers_[i].readonly(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::size_t size_;
  std::array<HeldBuffer, kInline> inline_buffers_;
  std::array<TensorView, kInline> inline_views_;
  std::vector<HeldBuffer> heap_buffers_;
  std::vector<TensorView> heap_views_;
  HeldBuffer* buffers_;
  TensorView* views_;
};

// One read-only operand viewed for the duration of a call; TypeError naming the function and
// argument when the object cannot be viewed.
struct Held {
  HeldBuffer buffer;
  TensorView view;
  Held(nanobind::handle obj, const char* function, const char* name) {
    if (const char* why = buffer.acquire(obj.ptr(), false, view)) {
      throw nanobind::type_error(
          (std::string(function) + ": " + name + " cannot be used: " + why).c_str());
    }
  }
};

}  // namespace ein::python
