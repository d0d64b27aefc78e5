// Reading a .npy stream from any ByteSource: header first, then exactly the promised data.
#pragma once

#include <string_view>

#include "ein/io/byte_source.hpp"
#include "ein/npy.hpp"

namespace ein::io {

// Reads and validates the preamble and header dict; leaves `src` at the first data byte.
NpyInfo read_npy_header(ByteSource& src, std::string_view file);
// Reads the data the header promises into a new Tensor (Fortran strides for fortran_order),
// byte-swapped to native order, bools normalised to 0/1. Checks the source can hold the data
// before allocating.
Tensor read_npy_data(ByteSource& src, const NpyInfo& info, std::string_view file);

inline Tensor read_npy_from(ByteSource& src, std::string_view file) {
  const NpyInfo info = read_npy_header(src, file);
  return read_npy_data(src, info, file);
}

// Reverses the bytes of each `width`-byte word in [p, p + count * width).
void byteswap_words(std::byte* p, std::size_t count, std::size_t width);

}  // namespace ein::io
