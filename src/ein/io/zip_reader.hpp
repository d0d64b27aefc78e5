// Reading members of a zip archive (stored or deflated, zip64 aware) as untrusted input: every
// offset and size is checked against the file before it is used, and each member's CRC-32 and
// length are verified when it has been read to the end.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ein/io/byte_source.hpp"

namespace ein::io {

struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;
  std::uint16_t flags = 0;
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
};

// The bytes of one member, decompressed on the fly. finish() reads whatever the caller left
// unread and checks the length and CRC-32 against the central directory.
class ZipMemberSource : public ByteSource {
 public:
  virtual void finish() = 0;
};

class ZipReader {
 public:
  // Reads and validates the central directory; IoError naming `path` if it is not a zip file.
  explicit ZipReader(std::string path);

  [[nodiscard]] const std::vector<ZipEntry>& entries() const { return entries_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  // Opens one member for reading; `label` names it in error messages ("file.npz:W").
  [[nodiscard]] std::unique_ptr<ZipMemberSource> open(const ZipEntry& entry,
                                                      const std::string& label) const;

 private:
  std::string path_;
  std::uint64_t file_size_ = 0;
  std::vector<ZipEntry> entries_;
};

}  // namespace ein::io
