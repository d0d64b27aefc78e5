// Little-endian field access and record signatures of the zip format (PKWARE APPNOTE 6.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ein::io::zip {

inline constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
inline constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
inline constexpr std::uint32_t kEndOfCentralDirSig = 0x06054b50;
inline constexpr std::uint32_t kZip64EndSig = 0x06064b50;
inline constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
inline constexpr std::uint16_t kZip64ExtraId = 0x0001;

inline constexpr std::size_t kLocalHeaderSize = 30;
inline constexpr std::size_t kCentralHeaderSize = 46;
inline constexpr std::size_t kEndOfCentralDirSize = 22;
inline constexpr std::size_t kZip64EndSize = 56;
inline constexpr std::size_t kZip64LocatorSize = 20;
inline constexpr std::size_t kMaxCommentSize = 0xffff;

inline constexpr std::uint16_t kMethodStored = 0;
inline constexpr std::uint16_t kMethodDeflate = 8;
inline constexpr std::uint16_t kFlagEncrypted = 1;

inline constexpr std::uint32_t kMax32 = 0xffffffffu;
inline constexpr std::uint16_t kMax16 = 0xffffu;

// Deflate cannot expand data by more than this factor (258-byte matches coded in ~2 bits, plus
// block overhead); a member claiming more is lying about its size.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Reads an n-byte little-endian unsigned integer at `at`; the caller checks the bounds.
inline std::uint64_t get_le(std::span<const std::byte> b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(std::to_integer<unsigned>(b[at + i])) << (8 * i);
  }
  return v;
}

inline void put_le(std::vector<std::byte>& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
}

}  // namespace ein::io::zip
