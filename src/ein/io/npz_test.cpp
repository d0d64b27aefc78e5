// .npz archives: NumPy's own files (stored and deflated), round trips, zip64, and corrupt or
// hostile archives.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "ein/io/io_test_util.hpp"
#include "ein/io/testdata/numpy_fixtures.hpp"
#include "ein/io/zip_writer.hpp"
#include "ein/npy.hpp"

namespace ein {
namespace {

using io::testing::error_message;
using io::testing::expect_fixture_values;
using io::testing::TempDir;
using io::testing::to_bytes;
using io::testing::write_file;

std::filesystem::path put(const TempDir& dir, const std::string& name,
                          std::span<const std::byte> bytes) {
  const auto path = dir / name;
  write_file(path, bytes);
  return path;
}

std::size_t find_sig(const std::vector<std::byte>& b, std::string_view sig, bool last = false) {
  const std::string s(reinterpret_cast<const char*>(b.data()), b.size());
  const std::size_t at = last ? s.rfind(sig) : s.find(sig);
  EXPECT_NE(at, std::string::npos);
  return at;
}
const std::string_view kCentral("PK\x01\x02", 4);
const std::string_view kEnd("PK\x05\x06", 4);

void poke(std::vector<std::byte>& b, std::size_t at, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
}

void expect_numpy_members(const NpzMembers& m) {
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].first, "W_q");
  EXPECT_EQ(m[1].first, "bias");
  EXPECT_EQ(m[2].first, "flags");
  EXPECT_EQ(m[0].second.dtype(), DType::Float32);
  EXPECT_EQ(m[0].second.shape(), (Shape{3, 2}));
  EXPECT_EQ(m[1].second.dtype(), DType::Int64);
  EXPECT_EQ(m[1].second.shape(), (Shape{3}));
  EXPECT_EQ(m[2].second.dtype(), DType::Bool);
  EXPECT_EQ(m[2].second.shape(), (Shape{2, 2}));
  for (const auto& [name, t] : m) expect_fixture_values(t, name);
}

TEST(Npz, LoadsNumPysStoredAndDeflatedArchives) {
  TempDir dir;
  for (auto raw : {std::span<const unsigned char>(io::fixtures::kNpzStored),
                   std::span<const unsigned char>(io::fixtures::kNpzDeflated)}) {
    const auto path = put(dir, "np.npz", to_bytes(raw));
    expect_numpy_members(load_npz(path));
    EXPECT_EQ(list_npz(path), (std::vector<std::string>{"W_q", "bias", "flags"}));
    const Tensor bias = load_npz_member(path, "bias");
    EXPECT_EQ(bias.to_vector<std::int64_t>(), (std::vector<std::int64_t>{-20, -13, -6}));
    EXPECT_EQ(load_npz_member(path, "flags.npy").shape(), (Shape{2, 2}));
    const std::string msg = error_message([&] { load_npz_member(path, "W_k"); });
    EXPECT_NE(msg.find("np.npz: no member named 'W_k' (members: W_q, bias, flags)"),
              std::string::npos)
        << msg;
  }
}

TEST(Npz, RoundTripEveryDtypeStoredAndCompressed) {
  TempDir dir;
  std::vector<Tensor> keep;
  std::vector<std::pair<std::string, TensorView>> members;
  for (DType t : kAllDTypes) {
    keep.push_back(Tensor::arange(12, DType::Int64).reshape({3, 4}).astype(t));
    members.emplace_back(std::string(dtype_name(t)), keep.back());
  }
  const Tensor fortran = Tensor::arange(6).reshape({2, 3}).copy().transpose();
  members.emplace_back("fortran", fortran);
  const Tensor big = Tensor::arange(200000, DType::Float64);  // several inflate chunks
  members.emplace_back("big", big);
  for (bool compress : {false, true}) {
    const auto path = dir / (compress ? "c.npz" : "s.npz");
    save_npz(path, members, compress);
    const auto bytes = io::testing::read_file(path);
    EXPECT_EQ(std::to_integer<int>(bytes[8]), compress ? 8 : 0);  // first member's method
    const NpzMembers back = load_npz(path);
    ASSERT_EQ(back.size(), members.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i].first, members[i].first);
      EXPECT_EQ(back[i].second.dtype(), members[i].second.dtype());
      EXPECT_EQ(back[i].second.shape(), members[i].second.shape());
      EXPECT_EQ(back[i].second.to_vector<double>(),
                Tensor::borrow(members[i].second).to_vector<double>());
    }
    EXPECT_EQ(back[kNumDTypes].second.strides(), fortran.strides());
  }
  EXPECT_LT(std::filesystem::file_size(dir / "c.npz"), std::filesystem::file_size(dir / "s.npz"));
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"c.npz", "s.npz"}));
}

TEST(Npz, EmptyArchiveAndBadNames) {
  TempDir dir;
  save_npz(dir / "e.npz", {});
  EXPECT_TRUE(load_npz(dir / "e.npz").empty());
  const Tensor t = Tensor::zeros(DType::Float64, {2});
  error_message([&] { save_npz(dir / "x.npz", {{"", t}}); }, ErrorCode::InvalidArgument);
  const std::string msg = error_message(
      [&] {
        save_npz(dir / "x.npz", {{"a", t}, {"a", t}});
      },
      ErrorCode::InvalidArgument);
  EXPECT_NE(msg.find("duplicate member name 'a'"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.npz"));
}

// An archive written with zip64 records everywhere (as if it were larger than 4 GiB).
std::vector<std::byte> zip64_archive(bool compress) {
  std::ostringstream os;
  io::ZipWriter zip(os, "z64.npz", /*force_zip64=*/true);
  const Tensor a = Tensor::arange(10, DType::Int32);
  const Tensor b = Tensor::ones(DType::Complex128, {2, 2});
  zip.add("a.npy", write_npy(a), compress);
  zip.add("b.npy", write_npy(b), compress);
  zip.finish();
  return to_bytes(os.str());
}

TEST(Npz, ReadsZip64Records) {
  TempDir dir;
  for (bool compress : {false, true}) {
    const auto bytes = zip64_archive(compress);
    EXPECT_NE(find_sig(bytes, std::string_view("PK\x06\x06", 4)), std::string::npos);
    const NpzMembers m = load_npz(put(dir, "z.npz", bytes));
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].second.to_vector<int>(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(m[1].second.shape(), (Shape{2, 2}));
  }
}

struct Corruption {
  const char* what;
  std::vector<std::byte> bytes;
  const char* expected;
};

std::vector<Corruption> corruptions() {
  const auto stored = to_bytes(io::fixtures::kNpzStored);
  const auto deflated = to_bytes(io::fixtures::kNpzDeflated);
  const std::size_t cd = find_sig(stored, kCentral);
  const std::size_t end = find_sig(stored, kEnd, true);
  const std::size_t dcd = find_sig(deflated, kCentral);
  std::vector<Corruption> c;
  c.push_back({"not a zip", to_bytes("just some text, definitely not a zip archive"),
               "no end-of-central-directory"});
  c.push_back({"tiny", to_bytes("PK"), "too short"});
  {
    auto b = stored;
    b[cd - 1] ^= std::byte{1};  // last data byte of the last member (a bool: 0 <-> 1)
    c.push_back({"flipped stored byte", b, "CRC-32 mismatch"});
  }
  {
    auto b = deflated;
    b[dcd - 8] ^= std::byte{0x55};
    c.push_back({"flipped deflated byte", b, "corrupt"});
  }
  {
    auto b = stored;
    poke(b, cd + 10, 12, 2);
    c.push_back({"bzip2 method", b, "unsupported zip compression method 12"});
  }
  {
    auto b = stored;
    poke(b, cd + 8, 1, 2);
    c.push_back({"encrypted", b, "encrypted zip members"});
  }
  {
    auto b = stored;
    poke(b, end + 16, 0x7fffffff, 4);
    c.push_back({"directory offset", b, "central directory lies outside"});
  }
  {
    auto b = stored;
    poke(b, end + 8, 60000, 2);
    poke(b, end + 10, 60000, 2);
    c.push_back({"entry count", b, "60000 entries cannot fit"});
  }
  {
    auto b = stored;
    poke(b, cd + 42, 0x7ffffff0, 4);
    c.push_back({"local header offset", b, "local header offset out of range"});
  }
  {
    auto b = stored;
    poke(b, cd + 42, 1, 4);
    c.push_back({"local header signature", b, "local header signature missing"});
  }
  {
    auto b = stored;
    poke(b, cd + 20, 0x7ffffff0, 4);
    poke(b, cd + 24, 0x7ffffff0, 4);
    c.push_back({"member size", b, "member data lies outside the file"});
  }
  {
    auto b = deflated;
    poke(b, dcd + 24, 0xfffffff0u, 4);
    c.push_back({"deflate bomb claim", b, "deflated bytes cannot hold"});
  }
  {
    auto b = deflated;
    poke(b, dcd + 24, 100, 4);  // declared shorter than the real member
    c.push_back({"short declared size", b, "does not end where declared"});
  }
  {
    auto b = stored;
    poke(b, cd + 28, 0xffff, 2);
    c.push_back({"name overruns", b, "overruns the directory"});
  }
  {
    std::ostringstream os;
    io::ZipWriter zip(os, "t");
    zip.add("readme.txt", to_bytes("not an array"), false);
    zip.finish();
    c.push_back({"text member", to_bytes(os.str()), "bad.npz:readme.txt: not a .npy file"});
  }
  {
    std::ostringstream os;
    io::ZipWriter zip(os, "t");
    zip.add("a.npy", write_npy(Tensor::zeros(DType::Float64, {1})), false);
    zip.add("a.npy", write_npy(Tensor::zeros(DType::Float64, {1})), false);
    zip.finish();
    c.push_back({"duplicate", to_bytes(os.str()), "duplicate member 'a.npy'"});
  }
  return c;
}

TEST(NpzHostile, CorruptArchivesAreIoErrorsNamingTheFile) {
  TempDir dir;
  for (const Corruption& c : corruptions()) {
    const auto path = put(dir, "bad.npz", c.bytes);
    const std::string msg = error_message([&] { load_npz(path); });
    EXPECT_EQ(msg.rfind(path.string(), 0), 0u) << c.what << ": " << msg;
    EXPECT_NE(msg.find(c.expected), std::string::npos) << c.what << ": " << msg;
  }
}

TEST(NpzHostile, EveryTruncationIsAnError) {
  TempDir dir;
  const auto good = to_bytes(io::fixtures::kNpzDeflated);
  for (std::size_t n = 0; n < good.size(); n += 7) {
    const auto path = put(dir, "cut.npz", std::span(good).first(n));
    error_message([&] { load_npz(path); });
  }
}

TEST(NpzHostile, RandomMutationsNeverCrash) {
  const char* env = std::getenv("EIN_SEED");
  const std::uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : 7;
  std::mt19937_64 rng(seed);
  TempDir dir;
  for (auto raw : {std::span<const unsigned char>(io::fixtures::kNpzStored),
                   std::span<const unsigned char>(io::fixtures::kNpzDeflated)}) {
    const auto good = to_bytes(raw);
    for (int iter = 0; iter < 400; ++iter) {
      auto b = good;
      for (int f = 0; f < 2; ++f) b[rng() % b.size()] = static_cast<std::byte>(rng() & 0xff);
      const auto path = put(dir, "m.npz", b);
      try {
        (void)load_npz(path);
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::IoError)
            << e.what() << "\nreproduce: EIN_SEED=" << seed
            << " ein_io_tests --gtest_filter=NpzHostile.RandomMutationsNeverCrash";
      }
    }
  }
}

}  // namespace
}  // namespace ein
