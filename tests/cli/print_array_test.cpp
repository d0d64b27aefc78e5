// format_array against strings printed by NumPy 2 (str(array)) for the same arrays.
#include "print_array.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ein::cli {
namespace {

Tensor f64(std::vector<double> v, Shape s) { return Tensor::from_vector<double>(v, std::move(s)); }

Tensor arange_f64(Index n) { return Tensor::arange(n, DType::Float64); }

TEST(FormatArray, Floats) {
  EXPECT_EQ(format_array(f64({1.0, 2.5, 3.0}, {3})), "[1.  2.5 3. ]");
  EXPECT_EQ(format_array(f64({1.5e-5, -1.0}, {2})), "[ 1.5e-05 -1.0e+00]");
  EXPECT_EQ(format_array(f64({1e10, 1.0}, {2})), "[1.e+10 1.e+00]");
  EXPECT_EQ(format_array(f64({-0.0, 0.0}, {2})), "[-0.  0.]");
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(format_array(f64({std::nan(""), 1.5, -inf}, {3})), "[ nan  1.5 -inf]");
  EXPECT_EQ(format_array(Tensor::from_vector<float>({0.1f, 0.25f, 1.0f / 3}, {3})),
            "[0.1        0.25       0.33333334]");
  // Extra digits in scientific notation are the value's own (float32 shortest is 5.363523e+08).
  EXPECT_EQ(format_array(Tensor::from_vector<float>({-5.3635229e+08f, 1.3333711e+09f}, {2})),
            "[-5.3635229e+08  1.3333711e+09]");
  // Scientific from 1e6 for float32 but from 1e8 for float64 (NumPy 2.3+).
  EXPECT_EQ(format_array(Tensor::from_vector<float>({5691619.0f, 1694151.5f}, {2})),
            "[5.6916190e+06 1.6941515e+06]");
  EXPECT_EQ(format_array(f64({5691619.0, 1694151.5}, {2})), "[5691619.  1694151.5]");
}

TEST(FormatArray, WrapsAt75Columns) {
  std::vector<double> v;
  for (int k = 0; k < 30; ++k) v.push_back(k * 0.123456789);
  EXPECT_EQ(format_array(f64(v, {2, 15})),
            "[[0.         0.12345679 0.24691358 0.37037037 0.49382716 0.61728394\n"
            "  0.74074073 0.86419752 0.98765431 1.1111111  1.23456789 1.35802468\n"
            "  1.48148147 1.60493826 1.72839505]\n"
            " [1.85185183 1.97530862 2.09876541 2.2222222  2.34567899 2.46913578\n"
            "  2.59259257 2.71604936 2.83950615 2.96296294 3.08641972 3.20987651\n"
            "  3.3333333  3.45679009 3.58024688]]");
  EXPECT_EQ(format_array(Tensor::arange(100)),
            "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n"
            " 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47\n"
            " 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71\n"
            " 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95\n"
            " 96 97 98 99]");
}

TEST(FormatArray, ComplexBoolAndIntegers) {
  EXPECT_EQ(format_array(Tensor::from_vector<complex128>({{1, 2}, {-3.25, -1}}, {2})),
            "[ 1.  +2.j -3.25-1.j]");
  EXPECT_EQ(format_array(Tensor::from_vector<complex128>({{1e-5, 1}, {2, 0}}, {2})),
            "[1.e-05+1.j 2.e+00+0.j]");
  EXPECT_EQ(format_array(Tensor::from_vector<bool>({true, false, false, true}, {2, 2})),
            "[[ True False]\n [False  True]]");
  EXPECT_EQ(format_array(Tensor::from_vector<std::int64_t>({-100, 5, 20}, {3})),
            "[-100    5   20]");
  std::vector<std::int32_t> v;
  for (int k = 0; k < 24; ++k) v.push_back(k - 5);
  EXPECT_EQ(format_array(Tensor::from_vector<std::int32_t>(v, {2, 3, 4})),
            "[[[-5 -4 -3 -2]\n  [-1  0  1  2]\n  [ 3  4  5  6]]\n\n"
            " [[ 7  8  9 10]\n  [11 12 13 14]\n  [15 16 17 18]]]");
}

TEST(FormatArray, SummarisesLargeArrays) {
  EXPECT_EQ(format_array(arange_f64(2000).reshape({40, 50})),
            "[[0.000e+00 1.000e+00 2.000e+00 ... 4.700e+01 4.800e+01 4.900e+01]\n"
            " [5.000e+01 5.100e+01 5.200e+01 ... 9.700e+01 9.800e+01 9.900e+01]\n"
            " [1.000e+02 1.010e+02 1.020e+02 ... 1.470e+02 1.480e+02 1.490e+02]\n"
            " ...\n"
            " [1.850e+03 1.851e+03 1.852e+03 ... 1.897e+03 1.898e+03 1.899e+03]\n"
            " [1.900e+03 1.901e+03 1.902e+03 ... 1.947e+03 1.948e+03 1.949e+03]\n"
            " [1.950e+03 1.951e+03 1.952e+03 ... 1.997e+03 1.998e+03 1.999e+03]]");
  EXPECT_EQ(format_array(Tensor::arange(3000).reshape({3, 1000})),
            "[[   0    1    2 ...  997  998  999]\n"
            " [1000 1001 1002 ... 1997 1998 1999]\n"
            " [2000 2001 2002 ... 2997 2998 2999]]");
}

TEST(FormatArray, ScalarsAndEmpty) {
  EXPECT_EQ(format_array(Tensor::scalar<double>(1.5)), "1.5");
  EXPECT_EQ(format_array(Tensor::scalar<double>(1.0)), "1.0");
  EXPECT_EQ(format_array(Tensor::scalar<double>(1e20)), "1e+20");
  EXPECT_EQ(format_array(Tensor::scalar<double>(1e-5)), "1e-05");
  EXPECT_EQ(format_array(Tensor::scalar<float>(0.1f)), "0.1");
  EXPECT_EQ(format_array(Tensor::scalar<std::int64_t>(32)), "32");
  EXPECT_EQ(format_array(Tensor::scalar<bool>(true)), "True");
  EXPECT_EQ(format_array(Tensor::scalar<complex128>({1, 2})), "(1+2j)");
  EXPECT_EQ(format_array(Tensor::scalar<complex128>({2.5, 0})), "(2.5+0j)");
  EXPECT_EQ(format_array(Tensor::zeros(DType::Float64, {2, 0, 3})), "[]");
}

TEST(FormatArray, StridedViewsPrintInLogicalOrder) {
  const Tensor a = Tensor::arange(6).reshape({2, 3});
  EXPECT_EQ(format_array(a.transpose()), "[[0 3]\n [1 4]\n [2 5]]");
}

}  // namespace
}  // namespace ein::cli
