// Files written by NumPy itself (embedded by testdata/gen_numpy_fixtures.py): ein must load every
// one with the right values, and writing them back must reproduce NumPy's bytes exactly.
#include "ein/io/testdata/numpy_fixtures.hpp"

#include <gtest/gtest.h>

#include "ein/io/io_test_util.hpp"
#include "ein/npy.hpp"

namespace ein::io {
namespace {

using testing::to_bytes;

Strides fortran_strides(const Shape& shape) {
  Strides s(shape.size());
  Index acc = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

TEST(NumpyFixtures, EveryDtypeOrderAndByteOrderLoads) {
  for (const auto& f : fixtures::kGrid) {
    SCOPED_TRACE(f.name);
    const Tensor t = read_npy(to_bytes(f.bytes), f.name);
    EXPECT_EQ(t.dtype(), f.dtype);
    EXPECT_EQ(t.shape(), (Shape{2, 3}));
    // Fortran files load as a view with Fortran strides, without a copy.
    EXPECT_EQ(t.strides(), f.fortran_order ? (Strides{1, 2}) : (Strides{3, 1}));
    testing::expect_fixture_values(t, f.name);
  }
}

TEST(NumpyFixtures, WritingBackReproducesNumPysBytes) {
  for (const auto& f : fixtures::kGrid) {
    SCOPED_TRACE(f.name);
    const Tensor t = read_npy(to_bytes(f.bytes), f.name);
    NpyWriteOptions opt;
    opt.byte_order = f.byte_order;
    EXPECT_EQ(write_npy(t, opt), to_bytes(f.bytes));
  }
}

TEST(NumpyFixtures, FormatVersions2And3) {
  const Tensor v2 = read_npy(to_bytes(fixtures::kFloat64V2), "v2.npy");
  EXPECT_EQ(v2.shape(), (Shape{4}));
  testing::expect_fixture_values(v2, "v2");
  EXPECT_EQ(write_npy(v2, {.version = 2}), to_bytes(fixtures::kFloat64V2));

  const Tensor v3 = read_npy(to_bytes(fixtures::kInt32V3), "v3.npy");
  EXPECT_EQ(v3.dtype(), DType::Int32);
  EXPECT_EQ(v3.shape(), (Shape{2, 2}));
  testing::expect_fixture_values(v3, "v3");
  EXPECT_EQ(write_npy(v3, {.version = 3}), to_bytes(fixtures::kInt32V3));
}

TEST(NumpyFixtures, ScalarEmptyAndRank3Fortran) {
  const Tensor s = read_npy(to_bytes(fixtures::kFloat64Scalar), "s.npy");
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.item<double>(), -3.0);
  EXPECT_EQ(write_npy(s), to_bytes(fixtures::kFloat64Scalar));

  const Tensor e = read_npy(to_bytes(fixtures::kFloat32Empty), "e.npy");
  EXPECT_EQ(e.dtype(), DType::Float32);
  EXPECT_EQ(e.shape(), (Shape{0, 3}));
  EXPECT_EQ(write_npy(e), to_bytes(fixtures::kFloat32Empty));

  const Tensor f = read_npy(to_bytes(fixtures::kInt64Rank3F), "f.npy");
  EXPECT_EQ(f.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(f.strides(), fortran_strides(f.shape()));
  testing::expect_fixture_values(f, "rank-3 Fortran");
  EXPECT_EQ(f.at<std::int64_t>({1, 2, 3}), 7 * 23 - 20);
  EXPECT_EQ(write_npy(f), to_bytes(fixtures::kInt64Rank3F));
}

TEST(NumpyFixtures, BoolBytesOtherThanZeroOrOneLoadAsTrue) {
  const Tensor b = read_npy(to_bytes(fixtures::kBoolOddBytes), "b.npy");
  ASSERT_EQ(b.dtype(), DType::Bool);
  // The raw bytes must be normalised: a bool holding 2 or 255 is undefined behaviour.
  const auto* raw = static_cast<const unsigned char*>(b.data());
  EXPECT_EQ(std::vector<unsigned>(raw, raw + 4), (std::vector<unsigned>{0, 1, 1, 1}));
  EXPECT_EQ(b.to_vector<bool>(), (std::vector<bool>{false, true, true, true}));
}

}  // namespace
}  // namespace ein::io
