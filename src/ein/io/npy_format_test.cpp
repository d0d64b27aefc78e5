// The .npy header: strict dict parser, descr codes, preamble, and the header we write.
#include "ein/io/npy_format.hpp"

#include <gtest/gtest.h>

#include "ein/io/io_test_util.hpp"

namespace ein::io {
namespace {

using testing::error_message;

NpyHeaderDict parse(std::string_view text) { return parse_npy_header_dict(text, "t.npy"); }

TEST(NpyHeaderDict, ParsesWhatNumPyWrites) {
  const auto d = parse("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }    \n");
  EXPECT_EQ(d.descr, "<f8");
  EXPECT_FALSE(d.fortran_order);
  EXPECT_EQ(d.shape, (Shape{2, 3}));
}

TEST(NpyHeaderDict, AcceptsAnyKeyOrderQuotesAndSpacing) {
  const auto d = parse("{ \"shape\" :(7,) ,'fortran_order':True,\"descr\":\"|b1\"}\n");
  EXPECT_EQ(d.descr, "|b1");
  EXPECT_TRUE(d.fortran_order);
  EXPECT_EQ(d.shape, (Shape{7}));
}

TEST(NpyHeaderDict, ScalarEmptyAndPython2Longs) {
  EXPECT_EQ(parse("{'descr':'<i4','fortran_order':False,'shape':()}").shape, Shape{});
  EXPECT_EQ(parse("{'descr':'<i4','fortran_order':False,'shape':(0, 5L,)}").shape, (Shape{0, 5}));
  EXPECT_EQ(parse("{'descr':'<i4','fortran_order':False,'shape':(9223372036854775807,)}").shape,
            (Shape{INT64_MAX}));
}

TEST(NpyHeaderDict, RejectsMalformedDicts) {
  const char* bad[][2] = {
      {"", "expected '{'"},
      {"[]", "expected '{'"},
      {"{'descr': '<f8', 'fortran_order': False}", "no 'shape'"},
      {"{'shape': (1,), 'fortran_order': False}", "no 'descr'"},
      {"{'descr': '<f8', 'shape': (1,)}", "no 'fortran_order'"},
      {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}", "duplicate"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (), 'extra': 1}", "unexpected key"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (3)}", "must be written (n,)"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}", "negative extent"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
       "does not fit"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,)}", "expected ',' or ')'"},
      {"{'descr': '<f8', 'fortran_order': 0, 'shape': ()}", "True or False"},
      {"{'descr': '<f8', 'fortran_order': Falsy, 'shape': ()}", "True or False"},
      {"{'descr': '<f8', 'fortran_order': Falsey, 'shape': ()}", "expected ',' or '}'"},
      {"{'descr': '<f8, 'fortran_order': False, 'shape': ()}", "after the value of 'descr'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': ()", "expected ',' or '}'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': ()} x", "after the header dict"},
      {"{'descr': 'a\\'b', 'fortran_order': False, 'shape': ()}", "escape"},
      {"{'descr': '<f8\n', 'fortran_order': False, 'shape': ()}", "non-printable"},
      {"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}", "structured"},
      {"{'descr': '<f8' 'fortran_order': False, 'shape': ()}", "expected ',' or '}'"},
      {"{descr: '<f8'}", "quoted string"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (1,,)}", "integer extent"},
      {"{'descr': '<f8", "unterminated string"},
  };
  for (const auto& [text, expected] : bad) {
    const std::string msg = error_message([&] { parse(text); });
    EXPECT_NE(msg.find("t.npy: malformed .npy header"), std::string::npos) << text << "\n" << msg;
    EXPECT_NE(msg.find(expected), std::string::npos) << text << "\n" << msg;
  }
}

TEST(NpyHeaderDict, RejectsMoreThan64Axes) {
  std::string shape = "(";
  for (int i = 0; i < 65; ++i) shape += "1, ";
  shape += ")";
  const std::string text = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + "}";
  EXPECT_NE(error_message([&] { parse(text); }).find("more than 64 axes"), std::string::npos);
  // 64 is fine.
  std::string ok = "(";
  for (int i = 0; i < 64; ++i) ok += "1, ";
  ok += ")";
  EXPECT_EQ(parse("{'descr': '<f8', 'fortran_order': False, 'shape': " + ok + "}").shape.size(),
            64u);
}

TEST(NpyDescr, EveryEinDtypeInEveryByteOrder) {
  struct Case {
    const char* descr;
    DType dtype;
    ByteOrder order;
  };
  const Case cases[] = {
      {"|b1", DType::Bool, ByteOrder::Native},     {"?", DType::Bool, ByteOrder::Native},
      {"<i4", DType::Int32, ByteOrder::Little},    {">i4", DType::Int32, ByteOrder::Big},
      {"=i8", DType::Int64, ByteOrder::Native},    {"|i8", DType::Int64, ByteOrder::Native},
      {"<f4", DType::Float32, ByteOrder::Little},  {">f8", DType::Float64, ByteOrder::Big},
      {"f8", DType::Float64, ByteOrder::Native},   {"<c8", DType::Complex64, ByteOrder::Little},
      {">c16", DType::Complex128, ByteOrder::Big},
  };
  for (const Case& c : cases) {
    DType t{};
    ByteOrder o{};
    parse_npy_descr(c.descr, "t.npy", t, o);
    EXPECT_EQ(t, c.dtype) << c.descr;
    EXPECT_EQ(o, c.order) << c.descr;
  }
}

TEST(NpyDescr, UnsupportedDtypesSayWhy) {
  const char* bad[][2] = {
      {"|O", "object arrays"},      {"<U5", "string arrays"},     {"|S3", "string arrays"},
      {"|V8", "structured"},        {"<u4", "unsupported dtype"}, {"<f2", "unsupported dtype"},
      {"|i1", "unsupported dtype"}, {"", "unsupported dtype"},    {"<c32", "unsupported dtype"},
  };
  for (const auto& [descr, why] : bad) {
    DType t{};
    ByteOrder o{};
    const std::string msg = error_message([&] { parse_npy_descr(descr, "w.npy", t, o); });
    EXPECT_EQ(msg.rfind("w.npy: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(why), std::string::npos) << descr << ": " << msg;
    EXPECT_NE(msg.find("ein loads bool"), std::string::npos) << msg;
  }
}

TEST(NpyDescr, WritesNumPysSpelling) {
  EXPECT_EQ(npy_descr(DType::Bool, ByteOrder::Big), "|b1");
  EXPECT_EQ(npy_descr(DType::Int32, ByteOrder::Little), "<i4");
  EXPECT_EQ(npy_descr(DType::Complex128, ByteOrder::Big), ">c16");
  EXPECT_EQ(npy_descr(DType::Float32, ByteOrder::Native),
            resolve_byte_order(ByteOrder::Native) == ByteOrder::Big ? ">f4" : "<f4");
}

std::vector<std::byte> bytes_of(std::string_view s) { return testing::to_bytes(s); }

TEST(NpyPreamble, VersionsAndLengths) {
  auto p = parse_npy_preamble(bytes_of(std::string("\x93NUMPY\x01\x00\x76\x00", 10)), "t");
  EXPECT_EQ(p.major, 1);
  EXPECT_EQ(p.size, 10u);
  EXPECT_EQ(p.header_size, 0x76u);
  p = parse_npy_preamble(bytes_of(std::string("\x93NUMPY\x03\x00\x34\x12\x00\x00", 12)), "t");
  EXPECT_EQ(p.major, 3);
  EXPECT_EQ(p.size, 12u);
  EXPECT_EQ(p.header_size, 0x1234u);
}

TEST(NpyPreamble, RejectsBadMagicVersionsAndAbsurdLengths) {
  const std::pair<std::string, const char*> bad[] = {
      {std::string(), "truncated .npy file"},
      {std::string("\x93NUM", 4), "truncated .npy file"},
      {std::string("PK\x03\x04xxxxxx", 10), "not a .npy file"},
      {std::string("\x93NUMPX\x01\x00\x10\x00", 10), "not a .npy file"},
      {std::string("\x93NUMPY\x01", 7), "no format version"},
      {std::string("\x93NUMPY\x04\x00\x10\x00\x00\x00", 12), "version 4.0"},
      {std::string("\x93NUMPY\x01\x01\x10\x00", 10), "version 1.1"},
      {std::string("\x93NUMPY\x00\x00\x10\x00", 10), "version 0.0"},
      {std::string("\x93NUMPY\x02\x00\x10\x00", 10), "no header length"},
      {std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12), "headers larger than"},
      {std::string("\x93NUMPY\x02\x00\x01\x00\x01\x00", 12), "headers larger than"},
  };
  for (const auto& [raw, why] : bad) {
    const std::string msg = error_message([&] { parse_npy_preamble(bytes_of(raw), "h.npy"); });
    EXPECT_EQ(msg.rfind("h.npy: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(why), std::string::npos) << msg;
  }
}

TEST(NpyHeaderWrite, PaddedTo64BytesAndParsesBack) {
  for (int version : {1, 2, 3}) {
    const std::string h =
        build_npy_header(DType::Complex64, ByteOrder::Big, true, Shape{4, 0, 2}, version);
    EXPECT_EQ(h.size() % 64, 0u);
    EXPECT_EQ(h.back(), '\n');
    const auto p = parse_npy_preamble(bytes_of(h), "w");
    EXPECT_EQ(p.major, version);
    EXPECT_EQ(p.size + p.header_size, h.size());
    const NpyInfo info = make_npy_info(p, std::string_view(h).substr(p.size), "w");
    EXPECT_EQ(info.dtype, DType::Complex64);
    EXPECT_EQ(info.byte_order, ByteOrder::Big);
    EXPECT_TRUE(info.fortran_order);
    EXPECT_EQ(info.shape, (Shape{4, 0, 2}));
    EXPECT_EQ(info.data_offset, h.size());
  }
}

TEST(NpyHeaderWrite, AutoVersionIsOneAndBadVersionsAreRejected) {
  EXPECT_EQ(build_npy_header(DType::Float64, ByteOrder::Little, false, Shape{3}, 0)[6], '\x01');
  EXPECT_NE(
      error_message([] { build_npy_header(DType::Float64, ByteOrder::Little, false, Shape{3}, 4); },
                    ErrorCode::InvalidArgument)
          .find("format version 4"),
      std::string::npos);
}

TEST(NpyInfoCheck, RejectsShapesWhoseByteSizeOverflows) {
  NpyPreamble p;
  // 2^61 float64 elements = 2^64 bytes.
  const std::string text =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,)}";
  EXPECT_NE(error_message([&] { make_npy_info(p, text, "o.npy"); }).find("too large"),
            std::string::npos);
  // Zero extents do not hide an overflow among the others (NumPy rejects these too).
  const std::string zero =
      "{'descr': '<i4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4)}";
  EXPECT_NE(error_message([&] { make_npy_info(p, zero, "o.npy"); }).find("overflows"),
            std::string::npos);
  const std::string fine = "{'descr': '<i4', 'fortran_order': False, 'shape': (0, 1048576, 4)}";
  EXPECT_EQ(npy_data_size(make_npy_info(p, fine, "o.npy")), 0u);
}

}  // namespace
}  // namespace ein::io
