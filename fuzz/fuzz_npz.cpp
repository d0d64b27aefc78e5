// Fuzzes the .npz reader (zip directory, zip64 records, deflate, CRC-32, member .npy headers).
// ein reads archives from files only, so each input is written to a scratch file first
// (in $TMPDIR, or /dev/shm when present: a RAM disk keeps this fast).
//
// Properties: only ein::Error(IoError) escapes from load_npz and list_npz; both agree on the
// member names; an archive that loads saves (save_npz) and loads back to the same arrays.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "ein/npy.hpp"
#include "fuzz_util.hpp"

namespace ein::fuzz {
namespace {

std::filesystem::path scratch_dir() {
  if (const char* t = std::getenv("TMPDIR")) return t;
  if (std::filesystem::is_directory("/dev/shm")) return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

const std::filesystem::path& scratch(const char* suffix_name) {
  static const std::filesystem::path in =
      scratch_dir() / ("ein_fuzz_npz_" + std::to_string(getpid()) + "_in.npz");
  static const std::filesystem::path out =
      scratch_dir() / ("ein_fuzz_npz_" + std::to_string(getpid()) + "_out.npz");
  return std::strcmp(suffix_name, "in") == 0 ? in : out;
}

template <class F>
bool io_ok(F&& f) {
  try {
    f();
    return true;
  } catch (const Error& e) {
    check(e.code() == ErrorCode::IoError,
          std::string("npz reader threw ") + error_code_name(e.code()) + ": " + e.what());
    return false;
  } catch (const std::exception& e) {
    fail(std::string("non-ein exception escaped: ") + e.what());
  }
}

void run(const std::uint8_t* data, std::size_t size) {
  const auto& path = scratch("in");
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::vector<std::string> names;
  const bool listed = io_ok([&] { names = list_npz(path); });
  NpzMembers members;
  if (!io_ok([&] { members = load_npz(path); })) return;
  check(listed && names.size() == members.size(), "load_npz loads what list_npz cannot list");
  for (std::size_t i = 0; i < names.size(); ++i) check(names[i] == members[i].first, "names");

  // Round trip, when the names are ones save_npz accepts (unique, non-empty, no NUL).
  std::vector<std::pair<std::string, TensorView>> views;
  for (const auto& [name, t] : members) views.emplace_back(name, t.view());
  try {
    save_npz(scratch("out"), views, size % 2 == 0);
  } catch (const Error& e) {
    check(e.code() == ErrorCode::InvalidArgument,
          std::string("save_npz threw ") + error_code_name(e.code()) + ": " + e.what());
    return;
  }
  const NpzMembers again = load_npz(scratch("out"));
  check(again.size() == members.size(), "round trip changes the member count");
  for (std::size_t i = 0; i < again.size(); ++i) {
    const Tensor& a = members[i].second;
    const Tensor& b = again[i].second;
    check(a.dtype() == b.dtype() && a.shape() == b.shape(), "round trip changes dtype/shape");
    const Tensor ac = a.contiguous(), bc = b.contiguous();
    const auto n = static_cast<std::size_t>(a.numel()) * itemsize(a.dtype());
    check(n == 0 || std::memcmp(ac.data(), bc.data(), n) == 0, "round trip changes data");
  }
}

}  // namespace
}  // namespace ein::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ein::fuzz::run(data, size);
  return 0;
}
