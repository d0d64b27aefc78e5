#include "ein/io/byte_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "ein/io/npy_format.hpp"

namespace ein::io {

std::size_t MemorySource::read(std::byte* dst, std::size_t n) {
  const std::size_t k = std::min(n, bytes_.size() - pos_);
  if (k > 0) std::memcpy(dst, bytes_.data() + pos_, k);
  pos_ += k;
  return k;
}

std::uint64_t open_for_reading(const std::string& path, std::ifstream& in) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw_io(path, "no such file");
  if (std::filesystem::is_directory(status)) throw_io(path, "is a directory, not a file");
  errno = 0;
  in.open(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw_io(path, std::string("cannot open for reading") +
                       (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
  }
  in.seekg(0, std::ios::end);
  const auto end = in.tellg();
  in.seekg(0, std::ios::beg);
  if (!in || end < 0) throw_io(path, "cannot determine the file size (not a regular file?)");
  return static_cast<std::uint64_t>(end);
}

FileSource::FileSource(const std::string& path, std::uint64_t offset, std::uint64_t length)
    : path_(path) {
  const std::uint64_t size = open_for_reading(path, in_);
  if (offset > size) throw_io(path, "truncated file (data expected at offset past its end)");
  left_ = std::min(length, size - offset);
  in_.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
  if (!in_) throw_io(path, "seek failed");
}

std::size_t FileSource::read(std::byte* dst, std::size_t n) {
  const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(n, left_));
  if (k == 0) return 0;
  in_.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(k));
  const auto got = static_cast<std::size_t>(in_.gcount());
  left_ -= got;
  if (got < k) {
    if (in_.bad()) throw_io(path_, "read error");
    left_ = 0;  // the file shrank under us; report what we have as the end
  }
  return got;
}

}  // namespace ein::io
