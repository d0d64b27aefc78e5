// Where .npy bytes come from: memory, a file, or a zip member being inflated. The reader asks how
// many bytes can still come before it allocates, so a header that lies about its shape cannot
// make it allocate more than the source holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <span>
#include <string>

namespace ein::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Copies up to n bytes into dst; returns how many were copied (fewer only at the end).
  virtual std::size_t read(std::byte* dst, std::size_t n) = 0;
  // An upper bound on the bytes still to come.
  [[nodiscard]] virtual std::uint64_t remaining_bound() const = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::size_t read(std::byte* dst, std::size_t n) override;
  [[nodiscard]] std::uint64_t remaining_bound() const override { return bytes_.size() - pos_; }

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

// Reads a file from `offset` for at most `length` bytes (the rest of the file by default).
class FileSource final : public ByteSource {
 public:
  // Throws IoError naming the file if it cannot be opened or is shorter than offset.
  explicit FileSource(const std::string& path, std::uint64_t offset = 0,
                      std::uint64_t length = UINT64_MAX);
  std::size_t read(std::byte* dst, std::size_t n) override;
  [[nodiscard]] std::uint64_t remaining_bound() const override { return left_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t left_ = 0;
};

// Opens a file for binary reading and returns its size; IoError naming the file otherwise.
std::uint64_t open_for_reading(const std::string& path, std::ifstream& in);

}  // namespace ein::io
