// Writing a zip archive member by member to a stream: stored or raw-deflate members, with zip64
// records exactly where sizes, offsets or the entry count need them (or everywhere, when forced,
// which the tests use to exercise the zip64 reader without 4 GiB files).
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace ein::io {

class ZipWriter {
 public:
  ZipWriter(std::ostream& out, std::string file_label, bool force_zip64 = false)
      : out_(out), label_(std::move(file_label)), force_zip64_(force_zip64) {}

  void add(const std::string& name, std::span<const std::byte> data, bool compress);
  // Writes the central directory and end records. Call once, after the last add().
  void finish();

 private:
  struct Record {
    std::string name;
    std::uint16_t method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressed = 0;
    std::uint64_t uncompressed = 0;
    std::uint64_t offset = 0;
  };
  void emit(const std::vector<std::byte>& bytes);
  void emit(std::span<const std::byte> bytes);

  std::ostream& out_;
  std::string label_;
  bool force_zip64_;
  std::uint64_t pos_ = 0;
  std::vector<Record> records_;
};

// Raw deflate (no zlib wrapper), zlib's default level, as np.savez_compressed produces.
std::vector<std::byte> deflate_raw(std::span<const std::byte> data, const std::string& label);

}  // namespace ein::io
