// Persistent plans: Expression::serialize/deserialize and plan files (ein/plan_file.hpp).
//
// A record stores what defines a plan, not its kernel-level steps: those are rebuilt by
// compile() from the stored equation, operand specs, options and complete path. The expensive
// part of compiling (the path search) is skipped, and a damaged or hostile record can only fail
// validation, never produce a plan that compile() would not have produced.
//
// Record layout (little-endian):
//   "EINX" u32 version | u32 payload_bytes | payload | u32 crc32(payload)
//   payload: str equation | u32 operands {u8 dtype, u32 rank, i64 shape[rank], i64 strides[rank]}
//            | u8 has_dtype, u8 dtype | u8 has_limit, i64 limit | u8 gemm_route | i32 threads
//            | u8 has_acc_dtype, u8 acc_dtype | u8 semiring | u32 conj flags {u8}
//            | str optimize | u32 pairs {i32 i, i32 j} (the caller's path, usually none)
//            | u32 pairs {i32 i, i32 j} (the complete path executed)
//   str: u32 length, bytes.
// A plan file: "EINPLANS" u32 version | u32 count | count x {str tag | u32 size | record}.
#include "ein/plan_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "ein/exec/compiled_plan.hpp"
#include "ein/path/path.hpp"

namespace ein {

namespace {

static_assert(std::endian::native == std::endian::little, "plan files are little-endian");

constexpr char kRecordMagic[4] = {'E', 'I', 'N', 'X'};
constexpr char kFileMagic[8] = {'E', 'I', 'N', 'P', 'L', 'A', 'N', 'S'};
constexpr std::uint32_t kVersion = 1;
// Bounds on untrusted counts: far above any real plan, far below what could exhaust memory.
constexpr std::uint32_t kMaxEquation = 1 << 16;
constexpr std::uint32_t kMaxOperands = 1 << 12;
constexpr std::uint32_t kMaxRank = 64;
constexpr std::uint32_t kMaxRecordBytes = 1 << 24;
constexpr std::uint32_t kMaxPlans = 1 << 20;

[[noreturn]] void bad(const std::string& what) {
  throw Error(ErrorCode::IoError, "plan record: " + what);
}

class Writer {
 public:
  template <class T>
  void put(T v) {
    append(&v, sizeof v);
  }
  void put_str(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    append(s.data(), s.size());
  }
  // resize + memcpy rather than vector::insert of a few bytes: GCC 12 warns (falsely,
  // -Wstringop-overflow) about the inlined memmove of the insert at -O3.
  void append(const void* p, std::size_t n) {
    if (n == 0) return;
    const std::size_t at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, p, n);
  }
  std::vector<std::byte> out;
};

class Reader {
 public:
  Reader(std::span<const std::byte> bytes, const char* what) : b_(bytes), what_(what) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string get_str(std::uint32_t max) {
    const auto n = get<std::uint32_t>();
    if (n > max) bad(std::string(what_) + ": a string of " + std::to_string(n) + " bytes");
    need(n);
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::span<const std::byte> take(std::size_t n) {
    need(n);
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  [[nodiscard]] std::size_t left() const { return b_.size() - pos_; }

 private:
  void need(std::size_t n) const {
    if (n > left()) {
      bad(std::string(what_) + " is truncated (needs " + std::to_string(n) + " more bytes at " +
          std::to_string(pos_) + ", has " + std::to_string(left()) + ")");
    }
  }
  std::span<const std::byte> b_;
  const char* what_;
  std::size_t pos_ = 0;
};

std::uint32_t crc_of(std::span<const std::byte> bytes) {
  uLong crc = crc32_z(0, Z_NULL, 0);
  crc = crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
  return static_cast<std::uint32_t>(crc);
}

DType dtype_from(std::uint8_t code, const std::string& where) {
  for (DType d : kEveryDType) {  // storage dtypes too (int8, float16...)
    if (static_cast<std::uint8_t>(d) == code) return d;
  }
  bad(where + ": unknown dtype code " + std::to_string(code));
}

// The magic bytes and the format version at the start of a record or a file.
void expect_header(Reader& r, std::span<const char> magic, const std::string& what) {
  for (char c : magic) {
    if (r.get<char>() != c) bad("bad magic (not an ein " + what + ")");
  }
  const auto version = r.get<std::uint32_t>();
  if (version != kVersion) {
    bad(what + " format version " + std::to_string(version) + ", this ein reads version " +
        std::to_string(kVersion));
  }
}

std::uint8_t flag(Reader& r, const char* where) {
  const auto v = r.get<std::uint8_t>();
  if (v > 1) bad(std::string(where) + " flag is " + std::to_string(v) + ", not 0 or 1");
  return v;
}

}  // namespace

const EinsumOptions& Expression::options() const {
  if (!plan_) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression: not compiled (use Expression::compile to create one)");
  }
  return plan_->options;
}

const std::vector<OperandSpec>& Expression::operand_specs() const {
  (void)options();  // the same "not compiled" check
  return plan_->plan.whole.operands;
}

std::vector<std::byte> Expression::serialize() const {
  if (!plan_) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression::serialize: not compiled (use Expression::compile to create one)");
  }
  const lowering::Plan& plan = plan_->plan.whole;
  if (plan.expr.num_labels > 52) {
    throw Error(ErrorCode::InvalidArgument,
                "Expression::serialize: plans with more than 52 labels cannot be saved (" +
                    std::to_string(plan.expr.num_labels) + " labels)");
  }
  const EinsumOptions& o = plan_->options;
  Writer w;
  w.put_str(plan.expr.equation());
  w.put(static_cast<std::uint32_t>(plan.operands.size()));
  for (const OperandSpec& op : plan.operands) {
    w.put(static_cast<std::uint8_t>(op.dtype));
    w.put(static_cast<std::uint32_t>(op.shape.size()));
    for (Index e : op.shape) w.put(static_cast<std::int64_t>(e));
    for (Index s : op.strides) w.put(static_cast<std::int64_t>(s));
  }
  w.put(static_cast<std::uint8_t>(o.dtype ? 1 : 0));
  w.put(static_cast<std::uint8_t>(o.dtype ? static_cast<std::uint8_t>(*o.dtype) : 0));
  w.put(static_cast<std::uint8_t>(o.memory_limit ? 1 : 0));
  w.put(static_cast<std::int64_t>(o.memory_limit.value_or(0)));
  w.put(static_cast<std::uint8_t>(o.gemm_route));
  w.put(static_cast<std::int32_t>(o.threads));
  w.put(static_cast<std::uint8_t>(o.acc_dtype ? 1 : 0));
  w.put(static_cast<std::uint8_t>(o.acc_dtype ? static_cast<std::uint8_t>(*o.acc_dtype) : 0));
  w.put(static_cast<std::uint8_t>(o.semiring));
  w.put(static_cast<std::uint32_t>(o.conj.size()));
  for (bool c : o.conj) w.put(static_cast<std::uint8_t>(c ? 1 : 0));
  w.put_str(o.optimize);
  for (const ContractionPath* path : {&o.path, &plan.executed_path}) {
    w.put(static_cast<std::uint32_t>(path->size()));
    for (const auto& [i, j] : *path) {
      w.put(static_cast<std::int32_t>(i));
      w.put(static_cast<std::int32_t>(j));
    }
  }
  Writer record;
  for (char c : kRecordMagic) record.put(c);
  record.put(kVersion);
  record.put(static_cast<std::uint32_t>(w.out.size()));
  record.out.insert(record.out.end(), w.out.begin(), w.out.end());
  record.put(crc_of(w.out));
  return record.out;
}

Expression Expression::deserialize(std::span<const std::byte> bytes) {
  Reader head(bytes, "the record");
  expect_header(head, kRecordMagic, "plan record");
  const auto size = head.get<std::uint32_t>();
  if (size > kMaxRecordBytes) bad("payload of " + std::to_string(size) + " bytes");
  const std::span<const std::byte> payload = head.take(size);
  if (head.get<std::uint32_t>() != crc_of(payload))
    bad("checksum mismatch (the record is damaged)");
  if (head.left() != 0) bad(std::to_string(head.left()) + " stray bytes after the record");

  Reader r(payload, "the payload");
  const std::string equation = r.get_str(kMaxEquation);
  const auto n = r.get<std::uint32_t>();
  if (n == 0 || n > kMaxOperands) bad(std::to_string(n) + " operands");
  std::vector<OperandSpec> specs(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string where = "operand " + std::to_string(i);
    specs[i].dtype = dtype_from(r.get<std::uint8_t>(), where);
    const auto rank = r.get<std::uint32_t>();
    if (rank > kMaxRank) bad(where + ": rank " + std::to_string(rank));
    specs[i].shape.resize(rank);
    specs[i].strides.resize(rank);
    for (auto& e : specs[i].shape) e = r.get<std::int64_t>();
    for (auto& s : specs[i].strides) s = r.get<std::int64_t>();
  }
  EinsumOptions o;
  const std::uint8_t has_dtype = flag(r, "dtype");
  const auto dtype_code = r.get<std::uint8_t>();
  if (has_dtype) o.dtype = dtype_from(dtype_code, "options");
  const std::uint8_t has_limit = flag(r, "memory_limit");
  const auto limit = r.get<std::int64_t>();
  if (has_limit) o.memory_limit = limit;
  const auto route = r.get<std::uint8_t>();
  if (route > static_cast<std::uint8_t>(GemmRoute::PermuteThenGemm)) {
    bad("unknown gemm route " + std::to_string(route));
  }
  o.gemm_route = static_cast<GemmRoute>(route);
  o.threads = r.get<std::int32_t>();
  const std::uint8_t has_acc = flag(r, "acc_dtype");
  const auto acc_code = r.get<std::uint8_t>();
  if (has_acc) o.acc_dtype = dtype_from(acc_code, "acc_dtype");
  const auto semiring = r.get<std::uint8_t>();
  if (semiring > static_cast<std::uint8_t>(Semiring::MaxTimes)) {
    bad("unknown semiring " + std::to_string(semiring));
  }
  o.semiring = static_cast<Semiring>(semiring);
  const auto conj_flags = r.get<std::uint32_t>();
  if (conj_flags != 0 && conj_flags != n) {
    bad(std::to_string(conj_flags) + " conj flags for " + std::to_string(n) + " operands");
  }
  for (std::uint32_t k = 0; k < conj_flags; ++k) o.conj.push_back(flag(r, "conj") != 0);
  o.optimize = r.get_str(kMaxEquation);
  auto read_path = [&](ContractionPath& path) {
    const auto pairs = r.get<std::uint32_t>();
    if (pairs >= n) {
      bad(std::to_string(pairs) + " path steps for " + std::to_string(n) + " operands");
    }
    for (std::uint32_t k = 0; k < pairs; ++k) {
      const auto i = r.get<std::int32_t>();
      const auto j = r.get<std::int32_t>();
      path.emplace_back(i, j);
    }
  };
  read_path(o.path);
  EinsumOptions executed = o;
  executed.path.clear();
  read_path(executed.path);
  if (r.left() != 0) bad(std::to_string(r.left()) + " stray bytes in the payload");
  // compile() validates everything else (equation, shapes, strides, path, the finder's name) as
  // for any caller; the stored complete path replaces the search.
  try {
    if (!o.path.empty()) path::validate_path(o.path, static_cast<int>(n));
    const std::vector<std::string> finders = path::path_finder_names();
    if (std::find(finders.begin(), finders.end(), o.optimize) == finders.end()) {
      bad("unknown path finder '" + o.optimize + "'");
    }
    Expression e = compile(equation, specs, executed);
    e.plan_ = std::make_shared<const CompiledPlan>(e.plan_->plan, std::move(o));
    return e;
  } catch (const Error& e) {
    throw Error(ErrorCode::IoError, std::string("plan record: invalid plan: ") + e.what());
  }
}

std::vector<std::byte> plans_to_bytes(std::span<const SavedPlan> plans) {
  Writer w;
  for (char c : kFileMagic) w.put(c);
  w.put(kVersion);
  w.put(static_cast<std::uint32_t>(plans.size()));
  for (const SavedPlan& p : plans) {
    if (p.tag.size() > kMaxEquation) {
      throw Error(ErrorCode::InvalidArgument,
                  "save_plans: a tag of " + std::to_string(p.tag.size()) + " bytes");
    }
    w.put_str(p.tag);
    const std::vector<std::byte> record = p.expression.serialize();
    w.put(static_cast<std::uint32_t>(record.size()));
    w.out.insert(w.out.end(), record.begin(), record.end());
  }
  return w.out;
}

std::vector<SavedPlan> plans_from_bytes(std::span<const std::byte> bytes) {
  Reader r(bytes, "the plan file");
  expect_header(r, kFileMagic, "plan file");
  const auto count = r.get<std::uint32_t>();
  if (count > kMaxPlans) bad(std::to_string(count) + " plans in one file");
  std::vector<SavedPlan> plans;
  for (std::uint32_t k = 0; k < count; ++k) {
    try {
      SavedPlan p;
      p.tag = r.get_str(kMaxEquation);
      const auto size = r.get<std::uint32_t>();
      if (size > kMaxRecordBytes) bad("a record of " + std::to_string(size) + " bytes");
      p.expression = Expression::deserialize(r.take(size));
      plans.push_back(std::move(p));
    } catch (const Error& e) {
      throw Error(e.code(), "plan file record " + std::to_string(k) + ": " + e.what());
    }
  }
  if (r.left() != 0) bad(std::to_string(r.left()) + " stray bytes after the last plan");
  return plans;
}

void save_plans(const std::string& path, std::span<const Expression> plans) {
  std::vector<SavedPlan> tagged;
  for (const Expression& e : plans) tagged.push_back({std::string(), e});
  save_plans(path, tagged);
}

void save_plans(const std::string& path, std::span<const SavedPlan> plans) {
  const std::vector<std::byte> bytes = plans_to_bytes(plans);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) throw Error(ErrorCode::IoError, "save_plans: cannot write '" + path + "'");
}

std::vector<SavedPlan> load_plans(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::IoError, "load_plans: cannot open '" + path + "'");
  f.seekg(0, std::ios::end);
  const std::streamoff size = f.tellg();
  f.seekg(0, std::ios::beg);
  constexpr std::streamoff kMaxFile = std::streamoff{1} << 32;
  if (size < 0 || size > kMaxFile) {
    throw Error(ErrorCode::IoError, "load_plans: '" + path + "' is not a plan file (size)");
  }
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  f.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!f) throw Error(ErrorCode::IoError, "load_plans: cannot read '" + path + "'");
  return plans_from_bytes(bytes);
}

}  // namespace ein
