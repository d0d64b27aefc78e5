#include "ein/io/zip_writer.hpp"

#include <zlib.h>

#include <algorithm>

#include "ein/io/npy_format.hpp"
#include "ein/io/zip_format.hpp"

namespace ein::io {

using zip::put_le;

namespace {

// 1980-01-01 00:00:00, the earliest DOS date: fixed so identical input gives identical files.
constexpr std::uint16_t kDosTime = 0;
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;
constexpr std::uint16_t kVersion20 = 20;  // deflate
constexpr std::uint16_t kVersion45 = 45;  // zip64
constexpr std::uint16_t kMadeByUnix = (3 << 8) | kVersion45;

std::uint32_t clamp32(std::uint64_t v, bool zip64) {
  return zip64 ? zip::kMax32 : static_cast<std::uint32_t>(v);
}

}  // namespace

std::vector<std::byte> deflate_raw(std::span<const std::byte> data, const std::string& label) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw_io(label, "cannot initialise zlib");
  }
  std::vector<std::byte> out;
  std::size_t in_pos = 0;
  int rc = Z_OK;
  std::vector<std::byte> chunk(1 << 16);
  // z_stream counts in 32-bit uInt, so large arrays are fed in pieces.
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0 && in_pos < data.size()) {
      const std::size_t n = std::min<std::size_t>(data.size() - in_pos, 1u << 30);
      z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data() + in_pos));
      z.avail_in = static_cast<uInt>(n);
      in_pos += n;
    }
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = deflate(&z, in_pos == data.size() ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw_io(label, "deflate failed");
    }
    out.insert(out.end(), chunk.begin(), chunk.end() - z.avail_out);
  }
  deflateEnd(&z);
  return out;
}

void ZipWriter::emit(std::span<const std::byte> bytes) {
  out_.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  if (!out_) throw_io(label_, "write failed (disk full?)");
  pos_ += bytes.size();
}
void ZipWriter::emit(const std::vector<std::byte>& bytes) { emit(std::span(bytes)); }

void ZipWriter::add(const std::string& name, std::span<const std::byte> data, bool compress) {
  Record r;
  r.name = name;
  r.method = compress ? zip::kMethodDeflate : zip::kMethodStored;
  r.uncompressed = data.size();
  r.crc = static_cast<std::uint32_t>(
      crc32_z(crc32_z(0, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
  r.offset = pos_;
  std::vector<std::byte> packed;
  if (compress) packed = deflate_raw(data, label_);
  const std::span<const std::byte> payload = compress ? std::span<const std::byte>(packed) : data;
  r.compressed = payload.size();

  const bool zip64 = force_zip64_ || r.uncompressed >= zip::kMax32 || r.compressed >= zip::kMax32;
  std::vector<std::byte> h;
  put_le(h, zip::kLocalHeaderSig, 4);
  put_le(h, zip64 ? kVersion45 : kVersion20, 2);
  put_le(h, 0, 2);  // flags
  put_le(h, r.method, 2);
  put_le(h, kDosTime, 2);
  put_le(h, kDosDate, 2);
  put_le(h, r.crc, 4);
  put_le(h, clamp32(r.compressed, zip64), 4);
  put_le(h, clamp32(r.uncompressed, zip64), 4);
  put_le(h, name.size(), 2);
  put_le(h, zip64 ? 20 : 0, 2);
  for (char c : name) h.push_back(static_cast<std::byte>(c));
  if (zip64) {  // the local zip64 extra must hold both sizes
    put_le(h, zip::kZip64ExtraId, 2);
    put_le(h, 16, 2);
    put_le(h, r.uncompressed, 8);
    put_le(h, r.compressed, 8);
  }
  emit(h);
  emit(payload);
  records_.push_back(std::move(r));
}

void ZipWriter::finish() {
  const std::uint64_t cd_offset = pos_;
  for (const Record& r : records_) {
    const bool big_u = force_zip64_ || r.uncompressed >= zip::kMax32;
    const bool big_c = force_zip64_ || r.compressed >= zip::kMax32;
    const bool big_o = force_zip64_ || r.offset >= zip::kMax32;
    const std::size_t extra = (big_u + big_c + big_o) * 8;
    std::vector<std::byte> h;
    put_le(h, zip::kCentralHeaderSig, 4);
    put_le(h, kMadeByUnix, 2);
    put_le(h, extra ? kVersion45 : kVersion20, 2);
    put_le(h, 0, 2);
    put_le(h, r.method, 2);
    put_le(h, kDosTime, 2);
    put_le(h, kDosDate, 2);
    put_le(h, r.crc, 4);
    put_le(h, clamp32(r.compressed, big_c), 4);
    put_le(h, clamp32(r.uncompressed, big_u), 4);
    put_le(h, r.name.size(), 2);
    put_le(h, extra ? extra + 4 : 0, 2);
    put_le(h, 0, 2);                             // comment
    put_le(h, 0, 2);                             // disk
    put_le(h, 0, 2);                             // internal attributes
    put_le(h, std::uint64_t{0100644} << 16, 4);  // external: a regular file, rw-r--r--
    put_le(h, clamp32(r.offset, big_o), 4);
    for (char c : r.name) h.push_back(static_cast<std::byte>(c));
    if (extra) {
      put_le(h, zip::kZip64ExtraId, 2);
      put_le(h, extra, 2);
      if (big_u) put_le(h, r.uncompressed, 8);
      if (big_c) put_le(h, r.compressed, 8);
      if (big_o) put_le(h, r.offset, 8);
    }
    emit(h);
  }
  const std::uint64_t cd_size = pos_ - cd_offset;
  const std::uint64_t n = records_.size();
  const bool zip64 =
      force_zip64_ || n >= zip::kMax16 || cd_offset >= zip::kMax32 || cd_size >= zip::kMax32;
  std::vector<std::byte> e;
  if (zip64) {
    const std::uint64_t rec_offset = pos_;
    put_le(e, zip::kZip64EndSig, 4);
    put_le(e, zip::kZip64EndSize - 12, 8);  // size of the rest of this record
    put_le(e, kMadeByUnix, 2);
    put_le(e, kVersion45, 2);
    put_le(e, 0, 4);
    put_le(e, 0, 4);
    put_le(e, n, 8);
    put_le(e, n, 8);
    put_le(e, cd_size, 8);
    put_le(e, cd_offset, 8);
    put_le(e, zip::kZip64LocatorSig, 4);
    put_le(e, 0, 4);
    put_le(e, rec_offset, 8);
    put_le(e, 1, 4);
  }
  put_le(e, zip::kEndOfCentralDirSig, 4);
  put_le(e, 0, 2);
  put_le(e, 0, 2);
  put_le(e, zip64 ? zip::kMax16 : n, 2);
  put_le(e, zip64 ? zip::kMax16 : n, 2);
  put_le(e, clamp32(cd_size, zip64), 4);
  put_le(e, clamp32(cd_offset, zip64), 4);
  put_le(e, 0, 2);
  emit(e);
}

}  // namespace ein::io
