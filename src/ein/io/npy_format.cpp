#include "ein/io/npy_format.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>

namespace ein::io {

void throw_io(std::string_view file, const std::string& problem) {
  throw Error(ErrorCode::IoError, std::string(file) + ": " + problem);
}

ByteOrder resolve_byte_order(ByteOrder order) {
  if (order != ByteOrder::Native) return order;
  return std::endian::native == std::endian::big ? ByteOrder::Big : ByteOrder::Little;
}

namespace {

constexpr unsigned char kMagic[kNpyMagicSize] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

std::uint32_t read_le(std::span<const std::byte> bytes, std::size_t at, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint32_t>(std::to_integer<unsigned>(bytes[at + i])) << (8 * i);
  }
  return v;
}

// A printable rendering of untrusted text for error messages (at most ~40 characters).
std::string quote_excerpt(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > 40) out += "...";
  return out + "'";
}

// A strict parser for the subset of Python literals NumPy writes in .npy headers: a dict with
// string keys whose values are strings, True/False, or tuples of non-negative integers.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  NpyHeaderDict parse() {
    NpyHeaderDict out;
    bool have_descr = false, have_order = false, have_shape = false;
    skip_ws();
    expect('{');
    skip_ws();
    while (peek() != '}') {
      const std::string key = parse_string("a dict key");
      skip_ws();
      expect(':');
      skip_ws();
      if (key == "descr") {
        mark_once(have_descr, key);
        if (peek() == '[') fail("structured dtypes (a list as 'descr') are not supported");
        out.descr = parse_string("the 'descr' value");
      } else if (key == "fortran_order") {
        mark_once(have_order, key);
        out.fortran_order = parse_bool();
      } else if (key == "shape") {
        mark_once(have_shape, key);
        out.shape = parse_shape();
      } else {
        fail("unexpected key " + quote_excerpt(key) +
             " (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
      } else if (peek() != '}') {
        fail("expected ',' or '}' after the value of '" + key + "'");
      }
    }
    ++pos_;  // '}'
    skip_ws();
    if (pos_ != text_.size()) fail("unexpected text after the header dict");
    if (!have_descr) fail("the header has no 'descr' key");
    if (!have_order) fail("the header has no 'fortran_order' key");
    if (!have_shape) fail("the header has no 'shape' key");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw_io(file_, "malformed .npy header at byte " + std::to_string(pos_) +
                        " of the dict: " + what + " (header: " + quote_excerpt(text_) + ")");
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= text_.size(); }
  void skip_ws() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }
  void expect(char c) {
    if (at_end() || peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void mark_once(bool& seen, const std::string& key) const {
    if (seen) fail("duplicate key '" + key + "'");
    seen = true;
  }

  std::string parse_string(const char* what) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(std::string("expected a quoted string as ") + what);
    ++pos_;
    std::string s;
    while (true) {
      if (at_end()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == quote) break;
      // NumPy never writes escapes or control characters in the strings we accept.
      if (c == '\\') fail("escape sequences are not supported in header strings");
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f) fail("non-printable character in a header string");
      s += c;
    }
    return s;
  }

  bool parse_bool() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False as the 'fortran_order' value");
  }

  Index parse_extent() {
    if (peek() == '-') fail("negative extent in 'shape'");
    if (peek() < '0' || peek() > '9') fail("expected an integer extent in 'shape'");
    Index v = 0;
    while (peek() >= '0' && peek() <= '9') {
      const int digit = peek() - '0';
      if (v > (std::numeric_limits<Index>::max() - digit) / 10) {
        fail("extent in 'shape' does not fit in 64 bits");
      }
      v = v * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L') ++pos_;  // Python 2 long literal, as old NumPy wrote
    return v;
  }

  Shape parse_shape() {
    expect('(');
    skip_ws();
    Shape shape;
    bool trailing_comma = false;
    while (peek() != ')') {
      if (static_cast<int>(shape.size()) >= kNpyMaxRank) {
        fail("'shape' has more than " + std::to_string(kNpyMaxRank) + " axes");
      }
      shape.push_back(parse_extent());
      skip_ws();
      trailing_comma = false;
      if (peek() == ',') {
        ++pos_;
        trailing_comma = true;
        skip_ws();
      } else if (peek() != ')') {
        fail("expected ',' or ')' in 'shape'");
      }
    }
    ++pos_;  // ')'
    // "(3)" is the integer 3 in Python, not a tuple; NumPy rejects it too.
    if (shape.size() == 1 && !trailing_comma) fail("'shape' (n) must be written (n,)");
    return shape;
  }

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0;
};

}  // namespace

NpyPreamble parse_npy_preamble(std::span<const std::byte> head, std::string_view file) {
  // A prefix of the magic (or nothing at all) is a truncated file; anything else is not .npy.
  const bool prefix_ok =
      head.empty() || std::memcmp(head.data(), kMagic, std::min(head.size(), kNpyMagicSize)) == 0;
  if (head.size() < kNpyMagicSize || !prefix_ok) {
    if (prefix_ok) {
      throw_io(file, "truncated .npy file (" + std::to_string(head.size()) +
                         " bytes, shorter than the magic string)");
    }
    throw_io(file, "not a .npy file (the magic string \\x93NUMPY is missing)");
  }
  if (head.size() < 8) throw_io(file, "truncated .npy file (no format version)");
  NpyPreamble p;
  p.major = std::to_integer<int>(head[6]);
  p.minor = std::to_integer<int>(head[7]);
  if (p.minor != 0 || p.major < 1 || p.major > 3) {
    throw_io(file, "unsupported .npy format version " + std::to_string(p.major) + "." +
                       std::to_string(p.minor) + " (supported: 1.0, 2.0, 3.0)");
  }
  p.size = p.major == 1 ? 10 : 12;
  if (head.size() < p.size) throw_io(file, "truncated .npy file (no header length)");
  p.header_size = read_le(head, 8, p.size - 8);
  if (p.header_size > kNpyMaxHeaderSize) {
    throw_io(file, "the .npy header claims " + std::to_string(p.header_size) +
                       " bytes; headers larger than " + std::to_string(kNpyMaxHeaderSize) +
                       " bytes are rejected");
  }
  return p;
}

NpyHeaderDict parse_npy_header_dict(std::string_view text, std::string_view file) {
  return HeaderParser(text, file).parse();
}

void parse_npy_descr(std::string_view descr, std::string_view file, DType& dtype,
                     ByteOrder& order) {
  const std::string quoted = "'" + std::string(descr) + "'";
  std::string_view code = descr;
  order = ByteOrder::Native;
  if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '|' || code[0] == '=')) {
    if (code[0] == '<') order = ByteOrder::Little;
    if (code[0] == '>') order = ByteOrder::Big;
    code.remove_prefix(1);
  }
  static constexpr std::pair<std::string_view, DType> kCodes[] = {
      {"b1", DType::Bool},      {"?", DType::Bool},         {"i4", DType::Int32},
      {"i8", DType::Int64},     {"f4", DType::Float32},     {"f8", DType::Float64},
      {"c8", DType::Complex64}, {"c16", DType::Complex128},
  };
  for (const auto& [c, t] : kCodes) {
    if (c == code) {
      dtype = t;
      return;
    }
  }
  std::string why;
  const char kind = code.empty() ? '\0' : code[0];
  if (kind == 'O') {
    why = "object arrays are not supported (they hold pickled Python objects)";
  } else if (kind == 'S' || kind == 'U' || kind == 'a') {
    why = "string arrays are not supported";
  } else if (kind == 'V') {
    why = "void/structured dtypes are not supported";
  } else {
    why = "unsupported dtype";
  }
  throw_io(file, why + ": descr " + quote_excerpt(descr) +
                     " (ein loads bool, int32, int64, float32, float64, complex64, complex128)");
}

std::string npy_descr(DType dtype, ByteOrder order) {
  if (dtype == DType::Bool) return "|b1";  // one byte: NumPy writes "not applicable"
  std::string s(1, resolve_byte_order(order) == ByteOrder::Big ? '>' : '<');
  switch (dtype) {
    case DType::Bool:
      break;
    case DType::Int32:
      return s + "i4";
    case DType::Int64:
      return s + "i8";
    case DType::Float32:
      return s + "f4";
    case DType::Float64:
      return s + "f8";
    case DType::Complex64:
      return s + "c8";
    case DType::Complex128:
      return s + "c16";
    // Storage dtypes (.npy loading does not accept them yet). bfloat16 has no NumPy code:
    // ml_dtypes writes it as two raw bytes.
    case DType::Int8:
      return "|i1";
    case DType::UInt8:
      return "|u1";
    case DType::Int16:
      return s + "i2";
    case DType::Float16:
      return s + "f2";
    case DType::BFloat16:
      return "|V2";
  }
  return s;
}

NpyInfo make_npy_info(const NpyPreamble& preamble, std::string_view header_text,
                      std::string_view file) {
  // Versions 1 and 2 are latin-1 and version 3 is UTF-8; the dict parser accepts only ASCII,
  // which reads the same in both, so no decoding is needed.
  NpyHeaderDict dict = parse_npy_header_dict(header_text, file);
  NpyInfo info;
  parse_npy_descr(dict.descr, file, info.dtype, info.byte_order);
  info.byte_order = resolve_byte_order(info.byte_order);
  info.fortran_order = dict.fortran_order;
  info.shape = std::move(dict.shape);
  info.version_major = preamble.major;
  info.version_minor = preamble.minor;
  info.data_offset = preamble.size + preamble.header_size;
  // Like NumPy, the product of the non-zero extents times the itemsize must fit even when some
  // extent is 0; that keeps every later stride and byte computation overflow-free.
  Index bytes = static_cast<Index>(itemsize(info.dtype));
  for (Index e : info.shape) {
    if (e != 0 && __builtin_mul_overflow(bytes, e, &bytes)) {
      throw_io(file, "shape " + shape_to_string(info.shape) + " of " +
                         std::string(dtype_name(info.dtype)) +
                         " is too large (its byte size overflows 64 bits)");
    }
  }
  return info;
}

std::uint64_t npy_data_size(const NpyInfo& info) {
  std::uint64_t n = itemsize(info.dtype);
  for (Index e : info.shape) n *= static_cast<std::uint64_t>(e);  // checked in make_npy_info
  return n;
}

std::string build_npy_header(DType dtype, ByteOrder order, bool fortran_order,
                             std::span<const Index> shape, int version) {
  std::string dict = "{'descr': '" + npy_descr(dtype, order) +
                     "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                     ", 'shape': " + shape_to_string(shape) + ", }";
  const auto total_for = [&](int v) {
    const std::size_t pre = v == 1 ? 10 : 12;
    const std::size_t unpadded = pre + dict.size() + 1;  // + '\n'
    return (unpadded + 63) / 64 * 64;
  };
  if (version == 0) version = total_for(1) - 10 <= 0xffff ? 1 : 2;
  if (version < 1 || version > 3) {
    throw Error(ErrorCode::InvalidArgument,
                "save_npy: format version " + std::to_string(version) + " (expected 1, 2 or 3)");
  }
  const std::size_t total = total_for(version);
  const std::size_t pre = version == 1 ? 10 : 12;
  const std::size_t header_size = total - pre;
  if (version == 1 && header_size > 0xffff) {
    throw Error(ErrorCode::InvalidArgument, "save_npy: the header needs " +
                                                std::to_string(header_size) +
                                                " bytes, more than format version 1.0 allows");
  }
  std::string out(reinterpret_cast<const char*>(kMagic), kNpyMagicSize);
  out += static_cast<char>(version);
  out += '\0';
  for (std::size_t i = 0; i < pre - 8; ++i) {
    out += static_cast<char>((header_size >> (8 * i)) & 0xff);
  }
  out += dict;
  out.append(total - out.size() - 1, ' ');
  out += '\n';
  return out;
}

}  // namespace ein::io
