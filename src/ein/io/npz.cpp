// .npz archives: a zip of .npy members named "<name>.npy".
#include <set>

#include "ein/io/atomic_file.hpp"
#include "ein/io/npy_format.hpp"
#include "ein/io/npy_reader.hpp"
#include "ein/io/zip_reader.hpp"
#include "ein/io/zip_writer.hpp"
#include "ein/npy.hpp"

namespace ein {

namespace {

constexpr std::string_view kSuffix = ".npy";

std::string strip_suffix(const std::string& name) {
  if (name.size() > kSuffix.size() && name.ends_with(kSuffix)) {
    return name.substr(0, name.size() - kSuffix.size());
  }
  return name;
}

Tensor read_member(const io::ZipReader& zip, const io::ZipEntry& entry) {
  const std::string label = zip.path() + ":" + strip_suffix(entry.name);
  auto src = zip.open(entry, label);
  Tensor t;
  try {
    t = io::read_npy_from(*src, label);
  } catch (const Error&) {
    // A damaged member often shows up first as a nonsensical .npy header; when the CRC says the
    // bytes are corrupt, that is the error worth reporting (finish() throws it).
    src->finish();
    throw;
  }
  src->finish();  // trailing bytes are allowed (as in NumPy), but the CRC must hold
  return t;
}

}  // namespace

NpzMembers load_npz(const std::filesystem::path& path) {
  const io::ZipReader zip(path.string());
  NpzMembers out;
  out.reserve(zip.entries().size());
  for (const io::ZipEntry& e : zip.entries()) {
    out.emplace_back(strip_suffix(e.name), read_member(zip, e));
  }
  return out;
}

std::vector<std::string> list_npz(const std::filesystem::path& path) {
  const io::ZipReader zip(path.string());
  std::vector<std::string> names;
  for (const io::ZipEntry& e : zip.entries()) names.push_back(strip_suffix(e.name));
  return names;
}

Tensor load_npz_member(const std::filesystem::path& path, std::string_view name) {
  const io::ZipReader zip(path.string());
  for (const io::ZipEntry& e : zip.entries()) {
    if (e.name == name || strip_suffix(e.name) == name) return read_member(zip, e);
  }
  std::string known;
  for (const io::ZipEntry& e : zip.entries()) {
    known += (known.empty() ? "" : ", ") + strip_suffix(e.name);
  }
  io::throw_io(path.string(), "no member named '" + std::string(name) +
                                  "' (members: " + (known.empty() ? "none" : known) + ")");
}

void save_npz(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, TensorView>>& members, bool compress) {
  std::set<std::string> seen;
  for (const auto& [name, view] : members) {
    if (name.empty() || name.find('\0') != std::string::npos || name.size() > 0xff00) {
      throw Error(ErrorCode::InvalidArgument,
                  "save_npz: member names must be non-empty, shorter than 65280 bytes and "
                  "free of NUL bytes");
    }
    if (!seen.insert(name).second) {
      throw Error(ErrorCode::InvalidArgument, "save_npz: duplicate member name '" + name + "'");
    }
  }
  io::AtomicFile file(path);
  io::ZipWriter zip(file.stream(), path.string());
  for (const auto& [name, view] : members) {
    const std::vector<std::byte> bytes = write_npy(view);
    zip.add(name + std::string(kSuffix), bytes, compress);
  }
  zip.finish();
  file.commit();
}

}  // namespace ein
