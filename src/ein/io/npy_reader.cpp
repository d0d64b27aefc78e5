#include "ein/io/npy_reader.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "ein/io/npy_format.hpp"

namespace ein::io {

namespace {

std::string bytes_text(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// Reads exactly n bytes or reports a truncated file saying what was being read.
void read_exact(ByteSource& src, std::byte* dst, std::size_t n, std::string_view file,
                const char* what) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = src.read(dst + done, n - done);
    if (got == 0) {
      throw_io(file, std::string("truncated .npy file: ") + what + " needs " + bytes_text(n) +
                         " but only " + bytes_text(done) + " are present");
    }
    done += got;
  }
}

}  // namespace

void byteswap_words(std::byte* p, std::size_t count, std::size_t width) {
  if (width <= 1) return;
  for (std::size_t i = 0; i < count; ++i, p += width) std::reverse(p, p + width);
}

NpyInfo read_npy_header(ByteSource& src, std::string_view file) {
  std::array<std::byte, kNpyPreambleMax> head{};
  // First the magic and version (8 bytes); the length field is 2 or 4 bytes depending on them.
  std::size_t have = 0;
  while (have < 8) {
    const std::size_t got = src.read(head.data() + have, 8 - have);
    if (got == 0) break;
    have += got;
  }
  // parse_npy_preamble reports a short or wrong magic precisely, so give it what we have.
  if (have < 8) (void)parse_npy_preamble(std::span(head.data(), have), file);
  const std::size_t preamble_size = head[6] == std::byte{1} ? 10 : 12;
  if (head[6] == std::byte{1} || head[6] == std::byte{2} || head[6] == std::byte{3}) {
    while (have < preamble_size) {
      const std::size_t got = src.read(head.data() + have, preamble_size - have);
      if (got == 0) break;
      have += got;
    }
  }
  const NpyPreamble preamble = parse_npy_preamble(std::span(head.data(), have), file);
  if (preamble.header_size > src.remaining_bound()) {
    throw_io(file, "truncated .npy file: the header claims " + bytes_text(preamble.header_size) +
                       " but only " + bytes_text(src.remaining_bound()) + " follow");
  }
  std::string text(preamble.header_size, '\0');
  read_exact(src, reinterpret_cast<std::byte*>(text.data()), text.size(), file, "the header");
  return make_npy_info(preamble, text, file);
}

Tensor read_npy_data(ByteSource& src, const NpyInfo& info, std::string_view file) {
  const std::uint64_t nbytes = npy_data_size(info);
  const std::string what =
      "shape " + shape_to_string(info.shape) + " of " + std::string(dtype_name(info.dtype));
  if (nbytes > src.remaining_bound()) {
    throw_io(file, "truncated .npy file: the header promises " + what + " (" + bytes_text(nbytes) +
                       ") but at most " + bytes_text(src.remaining_bound()) + " of data follow");
  }
  Tensor t;
  if (info.fortran_order) {
    // Column-major data is the row-major layout of the reversed shape; transposing that gives
    // the right shape with Fortran strides, without a copy.
    Shape reversed(info.shape.rbegin(), info.shape.rend());
    t = Tensor::empty(info.dtype, std::move(reversed)).transpose();
  } else {
    t = Tensor::empty(info.dtype, info.shape);
  }
  auto* data = static_cast<std::byte*>(t.data());
  const auto n = static_cast<std::size_t>(nbytes);
  read_exact(src, data, n, file, ("the data of " + what).c_str());

  if (info.byte_order != resolve_byte_order(ByteOrder::Native)) {
    const std::size_t width =
        is_complex(info.dtype) ? itemsize(info.dtype) / 2 : itemsize(info.dtype);
    byteswap_words(data, n / width, width);
  }
  if (info.dtype == DType::Bool) {
    // A bool holding anything but 0 or 1 is undefined behaviour in C++; NumPy treats any
    // non-zero byte as True.
    for (std::size_t i = 0; i < n; ++i) {
      if (data[i] != std::byte{0}) data[i] = std::byte{1};
    }
  }
  return t;
}

}  // namespace ein::io
