// Writing then reading .npy: every dtype x order x byte order x format version, strided views,
// files and streams, and the temp-file-then-rename guarantee of save_npy.
#include <gtest/gtest.h>

#include <sstream>

#include "ein/io/io_test_util.hpp"
#include "ein/npy.hpp"

namespace ein {
namespace {

using io::testing::error_message;
using io::testing::TempDir;

template <class T>
T sample(Index k) {
  const auto x = static_cast<double>(k);
  if constexpr (std::is_same_v<T, bool>) {
    return k % 3 != 1;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>((k * 7919) % 1000 - 500);
  } else if constexpr (is_complex_v<T>) {
    using R = typename T::value_type;
    return T(static_cast<R>(x * 0.5 - 1), static_cast<R>(-0.25 * x));
  } else {
    return static_cast<T>(x * 0.375 - 5);
  }
}

Tensor make(DType dtype, const Shape& shape) {
  return visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> v(static_cast<std::size_t>(checked_numel(shape)));
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = sample<T>(static_cast<Index>(k));
    return Tensor::from_vector<T>(v, shape);
  });
}

// Values of a view in C order, read element by element through its strides (the slow twin of
// the writer's gather).
template <class T>
std::vector<T> c_order_values(const TensorView& v) {
  std::vector<T> out;
  std::vector<Index> idx(v.rank(), 0);
  for (Index n = 0; n < v.numel(); ++n) {
    out.push_back(*static_cast<const T*>(v.element_ptr(idx)));
    for (int a = v.rank() - 1; a >= 0; --a) {
      if (++idx[a] < v.shape()[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

void expect_same_values(const Tensor& got, const TensorView& want) {
  ASSERT_EQ(got.dtype(), want.dtype());
  ASSERT_EQ(got.shape(), want.shape());
  visit_dtype(want.dtype(), [&](auto tag) {
    using T = decltype(tag);
    EXPECT_TRUE(got.to_vector<T>() == c_order_values<T>(want));
  });
}

std::string descr_in(const std::vector<std::byte>& file) {
  const std::string s(reinterpret_cast<const char*>(file.data()),
                      std::min<std::size_t>(128, file.size()));
  const auto at = s.find("'descr': '");
  return s.substr(at + 10, s.find('\'', at + 10) - at - 10);
}

TEST(NpyRoundTrip, EveryDtypeOrderByteOrderAndVersion) {
  const Shape shape{2, 3, 4};
  for (DType dtype : kAllDTypes) {
    const Tensor t = make(dtype, shape);
    for (NpyOrder order : {NpyOrder::C, NpyOrder::Fortran}) {
      for (ByteOrder bo : {ByteOrder::Little, ByteOrder::Big, ByteOrder::Native}) {
        for (int version : {1, 2, 3}) {
          SCOPED_TRACE(std::string(dtype_name(dtype)) + (order == NpyOrder::C ? " C" : " F") +
                       " byte order " + std::to_string(static_cast<int>(bo)) + " version " +
                       std::to_string(version));
          const std::vector<std::byte> file = write_npy(t, {bo, order, version});
          EXPECT_EQ(std::to_integer<int>(file[6]), version);
          const std::string descr = descr_in(file);
          if (dtype == DType::Bool) {
            EXPECT_EQ(descr, "|b1");
          } else if (bo != ByteOrder::Native) {
            EXPECT_EQ(descr[0], bo == ByteOrder::Big ? '>' : '<');
          }
          const Tensor back = read_npy(file, "rt.npy");
          expect_same_values(back, t);
          if (order == NpyOrder::Fortran) {
            EXPECT_EQ(back.strides(), (Strides{1, 2, 6}));
          } else {
            EXPECT_TRUE(back.is_contiguous());
          }
          // Writing what was read reproduces the same file (order and byte order preserved).
          EXPECT_EQ(write_npy(back, {bo, NpyOrder::Auto, version}), file);
        }
      }
    }
  }
}

TEST(NpyRoundTrip, ThroughFilesForEveryDtype) {
  TempDir dir;
  for (DType dtype : kAllDTypes) {
    const Tensor t = make(dtype, {5, 7});
    const auto path = dir / (std::string(dtype_name(dtype)) + ".npy");
    save_npy(path, t);
    expect_same_values(load_npy(path), t);
    const NpyInfo info = read_npy_info(path);
    EXPECT_EQ(info.dtype, dtype);
    EXPECT_EQ(info.shape, (Shape{5, 7}));
    EXPECT_EQ(info.data_offset % 64, 0u);
    EXPECT_EQ(std::filesystem::file_size(path), info.data_offset + 35 * itemsize(dtype));
  }
  // No temporaries are left behind.
  EXPECT_EQ(dir.listing().size(), static_cast<std::size_t>(kNumDTypes));
}

TEST(NpyRoundTrip, StridedViewsAreWrittenInCOrder) {
  const Tensor base = make(DType::Float64, {4, 6});
  auto* p = static_cast<double*>(base.data());
  const TensorView views[] = {
      base.transpose(),                                      // Fortran layout
      TensorView(p + 18, DType::Float64, {3, 4}, {-6, 1}),   // reversed rows
      TensorView(p + 23, DType::Float64, {4, 3}, {-6, -2}),  // both reversed
      TensorView(p + 1, DType::Float64, {2, 3}, {12, 2}),    // stepped
      TensorView(p, DType::Float64, {3, 6}, {0, 1}),         // broadcast
      TensorView(p + 5, DType::Float64, {}, {}),             // 0-d
      TensorView(p + 2, DType::Float64, {5}, {5}),           // 1-d strided
  };
  for (const TensorView& v : views) {
    SCOPED_TRACE(shape_to_string(v.shape()) + " strides " + shape_to_string(v.strides()));
    for (ByteOrder bo : {ByteOrder::Little, ByteOrder::Big}) {
      expect_same_values(read_npy(write_npy(v, {.byte_order = bo})), v);
    }
  }
}

TEST(NpyRoundTrip, FortranContiguousViewsKeepTheirLayout) {
  const Tensor f = make(DType::Int32, {3, 4, 5}).copy().transpose();  // strides (1, 5, 20)
  const std::vector<std::byte> file = write_npy(f);
  const std::string header(reinterpret_cast<const char*>(file.data()), 128);
  EXPECT_NE(header.find("'fortran_order': True"), std::string::npos);
  EXPECT_NE(header.find("'shape': (5, 4, 3)"), std::string::npos);
  const Tensor back = read_npy(file);
  EXPECT_EQ(back.strides(), f.strides());
  expect_same_values(back, f);
  // NpyOrder::C forces row-major.
  const std::vector<std::byte> c = write_npy(f, {.order = NpyOrder::C});
  EXPECT_NE(std::string(reinterpret_cast<const char*>(c.data()), 128).find("False"),
            std::string::npos);
  expect_same_values(read_npy(c), f);
}

TEST(NpyRoundTrip, EmptyAndLargeArrays) {
  for (const Shape& s : {Shape{0}, Shape{2, 0, 3}, Shape{0, 0}}) {
    const Tensor e = Tensor::zeros(DType::Complex64, s);
    const Tensor back = read_npy(write_npy(e, {.byte_order = ByteOrder::Big}));
    EXPECT_EQ(back.shape(), s);
    EXPECT_EQ(back.dtype(), DType::Complex64);
  }
  // Large enough to cross the writer's 64 KiB chunks, with a byte swap on the way.
  const Tensor big = make(DType::Complex128, {100003});
  expect_same_values(read_npy(write_npy(big, {.byte_order = ByteOrder::Big})), big);
  expect_same_values(read_npy(write_npy(big.slice(0, 100002, 0, -3))), big.slice(0, 100002, 0, -3));
}

TEST(NpyStream, MatchesTheByteVectorAndReportsFailures) {
  const Tensor t = make(DType::Float32, {3, 3});
  std::ostringstream os;
  write_npy(os, t);
  const std::string s = os.str();
  const std::vector<std::byte> v = write_npy(t);
  ASSERT_EQ(s.size(), v.size());
  EXPECT_EQ(std::memcmp(s.data(), v.data(), v.size()), 0);

  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  EXPECT_NE(error_message([&] { write_npy(broken, t); }).find("stream failed"), std::string::npos);
}

TEST(NpySave, ReplacesAtomicallyAndCleansUpOnError) {
  TempDir dir;
  const auto path = dir / "a.npy";
  save_npy(path, make(DType::Int64, {2}));
  save_npy(path, make(DType::Int64, {3}));  // replace
  EXPECT_EQ(load_npy(path).shape(), (Shape{3}));
  // A failure while writing leaves the old file untouched and no temporary behind.
  error_message([&] { save_npy(path, make(DType::Int64, {9}), {.version = 9}); },
                ErrorCode::InvalidArgument);
  EXPECT_EQ(load_npy(path).shape(), (Shape{3}));
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"a.npy"}));
}

TEST(NpySave, BadDestinationsAreIoErrors) {
  TempDir dir;
  const Tensor t = make(DType::Float64, {2});
  std::string msg = error_message([&] { save_npy(dir / "missing" / "x.npy", t); });
  EXPECT_NE(msg.find("x.npy: cannot create a file in"), std::string::npos) << msg;
  msg = error_message([&] { save_npy(dir.path(), t); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;
  EXPECT_TRUE(dir.listing().empty());
}

}  // namespace
}  // namespace ein
