// Helpers shared by the io tests: temporary directories, file bytes, expected-error checks.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "ein/tensor.hpp"

namespace ein::io::testing {

// A fresh directory under the system temp dir, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ein_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Names of everything in the directory (to check no temporaries are left behind).
  [[nodiscard]] std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

inline std::vector<std::byte> to_bytes(std::span<const unsigned char> raw) {
  std::vector<std::byte> out(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) out[i] = static_cast<std::byte>(raw[i]);
  return out;
}

inline std::vector<std::byte> to_bytes(std::string_view s) {
  return to_bytes(std::span(reinterpret_cast<const unsigned char*>(s.data()), s.size()));
}

inline void write_file(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::vector<std::byte> read_file(const std::filesystem::path& path) {
  // (Not istreambuf_iterator: GCC 12 at -O3 warns about a null dereference inside it.)
  std::ifstream in(path, std::ios::binary);
  std::vector<std::byte> out(static_cast<std::size_t>(std::filesystem::file_size(path)));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  EXPECT_EQ(static_cast<std::size_t>(in.gcount()), out.size()) << path;
  return out;
}

// Runs f, expects an ein::Error with `code`, and returns its message ("" if none was thrown).
template <class F>
std::string error_message(F&& f, ErrorCode code = ErrorCode::IoError) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(error_code_name(e.code()), std::string(error_code_name(code))) << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ein::Error, got std::exception: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected an ein::Error, nothing was thrown";
  return "";
}

// The value testdata/gen_numpy_fixtures.py stores at C-order position k of every fixture array.
template <class T>
T fixture_value(Index k) {
  const auto x = static_cast<double>(k);
  if constexpr (std::is_same_v<T, bool>) {
    return k % 3 != 1;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(7 * k - 20);
  } else if constexpr (is_complex_v<T>) {
    using R = typename T::value_type;
    return T(static_cast<R>(x - 2), static_cast<R>(0.5 * x));
  } else {
    return static_cast<T>(x * 1.25 - 3);
  }
}

inline void expect_fixture_values(const Tensor& t, const std::string& what) {
  visit_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const std::vector<T> got = t.to_vector<T>();
    for (std::size_t k = 0; k < got.size(); ++k) {
      EXPECT_TRUE(got[k] == fixture_value<T>(static_cast<Index>(k))) << what << " element " << k;
    }
  });
}

}  // namespace ein::io::testing
