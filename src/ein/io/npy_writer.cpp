#include "ein/io/npy_writer.hpp"

#include <cstring>
#include <ostream>
#include <vector>

#include "ein/io/atomic_file.hpp"
#include "ein/io/npy_format.hpp"
#include "ein/io/npy_reader.hpp"

namespace ein::io {

namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 16;

struct Layout {
  bool fortran = false;
  TensorView walk;  // the view to walk in row-major order (transposed for Fortran order)
  ByteOrder order = ByteOrder::Little;
};

Layout plan_layout(const TensorView& array, const NpyWriteOptions& options) {
  Layout l;
  l.order = resolve_byte_order(options.byte_order);
  switch (options.order) {
    case NpyOrder::C:
      l.fortran = false;
      break;
    case NpyOrder::Fortran:
      l.fortran = true;
      break;
    case NpyOrder::Auto:
      l.fortran = array.rank() > 1 && !array.is_contiguous() && array.transpose().is_contiguous();
      break;
  }
  l.walk = l.fortran ? array.transpose() : array;
  return l;
}

// Walks `v` in row-major order, handing each element's bytes (swapped if asked) to a chunk buffer.
void emit_strided(const TensorView& v, bool swap, const ByteSink& sink) {
  const std::size_t item = v.itemsize();
  const std::size_t width = is_complex(v.dtype()) ? item / 2 : item;
  const int rank = v.rank();
  const auto* base = static_cast<const std::byte*>(v.data());
  std::vector<std::byte> buf;
  buf.reserve(kChunkBytes + item);
  const auto flush = [&] {
    if (swap) byteswap_words(buf.data(), buf.size() / width, width);
    sink(buf);
    buf.clear();
  };
  const Index inner_n = rank == 0 ? 1 : v.shape()[rank - 1];
  const Index inner_stride = rank == 0 ? 0 : v.strides()[rank - 1] * static_cast<Index>(item);
  std::vector<Index> idx(rank > 0 ? rank - 1 : 0, 0);
  const Index rows = v.numel() / inner_n;
  for (Index r = 0; r < rows; ++r) {
    Index offset = 0;
    for (int a = 0; a + 1 < rank; ++a) offset += idx[a] * v.strides()[a];
    const std::byte* p = base + offset * static_cast<Index>(item);
    for (Index i = 0; i < inner_n; ++i, p += inner_stride) {
      buf.insert(buf.end(), p, p + item);
      if (buf.size() >= kChunkBytes) flush();
    }
    for (int a = rank - 2; a >= 0; --a) {  // odometer over the outer axes
      if (++idx[a] < v.shape()[a]) break;
      idx[a] = 0;
    }
  }
  if (!buf.empty()) flush();
}

}  // namespace

std::uint64_t npy_file_size(const TensorView& array, const NpyWriteOptions& options) {
  const Layout l = plan_layout(array, options);
  const std::string header =
      build_npy_header(array.dtype(), l.order, l.fortran, array.shape(), options.version);
  return header.size() + static_cast<std::uint64_t>(array.numel()) * array.itemsize();
}

std::uint64_t emit_npy(const TensorView& array, const NpyWriteOptions& options,
                       const ByteSink& sink) {
  const Layout l = plan_layout(array, options);
  const std::string header =
      build_npy_header(array.dtype(), l.order, l.fortran, array.shape(), options.version);
  sink(std::span(reinterpret_cast<const std::byte*>(header.data()), header.size()));
  const auto nbytes = static_cast<std::uint64_t>(array.numel()) * array.itemsize();
  if (nbytes == 0) return header.size();
  const bool swap = l.order != resolve_byte_order(ByteOrder::Native) && array.itemsize() > 1;
  if (!swap && l.walk.is_contiguous()) {
    sink(std::span(static_cast<const std::byte*>(l.walk.data()), static_cast<std::size_t>(nbytes)));
  } else {
    emit_strided(l.walk, swap, sink);
  }
  return header.size() + nbytes;
}

}  // namespace ein::io

namespace ein {

void write_npy(std::ostream& out, const TensorView& array, const NpyWriteOptions& options) {
  io::emit_npy(array, options, [&](std::span<const std::byte> bytes) {
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error(ErrorCode::IoError, "write_npy: the output stream failed");
  });
}

std::vector<std::byte> write_npy(const TensorView& array, const NpyWriteOptions& options) {
  std::vector<std::byte> out;
  out.reserve(static_cast<std::size_t>(io::npy_file_size(array, options)));
  io::emit_npy(array, options, [&](std::span<const std::byte> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
  });
  return out;
}

void save_npy(const std::filesystem::path& path, const TensorView& array,
              const NpyWriteOptions& options) {
  io::AtomicFile file(path);
  std::ostream& out = file.stream();
  io::emit_npy(array, options, [&](std::span<const std::byte> bytes) {
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) io::throw_io(path.string(), "write failed (disk full?)");
  });
  file.commit();
}

}  // namespace ein
