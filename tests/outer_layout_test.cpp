// Outer products whose free labels interleave in the output (outer3's last step ik,j->ijk):
// the lowering writes them in place as batched outer products (a free group that does not fold
// in the output becomes batch dims with stride 0 in the other operand) instead of computing into
// a workspace and permuting. Compared with the loop-nest reference on random labels, dtypes,
// operand layouts and output layouts (products of 3 operands round by association order).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "ein/ein.hpp"
#include "support/compare.hpp"
#include "support/random_tensor.hpp"
#include "support/reference_einsum.hpp"

namespace ein {
namespace {

// A random outer product of 2-3 operands over 2-5 distinct labels, output in a random order,
// sometimes with a batch label shared by every operand (still nothing summed).
struct OuterCase {
  std::string subscripts;
  std::vector<Shape> shapes;
};

OuterCase random_outer(test::Rng& rng) {
  const int labels = static_cast<int>(test::uniform_int(rng, 2, 5));
  const int operands = static_cast<int>(test::uniform_int(rng, 2, std::min(3, labels)));
  std::string all;
  for (int l = 0; l < labels; ++l) all.push_back(static_cast<char>('a' + l));
  std::shuffle(all.begin(), all.end(), rng);
  // Split the labels into one non-empty term per operand.
  std::vector<std::string> terms(static_cast<std::size_t>(operands));
  for (int l = 0; l < labels; ++l) {
    const auto t =
        static_cast<std::size_t>(l < operands ? l : test::uniform_int(rng, 0, operands - 1));
    terms[t].push_back(all[static_cast<std::size_t>(l)]);
  }
  const bool batch = test::chance(rng, 0.3);
  OuterCase c;
  std::vector<Index> extent(26);
  for (auto& e : extent) e = test::uniform_int(rng, 1, 7);
  std::string output = all;
  std::shuffle(output.begin(), output.end(), rng);
  if (batch) output.insert(output.begin() + test::uniform_int(rng, 0, labels), 'z');
  extent[25] = test::uniform_int(rng, 2, 4);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    if (batch) terms[t].push_back('z');
    Shape s;
    for (char ch : terms[t]) s.push_back(extent[static_cast<std::size_t>(ch - 'a')]);
    c.shapes.push_back(s);
    c.subscripts += (t ? "," : "") + terms[t];
  }
  c.subscripts += "->" + output;
  return c;
}

TEST(OuterLayout, InterleavedOuterProductsMatchReference) {
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    test::Rng rng = test::make_rng(seed);
    const OuterCase c = random_outer(rng);
    const DType dtypes[] = {DType::Float32, DType::Float64, DType::Int64, DType::Complex64,
                            DType::Bool};
    const DType dtype = dtypes[seed % 5];
    std::vector<Tensor> held;
    std::vector<TensorView> views;
    for (const Shape& s : c.shapes) {
      held.push_back(test::random_view(dtype, s, rng));
      views.emplace_back(held.back());
    }
    const Tensor expected = test::reference_einsum(c.subscripts, views);
    SCOPED_TRACE("seed " + std::to_string(seed) + ": " + c.subscripts + " " +
                 std::string(dtype_name(dtype)) +
                 " (rerun: ein_e2e_tests --gtest_filter=OuterLayout.*)");
    EXPECT_TRUE(test::tensors_close(einsum(c.subscripts, views), expected, 4));
    // Into an odd-strided out (steps, reversed and permuted axes).
    Tensor out = test::odd_strided_copy(expected, rng);
    einsum_into(c.subscripts, views, out);
    EXPECT_TRUE(test::tensors_close(out, expected, 4));
  }
}

TEST(OuterLayout, StridedOperandsBigEnoughForTheCopyRule) {
  // Found by fuzz_path: both free groups interleave in the output (split into batch dims), the
  // operands' strides are not BLAS's and the work passes the copy rule's threshold, and the
  // lowering once tried to copy A into a BLAS layout along B's label. Nothing summed: no
  // copies, any strides.
  test::Rng rng = test::make_rng(17);
  test::LayoutOptions strided;
  strided.max_step = 3;
  strided.p_permute = 1.0;  // no unit strides where BLAS wants them
  const std::vector<std::pair<const char*, std::vector<Shape>>> cases = {
      {"ai,bk->abik", {{8, 16}, {16, 16}}},
      {"ai,bk->kiba", {{8, 32}, {16, 16}}},
      {"...ai,...bk->...abik", {{2, 8, 16}, {2, 16, 16}}},
  };
  for (const auto& [subscripts, shapes] : cases) {
    std::vector<Tensor> held;
    std::vector<TensorView> views;
    for (const Shape& s : shapes) {
      held.push_back(test::random_view(DType::Float64, s, rng, strided));
      views.emplace_back(held.back());
    }
    SCOPED_TRACE(subscripts);
    EXPECT_TRUE(test::tensors_close(einsum(subscripts, views),
                                    test::reference_einsum(subscripts, views), 4));
    std::vector<OperandSpec> specs;
    for (const auto& v : views) specs.push_back(OperandSpec::of(v));
    EXPECT_NO_THROW((void)einsum_path(subscripts, specs));
  }
}

TEST(OuterLayout, ExtentsBeyondBlasIntPlanWithoutCopyingAlongMissingLabels) {
  // fuzz_path's find (fuzz/corpus/path/regression_outer_split): B's '...' labels interleave
  // with A's in the output, and A's extent does not fit BLAS's int, so the copy rule fired and
  // tried to copy A along B's labels (UBSan: index -1). Planning only: no memory behind it.
  const std::vector<OperandSpec> specs{
      OperandSpec{DType::Complex64, {Index{42949672962}, 8}, {8, 1}},
      OperandSpec{DType::Bool, {2, 4, 2, 5}, {40, 10, 5, 1}}};
  try {
    const PathInfo info = einsum_path("...im,...jk->...ik", specs);
    EXPECT_EQ(info.path.size(), 1U);
  } catch (const Error& e) {
    // A clean refusal (the result's byte count overflows) is fine too.
    EXPECT_TRUE(e.code() == ErrorCode::Overflow || e.code() == ErrorCode::MemoryLimit) << e.what();
  }
}

TEST(OuterLayout, ThreeWayOuterWritesTheOutputInPlace) {
  // outer3 of the benchmark suite, big enough for threads: no workspace, one batched step.
  const Tensor a = test::random_tensor(DType::Float32, {64}, 1);
  const Tensor b = test::random_tensor(DType::Float32, {48}, 2);
  const Tensor c = test::random_tensor(DType::Float32, {80}, 3);
  const std::vector<TensorView> views{a, b, c};
  std::vector<OperandSpec> specs;
  for (const auto& v : views) specs.push_back(OperandSpec::of(v));
  const Expression e = Expression::compile("i,j,k->ijk", specs);
  EXPECT_LE(e.workspace_bytes(), std::size_t{64 * 80 * 4});  // the first pair only
  EXPECT_TRUE(test::tensors_close(e(views), test::reference_einsum("i,j,k->ijk", views), 4));
}

}  // namespace
}  // namespace ein
