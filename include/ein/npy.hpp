// Reading and writing NumPy's .npy and .npz files.
//
// Files are untrusted input: every malformed, truncated or unsupported file gives an
// ein::Error(ErrorCode::IoError) whose message names the file and the problem; nothing is read past
// the data a file actually holds and nothing larger than the file can hold is allocated.
//
// Supported: format versions 1.0, 2.0 and 3.0; every ein dtype ('|b1' / '?', 'i4', 'i8', 'f4',
// 'f8', 'c8', 'c16') in little-, big- or native byte order ('<', '>', '|', '='; big-endian data is
// byte-swapped on load); C and Fortran order. Bool bytes other than 0 and 1 load as true.
// Not supported (clear error): object arrays, strings, structured dtypes, and the integer and
// float widths ein has no dtype for (int8, uint32, float16, ...).
//
// Fortran order: a file with fortran_order True loads WITHOUT a copy as a Tensor with Fortran
// (column-major) strides; call .contiguous() for C order. Saving a view that is Fortran-contiguous
// (and not C-contiguous) writes fortran_order True with the bytes as they are, so a Fortran array
// round-trips unchanged; any other non-contiguous view is written in C order.
//
// .npz files are zip archives of .npy members ("name.npy"), stored or deflate-compressed, with
// zip64 records where sizes or offsets need them; every member's CRC-32 is checked on load.
// Writers create a temporary file next to the target and rename it into place, so the target is
// either the old file or the complete new one, never a half-written file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ein/tensor.hpp"

namespace ein {

enum class ByteOrder { Native, Little, Big };
enum class NpyOrder {
  Auto,     // Fortran if the view is Fortran-contiguous and not C-contiguous, else C
  C,        // always row-major
  Fortran,  // always column-major (fortran_order True)
};

struct NpyWriteOptions {
  ByteOrder byte_order = ByteOrder::Native;
  NpyOrder order = NpyOrder::Auto;
  // 0: the lowest version that fits, as NumPy does (1.0, or 2.0 when the header exceeds 65535
  // bytes). 1, 2 or 3 force that format version.
  int version = 0;
};

// The header of a .npy file: what the data will load as.
struct NpyInfo {
  DType dtype = DType::Float64;
  Shape shape;
  bool fortran_order = false;
  ByteOrder byte_order = ByteOrder::Little;  // of the data in the file
  int version_major = 1;
  int version_minor = 0;
  std::uint64_t data_offset = 0;  // bytes from the start of the file to the first element
};

// ---- .npy ----
Tensor load_npy(const std::filesystem::path& path);
// Parses a whole .npy file held in memory; `name` is used in error messages.
Tensor read_npy(std::span<const std::byte> bytes, std::string_view name = "<memory>");
// Reads and validates only the header (cheap; for shapes and dtypes without the data).
NpyInfo read_npy_info(const std::filesystem::path& path);

void save_npy(const std::filesystem::path& path, const TensorView& array,
              const NpyWriteOptions& options = {});
// Writes the .npy bytes to a stream; throws IoError if the stream fails.
void write_npy(std::ostream& out, const TensorView& array, const NpyWriteOptions& options = {});
std::vector<std::byte> write_npy(const TensorView& array, const NpyWriteOptions& options = {});

// ---- .npz ----
// Members in archive order; names without the ".npy" suffix (NumPy's np.load(...).files).
using NpzMembers = std::vector<std::pair<std::string, Tensor>>;

NpzMembers load_npz(const std::filesystem::path& path);
// One member by name (with or without ".npy"); IoError listing the members if absent.
Tensor load_npz_member(const std::filesystem::path& path, std::string_view name);
// The member names (without ".npy"), in archive order, without reading any data.
std::vector<std::string> list_npz(const std::filesystem::path& path);
// Writes each array as member "<name>.npy"; `compress` deflates them (np.savez_compressed).
// Names must be non-empty, unique, and must not contain '\0'.
void save_npz(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, TensorView>>& members,
              bool compress = false);

}  // namespace ein
