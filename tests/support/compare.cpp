#include "support/compare.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <complex>
#include <sstream>
#include <string>
#include <vector>

namespace ein::test {

namespace {

constexpr int kMaxReported = 5;

// "[1, 0, 2]": the C-order multi-index of flat element i.
std::string index_string(const Shape& shape, Index i) {
  std::vector<Index> idx(shape.size(), 0);
  for (std::size_t a = shape.size(); a-- > 0;) {
    idx[a] = i % shape[a];
    i /= shape[a];
  }
  std::string s = "[";
  for (std::size_t a = 0; a < idx.size(); ++a) s += (a ? ", " : "") + std::to_string(idx[a]);
  return s + "]";
}

std::string value_string(complex128 v, bool is_complex) {
  std::ostringstream os;
  os.precision(17);
  if (is_complex) {
    os << '(' << v.real() << (std::signbit(v.imag()) ? "" : "+") << v.imag() << "j)";
  } else {
    os << v.real();
  }
  return os.str();
}

// One real or imaginary part against the tolerance.
bool part_close(double a, double e, double tol) {
  if (std::isnan(e)) return std::isnan(a);
  if (std::isinf(e)) return a == e;
  if (std::isnan(a) || std::isinf(a)) return false;
  return std::fabs(a - e) <= tol;
}

::testing::AssertionResult compare(const Tensor& actual, const Tensor& expected,
                                   Index summation_length, double scale, bool exact) {
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure()
           << "shape " << shape_to_string(actual.shape()) << " differs from expected "
           << shape_to_string(expected.shape());
  }
  if (actual.dtype() != expected.dtype()) {
    return ::testing::AssertionFailure()
           << "dtype " << dtype_name(actual.dtype()) << " differs from expected "
           << dtype_name(expected.dtype());
  }
  const DType dtype = expected.dtype();
  const bool cplx = is_complex(dtype);
  std::ostringstream report;
  Index mismatches = 0;
  if (!is_inexact(dtype)) {
    const std::vector<std::int64_t> a = actual.to_vector<std::int64_t>();
    const std::vector<std::int64_t> e = expected.to_vector<std::int64_t>();
    for (std::size_t i = 0; i < e.size(); ++i) {
      if (a[i] == e[i]) continue;
      if (mismatches++ < kMaxReported) {
        report << "\n  at " << index_string(expected.shape(), static_cast<Index>(i)) << ": " << a[i]
               << " vs expected " << e[i];
      }
    }
  } else {
    const double factor = exact ? 0.0
                                : kTolerance * dtype_epsilon(dtype) *
                                      static_cast<double>(std::max<Index>(1, summation_length));
    const std::vector<complex128> a = actual.to_vector<complex128>();
    const std::vector<complex128> e = expected.to_vector<complex128>();
    for (std::size_t i = 0; i < e.size(); ++i) {
      const double magnitude = std::isfinite(std::abs(e[i])) ? std::abs(e[i]) : 0.0;
      const double tol = factor * std::max(magnitude, scale);
      if (part_close(a[i].real(), e[i].real(), tol) && part_close(a[i].imag(), e[i].imag(), tol)) {
        continue;
      }
      if (mismatches++ < kMaxReported) {
        report << "\n  at " << index_string(expected.shape(), static_cast<Index>(i)) << ": "
               << value_string(a[i], cplx) << " vs expected " << value_string(e[i], cplx)
               << " (|diff| " << std::abs(a[i] - e[i]) << ", tolerance " << tol << ")";
      }
    }
  }
  if (mismatches == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << mismatches << " of " << expected.numel() << " " << dtype_name(dtype)
         << " elements differ (summation length " << summation_length << ")" << report.str()
         << (mismatches > kMaxReported ? "\n  ..." : "");
}

}  // namespace

double dtype_epsilon(DType dtype) {
  switch (real_dtype(dtype)) {
    case DType::Float32:
      return FLT_EPSILON;
    case DType::Float64:
      return DBL_EPSILON;
    default:
      return 0.0;
  }
}

::testing::AssertionResult tensors_close(const Tensor& actual, const Tensor& expected,
                                         Index summation_length, double scale) {
  return compare(actual, expected, summation_length, scale, false);
}

::testing::AssertionResult tensors_equal(const Tensor& actual, const Tensor& expected) {
  return compare(actual, expected, 0, 0.0, true);
}

}  // namespace ein::test
