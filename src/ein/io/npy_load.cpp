// Public entry points for reading .npy files.

#include "ein/io/byte_source.hpp"
#include "ein/io/npy_format.hpp"
#include "ein/io/npy_reader.hpp"
#include "ein/npy.hpp"

namespace ein {

Tensor load_npy(const std::filesystem::path& path) {
  io::FileSource src(path.string());
  return io::read_npy_from(src, path.string());
}

Tensor read_npy(std::span<const std::byte> bytes, std::string_view name) {
  io::MemorySource src(bytes);
  return io::read_npy_from(src, name);
}

NpyInfo read_npy_info(const std::filesystem::path& path) {
  io::FileSource src(path.string());
  NpyInfo info = io::read_npy_header(src, path.string());
  if (io::npy_data_size(info) > src.remaining_bound()) {
    io::throw_io(path.string(), "truncated .npy file: the header promises shape " +
                                    shape_to_string(info.shape) + " of " +
                                    std::string(dtype_name(info.dtype)) + " (" +
                                    std::to_string(io::npy_data_size(info)) + " bytes) but only " +
                                    std::to_string(src.remaining_bound()) + " bytes follow");
  }
  return info;
}

}  // namespace ein
