// Plan files: round trips give the same plans and answers; damaged or hostile bytes give
// ein::Error(IoError), never a crash or a different plan.
#include "ein/plan_file.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ein/ein.hpp"
#include "support/compare.hpp"
#include "support/random_einsum.hpp"

namespace ein {
namespace {

using test::specs_of;

TEST(PlanFile, RoundTripsTheCorpus) {
  for (std::uint64_t seed : test::corpus_seeds(1, 300)) {
    const test::EinsumCase c = test::random_einsum_case(seed);
    const std::vector<TensorView> views = c.views();
    EinsumOptions options;
    options.optimize = seed % 2 ? "optimal" : "greedy";
    const Expression e = Expression::compile(c.subscripts, specs_of(views), options);
    const std::vector<std::byte> bytes = e.serialize();
    const Expression back = Expression::deserialize(bytes);
    EXPECT_EQ(back.options().optimize, options.optimize);
    EXPECT_TRUE(back.options().path.empty());  // the caller gave none; the search is skipped
    EXPECT_EQ(back.output_shape(), e.output_shape()) << c.describe();
    EXPECT_EQ(back.output_dtype(), e.output_dtype()) << c.describe();
    EXPECT_EQ(back.info().equation, e.info().equation) << c.describe();
    EXPECT_EQ(back.workspace_bytes(), e.workspace_bytes()) << c.describe();
    // Same steps, so bit-identical results.
    EXPECT_TRUE(test::tensors_equal(back(views), e(views))) << c.describe();
    // Serializing the loaded plan gives the same bytes.
    EXPECT_EQ(back.serialize(), bytes) << c.describe();
  }
}

TEST(PlanFile, SavesAndLoadsFilesWithOptionsAndSlicing) {
  const Tensor a = Tensor::arange(48 * 40 * 64, DType::Float64).reshape({48, 40, 64});
  const Tensor b = Tensor::arange(40 * 48 * 56, DType::Float32).reshape({40, 48, 56});
  const std::vector<TensorView> views{a, b};
  EinsumOptions limited;
  limited.memory_limit = 256 << 10;
  EinsumOptions typed;
  typed.dtype = DType::Complex128;
  typed.gemm_route = GemmRoute::PermuteThenGemm;
  typed.threads = 1;
  typed.conj = {true, false};
  EinsumOptions tropical;
  tropical.semiring = Semiring::MaxPlus;
  tropical.dtype = DType::Float64;
  const std::vector<Expression> plans{
      Expression::compile("ijk,jil->kl", specs_of(views), limited),
      Expression::compile("ijk,jil->lk", specs_of(views), typed),
      Expression::compile("ijk->kj", specs_of({&views[0], 1})),
      Expression::compile("ijk,jil->kl", specs_of(views), tropical),
  };
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ein_plans_" + std::to_string(::getpid())))
          .string();
  save_plans(path, plans);
  std::vector<Expression> loaded;
  for (SavedPlan& p : load_plans(path)) loaded.push_back(std::move(p.expression));
  std::filesystem::remove(path);
  ASSERT_EQ(loaded.size(), plans.size());
  EXPECT_FALSE(loaded[0].info().slices.empty());
  EXPECT_EQ(loaded[0].workspace_bytes(), plans[0].workspace_bytes());
  EXPECT_EQ(loaded[1].output_dtype(), DType::Complex128);
  EXPECT_EQ(loaded[1].options().conj, (std::vector<bool>{true, false}));
  EXPECT_TRUE(test::tensors_equal(loaded[0](views), plans[0](views)));
  EXPECT_TRUE(test::tensors_equal(loaded[1](views), plans[1](views)));
  EXPECT_TRUE(test::tensors_equal(loaded[2]({&views[0], 1}), plans[2]({&views[0], 1})));
  EXPECT_EQ(loaded[3].options().semiring, Semiring::MaxPlus);
  EXPECT_TRUE(test::tensors_equal(loaded[3](views), plans[3](views)));
  EXPECT_THROW(load_plans(path), Error);  // gone
}

void expect_io_error(std::span<const std::byte> bytes, const std::string& what) {
  try {
    (void)Expression::deserialize(bytes);
    ADD_FAILURE() << "accepted: " << what;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::IoError) << what << ": " << e.what();
  }
}

std::vector<std::byte> sample_record() {
  const Tensor a = Tensor::zeros(DType::Float32, {3, 4});
  const Tensor b = Tensor::zeros(DType::Float32, {4, 5});
  const std::vector<TensorView> views{a, b};
  return Expression::compile("ij,jk->ik", specs_of(views)).serialize();
}

TEST(PlanFile, EveryTruncationAndEveryByteFlipIsAnError) {
  const std::vector<std::byte> record = sample_record();
  for (std::size_t n = 0; n < record.size(); ++n) {
    expect_io_error(std::span(record).first(n), "truncated to " + std::to_string(n));
  }
  for (std::size_t i = 0; i < record.size(); ++i) {
    std::vector<std::byte> damaged = record;
    damaged[i] ^= std::byte{0xFF};
    expect_io_error(damaged, "byte " + std::to_string(i) + " flipped");
  }
  std::vector<std::byte> longer = record;
  longer.push_back(std::byte{0});
  expect_io_error(longer, "a stray byte");
}

// Payloads with a valid checksum but hostile contents: the record layout is rebuilt here by
// hand (a second, independent spelling of the format).
class Payload {
 public:
  template <class T>
  Payload& put(T v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof v);
    return *this;
  }
  Payload& str(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    for (char c : s) put(c);
    return *this;
  }
  Payload& operand(DType dt, std::vector<std::int64_t> shape, std::vector<std::int64_t> strides) {
    put(static_cast<std::uint8_t>(dt)).put(static_cast<std::uint32_t>(shape.size()));
    for (auto e : shape) put(e);
    for (auto s : strides) put(s);
    return *this;
  }
  // Options with the default finder, no caller path and `path` as the executed one.
  Payload& options(std::vector<std::pair<int, int>> path, const std::string& finder = "auto") {
    put(std::uint8_t{0}).put(std::uint8_t{0}).put(std::uint8_t{0}).put(std::int64_t{0});
    put(std::uint8_t{0}).put(std::int32_t{0});
    put(std::uint8_t{0}).put(std::uint8_t{0}).put(std::uint8_t{0}).put(std::uint32_t{0});
    str(finder).put(std::uint32_t{0});
    put(static_cast<std::uint32_t>(path.size()));
    for (auto [i, j] : path) put(std::int32_t{i}).put(std::int32_t{j});
    return *this;
  }
  [[nodiscard]] std::vector<std::byte> record() const {
    Payload r;
    for (char c : {'E', 'I', 'N', 'X'}) r.put(c);
    r.put(std::uint32_t{1}).put(static_cast<std::uint32_t>(bytes.size()));
    r.bytes.insert(r.bytes.end(), bytes.begin(), bytes.end());
    uLong crc = crc32_z(0, Z_NULL, 0);
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
    r.put(static_cast<std::uint32_t>(crc));
    return r.bytes;
  }
  std::vector<std::byte> bytes;
};

TEST(PlanFile, HostileContentsWithValidChecksums) {
  // The hand-made layout is right: a sane payload loads.
  const auto good = Payload()
                        .str("ij,jk->ik")
                        .put(std::uint32_t{2})
                        .operand(DType::Float64, {3, 4}, {4, 1})
                        .operand(DType::Float64, {4, 5}, {5, 1})
                        .options({{0, 1}})
                        .record();
  EXPECT_EQ(Expression::deserialize(good).output_shape(), (Shape{3, 5}));

  auto two = [](const std::string& eq, std::vector<std::int64_t> s0, std::vector<std::int64_t> st0,
                std::vector<std::pair<int, int>> path) {
    return Payload()
        .str(eq)
        .put(std::uint32_t{2})
        .operand(DType::Float64, std::move(s0), std::move(st0))
        .operand(DType::Float64, {4, 5}, {5, 1})
        .options(std::move(path))
        .record();
  };
  expect_io_error(two("ij,jk->iQ", {3, 4}, {4, 1}, {{0, 1}}), "output label in no input");
  expect_io_error(Payload()
                      .str("ij,jk->ik")
                      .put(std::uint32_t{2})
                      .operand(DType::Float64, {3, 4}, {4, 1})
                      .operand(DType::Float64, {4, 5}, {5, 1})
                      .options({{0, 1}}, "no-such-finder")
                      .record(),
                  "unknown path finder");
  expect_io_error(two("ij,jk->ik", {3, 7}, {7, 1}, {{0, 1}}), "extents disagree");
  expect_io_error(two("ij,jk->ik", {3, 4}, {4, 1}, {{0, 5}}), "path names a missing operand");
  expect_io_error(two("ij,jk->ik", {3, 4}, {std::int64_t{1} << 62, 1}, {{0, 1}}),
                  "stride overflows the byte span");
  expect_io_error(two("ij,jk->ik", {-3, 4}, {4, 1}, {{0, 1}}), "negative extent");
  expect_io_error(Payload()
                      .str("ij")
                      .put(std::uint32_t{1})
                      .operand(DType::Float64, {}, {})
                      .options({})
                      .record(),
                  "rank disagrees with the term");
  expect_io_error(Payload().str("i").put(std::uint32_t{1}).put(std::uint8_t{99}).record(),
                  "unknown dtype code");
  expect_io_error(Payload()
                      .str("i")
                      .put(std::uint32_t{1})
                      .put(std::uint8_t{0})
                      .put(std::uint32_t{1000})
                      .record(),
                  "rank above 64");
  expect_io_error(Payload().str("i").put(std::uint32_t{0}).record(), "no operands");
  expect_io_error(Payload().put(std::uint32_t{0xFFFFFFFF}).record(), "a 4 GiB equation");
  auto bad_flag = Payload().str("i").put(std::uint32_t{1}).operand(DType::Float64, {3}, {1});
  bad_flag.put(std::uint8_t{7});
  expect_io_error(bad_flag.record(), "a flag that is not 0 or 1");

  // File level: wrong magic, version, counts.
  const Tensor a = Tensor::zeros(DType::Float64, {2, 2});
  const std::vector<TensorView> views{a};
  std::vector<std::byte> file = plans_to_bytes(
      std::vector<SavedPlan>{{"ij -> j", Expression::compile("ij->j", specs_of(views))}});
  ASSERT_EQ(plans_from_bytes(file).size(), 1U);
  EXPECT_EQ(plans_from_bytes(file)[0].tag, "ij -> j");
  for (std::size_t n = 0; n < file.size(); ++n) {
    EXPECT_THROW((void)plans_from_bytes(std::span(file).first(n)), Error) << n;
  }
  std::vector<std::byte> wrong_version = file;
  wrong_version[8] = std::byte{9};
  EXPECT_THROW((void)plans_from_bytes(wrong_version), Error);
  std::vector<std::byte> huge_count = file;
  std::memset(&huge_count[12], 0xFF, 4);
  std::vector<std::byte> huge_tag = file;
  std::memset(&huge_tag[16], 0xFF, 4);
  EXPECT_THROW((void)plans_from_bytes(huge_tag), Error);
  EXPECT_THROW((void)plans_from_bytes(huge_count), Error);
}

TEST(PlanFile, UncompiledExpressionCannotBeSaved) {
  EXPECT_THROW((void)Expression().serialize(), Error);
}

}  // namespace
}  // namespace ein
