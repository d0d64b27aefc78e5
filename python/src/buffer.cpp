#include "buffer.hpp"

#include <bit>
#include <cstdint>
#include <utility>

namespace ein::python {

std::optional<DType> dtype_from_buffer_format(const char* format, Py_ssize_t itemsize) {
  if (format == nullptr) return std::nullopt;  // plain bytes
  // Byte-order prefixes: '@' and '=' are native; '<' / '>' / '!' name an order explicitly.
  constexpr bool kLittle = std::endian::native == std::endian::little;
  switch (*format) {
    case '@':
    case '=':
      ++format;
      break;
    case '<':
      if (!kLittle) return std::nullopt;
      ++format;
      break;
    case '>':
    case '!':
      if (kLittle) return std::nullopt;
      ++format;
      break;
    default:
      break;
  }
  const bool complex = *format == 'Z';
  if (complex) ++format;
  const char code = format[0];
  if (code == '\0' || format[1] != '\0') return std::nullopt;
  // The width comes from itemsize, not the letter: 'l' is 8 bytes on Linux and 4 on Windows.
  switch (code) {
    case '?':
      if (!complex && itemsize == 1) return DType::Bool;
      break;
    case 'b':
    case 'h':
    case 'i':
    case 'l':
    case 'q':
    case 'n':
      if (complex) break;
      if (itemsize == 1) return DType::Int8;
      if (itemsize == 2) return DType::Int16;
      if (itemsize == 4) return DType::Int32;
      if (itemsize == 8) return DType::Int64;
      break;
    case 'B':
      if (!complex && itemsize == 1) return DType::UInt8;
      break;
    case 'e':
      if (!complex && itemsize == 2) return DType::Float16;
      break;
    case 'f':
      if (!complex && itemsize == 4) return DType::Float32;
      if (complex && itemsize == 8) return DType::Complex64;
      break;
    case 'd':
      if (!complex && itemsize == 8) return DType::Float64;
      if (complex && itemsize == 16) return DType::Complex128;
      break;
    default:
      break;
  }
  return std::nullopt;
}

HeldBuffer::HeldBuffer(HeldBuffer&& other) noexcept : buffer_(other.buffer_), held_(other.held_) {
  other.held_ = false;
}

HeldBuffer& HeldBuffer::operator=(HeldBuffer&& other) noexcept {
  if (this != &other) {
    release();
    buffer_ = other.buffer_;
    held_ = other.held_;
    other.held_ = false;
  }
  return *this;
}

void HeldBuffer::release() noexcept {
  if (held_) {
    PyBuffer_Release(&buffer_);
    held_ = false;
  }
}

const char* HeldBuffer::acquire(PyObject* obj, bool writable, TensorView& view) {
  release();
  if (PyObject_GetBuffer(obj, &buffer_, writable ? PyBUF_RECORDS : PyBUF_RECORDS_RO) != 0) {
    PyErr_Clear();
    return writable ? "it does not expose a writable buffer" : "it does not expose a buffer";
  }
  held_ = true;
  const std::optional<DType> dtype = dtype_from_buffer_format(buffer_.format, buffer_.itemsize);
  if (!dtype) {
    release();
    return "its dtype is not one ein supports in native byte order";
  }
  const auto itemsize = static_cast<Py_ssize_t>(ein::itemsize(*dtype));
  // ein reads elements through typed pointers: a misaligned pointer or a stride that is not a
  // whole number of elements would be undefined behaviour, so such arrays take a copy instead.
  const auto address = reinterpret_cast<std::uintptr_t>(buffer_.buf);
  const std::size_t alignment =
      visit_storage_dtype(*dtype, [](auto tag) { return alignof(decltype(tag)); });
  if (address % alignment != 0) {
    release();
    return "its data pointer is not aligned";
  }
  const int ndim = buffer_.ndim;
  Shape shape(static_cast<std::size_t>(ndim));
  Strides strides(static_cast<std::size_t>(ndim));
  Index expected = 1;  // C-contiguous strides when the exporter gives none
  for (int i = ndim - 1; i >= 0; --i) {
    const auto u = static_cast<std::size_t>(i);
    shape[u] = buffer_.shape[i];
    if (buffer_.strides == nullptr) {
      strides[u] = expected;
      expected *= shape[u];
      continue;
    }
    if (buffer_.strides[i] % itemsize != 0) {
      release();
      return "its strides are not a multiple of its item size";
    }
    strides[u] = buffer_.strides[i] / itemsize;
  }
  view = TensorView(buffer_.buf, *dtype, std::move(shape), std::move(strides));
  return nullptr;
}

HeldOperands::HeldOperands(std::size_t n) : size_(n) {
  if (n <= kInline) {
    buffers_ = inline_buffers_.data();
    views_ = inline_views_.data();
  } else {
    heap_buffers_.resize(n);
    heap_views_.resize(n);
    buffers_ = heap_buffers_.data();
    views_ = heap_views_.data();
  }
}

}  // namespace ein::python
