// Untrusted .npy input: every malformed file must give an IoError naming the file and the
// problem, never a crash, an over-read, or an allocation larger than the file could hold.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "ein/io/io_test_util.hpp"
#include "ein/io/testdata/numpy_fixtures.hpp"
#include "ein/npy.hpp"

namespace ein {
namespace {

using io::testing::error_message;
using io::testing::TempDir;
using io::testing::to_bytes;

// A .npy file with an arbitrary (possibly lying) header dict and data.
std::vector<std::byte> craft(const std::string& dict, std::size_t data_bytes, int version = 1) {
  std::string s("\x93NUMPY", 6);
  s += static_cast<char>(version);
  s += '\0';
  const std::size_t len = dict.size();
  s += static_cast<char>(len & 0xff);
  s += static_cast<char>((len >> 8) & 0xff);
  if (version > 1) s += std::string(2, '\0');
  s += dict;
  s += std::string(data_bytes, '\x01');
  return to_bytes(s);
}

std::string header(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }\n";
}

struct BadCase {
  const char* what;
  std::vector<std::byte> bytes;
  const char* expected;  // a piece of the message
};

std::vector<BadCase> bad_cases() {
  const std::vector<std::byte> good = to_bytes(io::fixtures::kFloat64LittleC);
  std::vector<BadCase> c;
  c.push_back({"empty file", {}, "truncated .npy file"});
  c.push_back({"only part of the magic", to_bytes(std::string("\x93NUM", 4)), "truncated"});
  c.push_back({"a zip file", to_bytes(std::string("PK\x03\x04\x14\0\0\0", 8)), "not a .npy file"});
  c.push_back({"text", to_bytes("hello, world\n"), "not a .npy file"});
  c.push_back({"version 9.0", craft(header("<f8", "(1,)"), 8, 9), "version 9.0"});
  c.push_back(
      {"no header length", to_bytes(std::string("\x93NUMPY\x01\x00\x10", 9)), "no header length"});
  c.push_back({"absurd v2 header length",
               to_bytes(std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12)),
               "headers larger than"});
  {
    auto b = good;
    b.resize(40);
    c.push_back({"header cut short", b, "the header claims 118 bytes but only 30 bytes follow"});
  }
  c.push_back({"not a dict", craft("[1, 2, 3]\n", 0), "expected '{'"});
  c.push_back(
      {"missing shape", craft("{'descr': '<f8', 'fortran_order': False}\n", 8), "no 'shape' key"});
  c.push_back({"object dtype", craft(header("|O", "(2,)"), 16), "object arrays"});
  c.push_back({"unicode dtype", craft(header("<U3", "(2,)"), 24), "string arrays"});
  c.push_back({"bytes dtype", craft(header("|S4", "(2,)"), 8), "string arrays"});
  c.push_back({"uint16 dtype", craft(header("<u2", "(2,)"), 4), "unsupported dtype: descr '<u2'"});
  c.push_back({"float16 dtype", craft(header("<f2", "(2,)"), 4), "unsupported dtype"});
  c.push_back({"structured dtype",
               craft("{'descr': [('x', '<f8'), ('y', '<i4')], 'fortran_order': False, "
                     "'shape': (2,), }\n",
                     24),
               "structured dtypes"});
  c.push_back({"negative extent", craft(header("<f8", "(-1,)"), 8), "negative extent"});
  c.push_back({"extent overflow", craft(header("<f8", "(4611686018427387904, 4)"), 8),
               "overflows 64 bits"});
  c.push_back(
      {"bytes overflow", craft(header("<c16", "(1152921504606846976,)"), 8), "overflows 64 bits"});
  c.push_back({"data shorter than the shape", craft(header("<f8", "(1000, 1000)"), 48),
               "promises shape (1000, 1000) of float64 (8000000 bytes) but at most 48 bytes"});
  c.push_back({"huge lying shape", craft(header("<f8", "(1099511627776,)"), 8),
               "at most 8 bytes of data follow"});
  {
    auto b = good;
    b.pop_back();
    c.push_back({"one byte short", b, "(48 bytes) but at most 47 bytes"});
  }
  c.push_back({"shape (3) without comma", craft(header("<f8", "(3)"), 24), "(n,)"});
  c.push_back({"garbage after the dict",
               craft("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} junk\n", 8),
               "unexpected text after"});
  return c;
}

TEST(NpyHostile, EveryBadFileIsAnIoErrorNamingTheFile) {
  for (const BadCase& c : bad_cases()) {
    const std::string msg = error_message([&] { read_npy(c.bytes, "evil.npy"); });
    EXPECT_EQ(msg.rfind("evil.npy: ", 0), 0u) << c.what << ": " << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos) << c.what << ": " << msg;
  }
}

TEST(NpyHostile, SameFromFilesAndHeaderOnlyReads) {
  TempDir dir;
  for (const BadCase& c : bad_cases()) {
    const auto path = dir / "evil.npy";
    io::testing::write_file(path, c.bytes);
    const std::string msg = error_message([&] { load_npy(path); });
    EXPECT_NE(msg.find(path.string() + ": "), std::string::npos) << c.what << ": " << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos) << c.what << ": " << msg;
    error_message([&] { read_npy_info(path); });
  }
}

TEST(NpyHostile, MissingFilesAndDirectories) {
  TempDir dir;
  std::string msg = error_message([&] { load_npy(dir / "nope.npy"); });
  EXPECT_NE(msg.find("nope.npy: no such file"), std::string::npos) << msg;
  msg = error_message([&] { load_npy(dir.path()); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;
}

TEST(NpyHostile, TrailingBytesAreIgnoredLikeNumPy) {
  auto b = to_bytes(io::fixtures::kFloat64LittleC);
  b.push_back(std::byte{7});
  EXPECT_EQ(read_npy(b).shape(), (Shape{2, 3}));
}

TEST(NpyHostile, EveryTruncationIsAnError) {
  const auto good = to_bytes(io::fixtures::kComplex64BigF);
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::byte> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    const std::string msg = error_message([&] { read_npy(cut, "cut.npy"); });
    EXPECT_NE(msg.find("truncated"), std::string::npos) << n << ": " << msg;
  }
}

// Random byte mutations of a valid file: each must load or fail with IoError, nothing else (the
// sanitizer build checks there is no over-read or undefined behaviour).
TEST(NpyHostile, RandomMutationsNeverCrash) {
  const char* env = std::getenv("EIN_SEED");
  const std::uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : 20240611;
  std::mt19937_64 rng(seed);
  const auto good = to_bytes(io::fixtures::kInt64BigF);
  int loaded = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    auto b = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      // Mostly the header, where the parser lives.
      const std::size_t at = rng() % 4 == 0 ? rng() % b.size() : rng() % 128;
      b[at] = static_cast<std::byte>(rng() & 0xff);
    }
    try {
      const Tensor t = read_npy(b, "m.npy");
      ++loaded;
      EXPECT_LE(static_cast<std::size_t>(t.numel()) * t.view().itemsize(), b.size());
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::IoError)
          << e.what() << "\nreproduce: EIN_SEED=" << seed
          << " ein_io_tests --gtest_filter=NpyHostile.RandomMutationsNeverCrash";
    }
  }
  EXPECT_GT(loaded, 0);  // some mutations hit data or padding and still load
}

}  // namespace
}  // namespace ein
