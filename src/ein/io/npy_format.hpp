// The .npy header: magic, version, header length, and the Python-literal dict that says dtype,
// order and shape. Parsing is strict because files are untrusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ein/npy.hpp"

namespace ein::io {

inline constexpr std::size_t kNpyMagicSize = 6;     // "\x93NUMPY"
inline constexpr std::size_t kNpyPreambleMax = 12;  // magic + 2 version bytes + 4 length bytes
// NumPy refuses headers above 10000 bytes by default; ein's dtypes need far less, so anything
// above this is hostile or a structured dtype we could not load anyway.
inline constexpr std::uint32_t kNpyMaxHeaderSize = 65536;
inline constexpr int kNpyMaxRank = 64;  // NumPy's NPY_MAXDIMS

// Throws IoError "<file>: <problem>".
[[noreturn]] void throw_io(std::string_view file, const std::string& problem);

// Magic, version and header length from the first bytes of a file.
struct NpyPreamble {
  int major = 1;
  int minor = 0;
  std::size_t size = 10;          // bytes of the preamble itself (10 for v1, 12 for v2/v3)
  std::uint32_t header_size = 0;  // bytes of the dict text that follows
};
// Needs the first 10 bytes (v1) or 12 (v2/v3); `head` may be shorter, which is reported as a
// truncated file.
NpyPreamble parse_npy_preamble(std::span<const std::byte> head, std::string_view file);

// The three keys of the header dict, validated.
struct NpyHeaderDict {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};
// Parses "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" followed by padding.
NpyHeaderDict parse_npy_header_dict(std::string_view text, std::string_view file);

// '<f8' -> (Float64, Little). Rejects object, string, structured and unsupported widths.
void parse_npy_descr(std::string_view descr, std::string_view file, DType& dtype, ByteOrder& order);
std::string npy_descr(DType dtype, ByteOrder order);

// Everything about a header, checked: data size fits in 64 bits, rank within limits.
NpyInfo make_npy_info(const NpyPreamble& preamble, std::string_view header_text,
                      std::string_view file);
// Bytes of data the header promises (fits in int64; checked in make_npy_info).
std::uint64_t npy_data_size(const NpyInfo& info);

// The complete header bytes (preamble, dict, space padding, '\n') for writing, padded so the data
// starts on a 64-byte boundary as NumPy does.
std::string build_npy_header(DType dtype, ByteOrder order, bool fortran_order,
                             std::span<const Index> shape, int version);

// ByteOrder::Native resolved to Little or Big for this machine.
ByteOrder resolve_byte_order(ByteOrder order);

}  // namespace ein::io
