#include "ein/io/zip_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <set>
#include <span>

#include "ein/io/npy_format.hpp"
#include "ein/io/zip_format.hpp"

namespace ein::io {

using zip::get_le;

namespace {

std::vector<std::byte> read_range(std::ifstream& in, const std::string& path, std::uint64_t offset,
                                  std::uint64_t size) {
  std::vector<std::byte> buf(static_cast<std::size_t>(size));
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
  in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) throw_io(path, "read error in zip file");
  return buf;
}

// Where the central directory is, from the end-of-central-directory records.
struct Directory {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint64_t entries = 0;
};

Directory find_directory(std::ifstream& in, const std::string& path, std::uint64_t file_size) {
  if (file_size < zip::kEndOfCentralDirSize) {
    throw_io(path, "not a zip (.npz) file: too short (" + std::to_string(file_size) + " bytes)");
  }
  const std::uint64_t tail_size =
      std::min<std::uint64_t>(file_size, zip::kEndOfCentralDirSize + zip::kMaxCommentSize);
  const std::uint64_t tail_start = file_size - tail_size;
  const std::vector<std::byte> tail = read_range(in, path, tail_start, tail_size);
  // The record is at the end unless the archive has a comment; scan backwards for it.
  std::size_t pos = tail.size() - zip::kEndOfCentralDirSize;
  while (get_le(tail, pos, 4) != zip::kEndOfCentralDirSig) {
    if (pos == 0) throw_io(path, "not a zip (.npz) file: no end-of-central-directory record");
    --pos;
  }
  const std::uint64_t eocd_offset = tail_start + pos;
  Directory d;
  const auto disk = get_le(tail, pos + 4, 2);
  const auto cd_disk = get_le(tail, pos + 6, 2);
  const auto disk_entries = get_le(tail, pos + 8, 2);
  d.entries = get_le(tail, pos + 10, 2);
  d.size = get_le(tail, pos + 12, 4);
  d.offset = get_le(tail, pos + 16, 4);
  const bool wants_zip64 = d.entries == zip::kMax16 || d.size == zip::kMax32 ||
                           d.offset == zip::kMax32 || disk_entries == zip::kMax16;
  if (wants_zip64 && eocd_offset >= zip::kZip64LocatorSize) {
    const std::vector<std::byte> loc =
        read_range(in, path, eocd_offset - zip::kZip64LocatorSize, zip::kZip64LocatorSize);
    if (get_le(loc, 0, 4) == zip::kZip64LocatorSig) {
      const std::uint64_t rec_offset = get_le(loc, 8, 8);
      if (rec_offset > eocd_offset - zip::kZip64LocatorSize - zip::kZip64EndSize) {
        throw_io(path, "corrupt zip file: zip64 end record offset out of range");
      }
      const std::vector<std::byte> rec = read_range(in, path, rec_offset, zip::kZip64EndSize);
      if (get_le(rec, 0, 4) != zip::kZip64EndSig) {
        throw_io(path, "corrupt zip file: zip64 end record signature missing");
      }
      if (get_le(rec, 16, 4) != 0 || get_le(rec, 20, 4) != 0) {
        throw_io(path, "multi-disk zip archives are not supported");
      }
      d.entries = get_le(rec, 32, 8);
      d.size = get_le(rec, 40, 8);
      d.offset = get_le(rec, 48, 8);
    }
  } else if (disk != 0 || cd_disk != 0 || disk_entries != d.entries) {
    throw_io(path, "multi-disk zip archives are not supported");
  }
  if (d.offset > eocd_offset || d.size > eocd_offset - d.offset) {
    throw_io(path, "corrupt zip file: the central directory lies outside the file");
  }
  // Each entry takes at least 46 bytes, which bounds the count by the file's size.
  if (d.entries > d.size / zip::kCentralHeaderSize) {
    throw_io(path, "corrupt zip file: " + std::to_string(d.entries) +
                       " entries cannot fit in a central directory of " + std::to_string(d.size) +
                       " bytes");
  }
  return d;
}

// Replaces 0xffffffff sizes and offsets by their zip64 values from the extra field.
void apply_zip64_extra(std::span<const std::byte> extra, ZipEntry& e, const std::string& path) {
  std::size_t p = 0;
  while (p + 4 <= extra.size()) {
    const auto id = get_le(extra, p, 2);
    const auto len = static_cast<std::size_t>(get_le(extra, p + 2, 2));
    if (p + 4 + len > extra.size()) throw_io(path, "corrupt zip file: extra field overruns");
    if (id == zip::kZip64ExtraId) {
      std::size_t q = p + 4;
      const auto take = [&](std::uint64_t& field) {
        if (q + 8 > p + 4 + len) throw_io(path, "corrupt zip file: short zip64 extra field");
        field = get_le(extra, q, 8);
        q += 8;
      };
      if (e.uncompressed_size == zip::kMax32) take(e.uncompressed_size);
      if (e.compressed_size == zip::kMax32) take(e.compressed_size);
      if (e.local_header_offset == zip::kMax32) take(e.local_header_offset);
      return;
    }
    p += 4 + len;
  }
}

// ---- member sources ----

class StoredMember final : public ZipMemberSource {
 public:
  StoredMember(const std::string& path, std::uint64_t offset, const ZipEntry& e, std::string label)
      : raw_(path, offset, e.compressed_size), entry_(e), label_(std::move(label)) {}
  std::size_t read(std::byte* dst, std::size_t n) override {
    const std::size_t got = raw_.read(dst, n);
    crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(dst), got);
    done_ += got;
    return got;
  }
  [[nodiscard]] std::uint64_t remaining_bound() const override { return raw_.remaining_bound(); }
  void finish() override {
    std::array<std::byte, 4096> scratch{};
    while (read(scratch.data(), scratch.size()) > 0) {
    }
    if (done_ != entry_.uncompressed_size) {
      throw_io(label_, "corrupt zip member: " + std::to_string(done_) + " bytes stored, " +
                           std::to_string(entry_.uncompressed_size) + " declared");
    }
    if (crc_ != entry_.crc32) throw_io(label_, "CRC-32 mismatch: the zip member is corrupt");
  }

 private:
  FileSource raw_;
  ZipEntry entry_;
  std::string label_;
  uLong crc_ = crc32_z(0, Z_NULL, 0);
  std::uint64_t done_ = 0;
};

class DeflatedMember final : public ZipMemberSource {
 public:
  DeflatedMember(const std::string& path, std::uint64_t offset, const ZipEntry& e,
                 std::string label)
      : raw_(path, offset, e.compressed_size), entry_(e), label_(std::move(label)) {
    // -15: a raw deflate stream, as zip stores it (no zlib header or trailer).
    if (inflateInit2(&z_, -15) != Z_OK) throw_io(label_, "cannot initialise zlib");
  }
  DeflatedMember(const DeflatedMember&) = delete;
  DeflatedMember& operator=(const DeflatedMember&) = delete;
  ~DeflatedMember() override { inflateEnd(&z_); }

  std::size_t read(std::byte* dst, std::size_t n) override {
    // Never produce more than the directory declared: that is what remaining_bound() promised.
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, entry_.uncompressed_size - done_));
    std::size_t produced = 0;
    while (produced < n && !ended_) {
      if (z_.avail_in == 0) {
        in_len_ = raw_.read(in_.data(), in_.size());
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(in_len_);
      }
      const std::size_t want = std::min<std::size_t>(n - produced, 1u << 30);
      z_.next_out = reinterpret_cast<Bytef*>(dst + produced);
      z_.avail_out = static_cast<uInt>(want);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      produced += want - z_.avail_out;
      if (rc == Z_STREAM_END) {
        ended_ = true;
      } else if (rc == Z_BUF_ERROR && in_len_ == 0) {
        throw_io(label_, "corrupt zip member: the deflate stream ends early");
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        throw_io(label_, std::string("corrupt zip member: ") +
                             (z_.msg != nullptr ? z_.msg : "inflate failed"));
      }
    }
    crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(dst), produced);
    done_ += produced;
    return produced;
  }
  [[nodiscard]] std::uint64_t remaining_bound() const override {
    return ended_ ? 0 : entry_.uncompressed_size - done_;
  }
  void finish() override {
    std::array<std::byte, 4096> scratch{};
    while (read(scratch.data(), scratch.size()) > 0) {
    }
    if (done_ != entry_.uncompressed_size) {
      throw_io(label_, "corrupt zip member: inflates to " + std::to_string(done_) + " bytes, " +
                           std::to_string(entry_.uncompressed_size) + " declared");
    }
    if (!ended_) {
      // Everything declared has been produced; the stream must end here with no more output.
      std::byte one{};
      z_.next_out = reinterpret_cast<Bytef*>(&one);
      z_.avail_out = 1;
      int rc = Z_OK;
      while (rc == Z_OK && z_.avail_out == 1) {
        if (z_.avail_in == 0) {
          in_len_ = raw_.read(in_.data(), in_.size());
          if (in_len_ == 0) break;
          z_.next_in = reinterpret_cast<Bytef*>(in_.data());
          z_.avail_in = static_cast<uInt>(in_len_);
        }
        rc = inflate(&z_, Z_NO_FLUSH);
      }
      if (rc != Z_STREAM_END || z_.avail_out != 1) {
        throw_io(label_, "corrupt zip member: the deflate stream does not end where declared");
      }
    }
    if (crc_ != entry_.crc32) throw_io(label_, "CRC-32 mismatch: the zip member is corrupt");
  }

 private:
  FileSource raw_;
  ZipEntry entry_;
  std::string label_;
  z_stream z_{};
  std::array<std::byte, 1 << 16> in_{};
  std::size_t in_len_ = 0;
  bool ended_ = false;
  uLong crc_ = crc32_z(0, Z_NULL, 0);
  std::uint64_t done_ = 0;
};

}  // namespace

ZipReader::ZipReader(std::string path) : path_(std::move(path)) {
  std::ifstream in;
  file_size_ = open_for_reading(path_, in);
  const Directory d = find_directory(in, path_, file_size_);
  const std::vector<std::byte> cd = read_range(in, path_, d.offset, d.size);
  std::set<std::string> seen;
  std::size_t p = 0;
  for (std::uint64_t i = 0; i < d.entries; ++i) {
    if (p + zip::kCentralHeaderSize > cd.size() || get_le(cd, p, 4) != zip::kCentralHeaderSig) {
      throw_io(path_, "corrupt zip file: bad central directory entry " + std::to_string(i));
    }
    ZipEntry e;
    e.flags = static_cast<std::uint16_t>(get_le(cd, p + 8, 2));
    e.method = static_cast<std::uint16_t>(get_le(cd, p + 10, 2));
    e.crc32 = static_cast<std::uint32_t>(get_le(cd, p + 16, 4));
    e.compressed_size = get_le(cd, p + 20, 4);
    e.uncompressed_size = get_le(cd, p + 24, 4);
    const auto name_len = static_cast<std::size_t>(get_le(cd, p + 28, 2));
    const auto extra_len = static_cast<std::size_t>(get_le(cd, p + 30, 2));
    const auto comment_len = static_cast<std::size_t>(get_le(cd, p + 32, 2));
    e.local_header_offset = get_le(cd, p + 42, 4);
    const std::size_t var_start = p + zip::kCentralHeaderSize;
    if (var_start + name_len + extra_len + comment_len > cd.size()) {
      throw_io(path_, "corrupt zip file: central directory entry " + std::to_string(i) +
                          " overruns the directory");
    }
    e.name.assign(reinterpret_cast<const char*>(cd.data() + var_start), name_len);
    apply_zip64_extra(std::span(cd).subspan(var_start + name_len, extra_len), e, path_);
    if (e.name.find('\0') != std::string::npos) {
      throw_io(path_, "corrupt zip file: a member name contains a NUL byte");
    }
    if (!seen.insert(e.name).second) {
      throw_io(path_, "corrupt zip file: duplicate member '" + e.name + "'");
    }
    entries_.push_back(std::move(e));
    p = var_start + name_len + extra_len + comment_len;
  }
}

std::unique_ptr<ZipMemberSource> ZipReader::open(const ZipEntry& e,
                                                 const std::string& label) const {
  if (e.flags & zip::kFlagEncrypted) throw_io(label, "encrypted zip members are not supported");
  if (e.method != zip::kMethodStored && e.method != zip::kMethodDeflate) {
    throw_io(label, "unsupported zip compression method " + std::to_string(e.method) +
                        " (only stored and deflate are supported)");
  }
  if (e.local_header_offset > file_size_ ||
      file_size_ - e.local_header_offset < zip::kLocalHeaderSize) {
    throw_io(label, "corrupt zip file: local header offset out of range");
  }
  std::ifstream in;
  open_for_reading(path_, in);
  const std::vector<std::byte> lh =
      read_range(in, path_, e.local_header_offset, zip::kLocalHeaderSize);
  if (get_le(lh, 0, 4) != zip::kLocalHeaderSig) {
    throw_io(label, "corrupt zip file: local header signature missing");
  }
  const std::uint64_t data_offset =
      e.local_header_offset + zip::kLocalHeaderSize + get_le(lh, 26, 2) + get_le(lh, 28, 2);
  if (data_offset > file_size_ || e.compressed_size > file_size_ - data_offset) {
    throw_io(label, "corrupt zip file: member data lies outside the file (" +
                        std::to_string(e.compressed_size) + " bytes at offset " +
                        std::to_string(data_offset) + ")");
  }
  if (e.method == zip::kMethodStored) {
    if (e.compressed_size != e.uncompressed_size) {
      throw_io(label, "corrupt zip file: stored member with different packed and unpacked sizes");
    }
    return std::make_unique<StoredMember>(path_, data_offset, e, label);
  }
  if (e.uncompressed_size / zip::kMaxDeflateRatio > e.compressed_size + 1) {
    throw_io(label, "corrupt zip file: " + std::to_string(e.compressed_size) +
                        " deflated bytes cannot hold the " + std::to_string(e.uncompressed_size) +
                        " bytes declared");
  }
  return std::make_unique<DeflatedMember>(path_, data_offset, e, label);
}

}  // namespace ein::io
