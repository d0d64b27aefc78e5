// End-to-end tests of the `ein` binary: inputs are written with the library, the binary is run
// in a scratch directory, and its outputs, messages and exit codes are checked. Set EIN_CLI to
// test another binary (e.g. an installed one).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ein/npy.hpp"

namespace {

namespace fs = std::filesystem;
using ein::DType;
using ein::Shape;
using ein::Tensor;

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  // (Not istreambuf_iterator: GCC 12 at -O3 warns about a null dereference inside it.)
  std::ifstream in(p, std::ios::binary);
  std::string s(static_cast<std::size_t>(fs::file_size(p)), '\0');
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  return s;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("ein_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path at(const std::string& name) const { return dir_ / name; }

  // Runs `ein ARGS` (a shell word list) in the scratch directory, stdin from `input` if given.
  Outcome ein(const std::string& args, const std::string& input = "") const {
    const char* env = std::getenv("EIN_CLI");
    const std::string exe = env != nullptr ? env : EIN_CLI_PATH;
    const std::string cmd = "cd '" + dir_.string() + "' && '" + exe + "' " + args +
                            " >stdout.txt 2>stderr.txt" +
                            (input.empty() ? " </dev/null" : " <'" + input + "'");
    const int status = std::system(cmd.c_str());
    Outcome r;
    // A signal (a crash) shows as 128 + signal, which no test expects.
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(at("stdout.txt"));
    r.err = slurp(at("stderr.txt"));
    return r;
  }

  void save(const std::string& name, const Tensor& t) const { ein::save_npy(at(name), t); }
  void write_raw(const std::string& name, const std::string& bytes) const {
    std::ofstream(at(name), std::ios::binary) << bytes;
  }

  fs::path dir_;
};

Tensor f64(std::vector<double> v, Shape s) { return Tensor::from_vector<double>(v, std::move(s)); }
Tensor i64(std::vector<std::int64_t> v, Shape s) {
  return Tensor::from_vector<std::int64_t>(v, std::move(s));
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "in: " << (haystack)

// ---- help and usage ----

TEST_F(Cli, HelpForEverySubcommandExitsZero) {
  Outcome r = ein("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_CONTAINS(r.out, "Exit codes");
  for (const char* sub :
       {"eval", "dot", "matmul", "tensordot", "outer", "inner", "path", "bench", "demo"}) {
    r = ein(std::string(sub) + " --help");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_CONTAINS(r.out, std::string("Usage:"));
  }
}

TEST_F(Cli, UsageErrorsExitTwo) {
  for (const char* args : {"", "frobnicate", "eval", "eval 'ij->ji'", "dot a.npy",
                           "eval --no-such-flag 'i' x.npy", "bench --suite huge", "path 'ij,jk'",
                           "path 'ij,jk' --shapes 2x3,3xQ", "tensordot a.npy b.npy --axes 1,x"}) {
    const Outcome r = ein(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
  }
}

// ---- eval ----

TEST_F(Cli, EvalWritesAFileAndSummarisesOnStdout) {
  save("a.npy", f64({1, 2, 3, 4, 5, 6}, {2, 3}));
  save("b.npy", f64({1, 0, 0, 1, 1, 1}, {3, 2}));
  const Outcome r = ein("eval 'ij,jk->ik' a.npy b.npy -o c.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "ij,jk->ik: (2, 2) float64 in ");
  EXPECT_CONTAINS(r.out, "-> c.npy");
  const Tensor c = ein::load_npy(at("c.npy"));
  EXPECT_EQ(c.shape(), (Shape{2, 2}));
  EXPECT_EQ(c.to_vector<double>(), (std::vector<double>{4, 5, 10, 11}));
  // Nothing but the output file is left (no temporaries).
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"a.npy", "b.npy", "c.npy", "stderr.txt", "stdout.txt"}));
}

TEST_F(Cli, EvalPrintsLikeNumPyWithTheSummaryOnStderr) {
  save("a.npy", f64({1, 2.5, 3, 4, 5, 6}, {2, 3}));
  Outcome r = ein("eval 'ij->ji' a.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[[1.  4. ]\n [2.5 5. ]\n [3.  6. ]]\n");
  EXPECT_CONTAINS(r.err, "ij->ji: (3, 2) float64 in ");
  r = ein("eval --quiet 'ij->' a.npy");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "21.5\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, EvalToStdoutWritesNpyBytes) {
  save("a.npy", i64({1, 2, 3, 4}, {2, 2}));
  const Outcome r = ein("eval 'ij->ji' a.npy -o -");
  ASSERT_EQ(r.code, 0) << r.err;
  const Tensor t = ein::read_npy(
      std::span(reinterpret_cast<const std::byte*>(r.out.data()), r.out.size()), "stdout");
  EXPECT_EQ(t.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 3, 2, 4}));
  EXPECT_CONTAINS(r.err, "(2, 2) int64");  // the summary moved to stderr
}

TEST_F(Cli, EvalReadsNpzMembersAndStdin) {
  const Tensor w = f64({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor x = f64({1, 1, 1}, {3});
  ein::save_npz(at("w.npz"), {{"W_q", w}, {"x", x}}, /*compress=*/true);
  Outcome r = ein("eval -q 'ij,j->i' w.npz:W_q w.npz:x");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[ 6. 15.]\n");

  save("v.npy", x);
  r = ein("eval -q 'i->' -", at("v.npy").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "3.0\n");

  r = ein("eval 'ij,j->i' w.npz:W_k w.npz:x");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "no member named 'W_k' (members: W_q, x)");
  r = ein("eval 'ij,j->i' w.npz w.npz:x");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "name one as w.npz:NAME (members: W_q, x)");
}

TEST_F(Cli, EvalDtypeAndOptimize) {
  save("a.npy", i64({1, 2, 3, 4}, {2, 2}));
  save("h.npy", Tensor::from_vector<std::int32_t>({1, 2, 3, 4}, {2, 2}));
  Outcome r = ein("eval 'ij,jk->ik' h.npy h.npy --dtype float64 --optimize greedy -o c.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  const Tensor c = ein::load_npy(at("c.npy"));
  EXPECT_EQ(c.dtype(), DType::Float64);
  EXPECT_EQ(c.to_vector<double>(), (std::vector<double>{7, 10, 15, 22}));
  // NumPy's casting='safe': int64 -> float32 is refused.
  r = ein("eval 'ij,jk->ik' a.npy a.npy --dtype float32");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "cannot cast operand 0");
  r = ein("eval 'ij,jk->ik' a.npy a.npy --dtype float16");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "unknown dtype 'float16'");
  r = ein("eval 'ij,jk->ik' a.npy a.npy --optimize fastest");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "ein: error: ");
}

TEST_F(Cli, EvalBadExpressionsExitTwo) {
  save("a.npy", f64({1, 2, 3, 4, 5, 6}, {2, 3}));
  for (const char* args : {"eval 'ij,jk->ik' a.npy", "eval 'ij,jk->ik' a.npy a.npy",
                           "eval 'ij->k' a.npy", "eval 'i(j' a.npy", "eval 'ijk' a.npy"}) {
    const Outcome r = ein(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("ein: error: ", 0), 0u) << args << "\n" << r.err;
  }
}

TEST_F(Cli, ExpectChecksTheResult) {
  save("a.npy", f64({1, 2, 3, 4}, {2, 2}));
  save("right.npy", f64({7, 10, 15, 22}, {2, 2}));
  save("wrong.npy", f64({7, 10, 15, 23}, {2, 2}));
  save("shape.npy", f64({7, 10, 15, 22}, {4}));
  EXPECT_EQ(ein("eval -q 'ij,jk->ik' a.npy a.npy --expect right.npy").code, 0);
  Outcome r = ein("eval -q 'ij,jk->ik' a.npy a.npy --expect wrong.npy");
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "check failed: 1 of 4 elements differ");
  r = ein("matmul -q a.npy a.npy --expect shape.npy");
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "differs from shape.npy shape (4,)");
  EXPECT_EQ(ein("eval -q 'ij,jk->ik' a.npy a.npy --expect wrong.npy --rtol 0.1").code, 0);
}

// ---- products ----

TEST_F(Cli, ProductsFollowNumPy) {
  save("a.npy", i64({1, 2, 3, 4}, {2, 2}));
  save("b.npy", i64({5, 6, 7, 8}, {2, 2}));
  Outcome r = ein("dot -q a.npy b.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[[19 22]\n [43 50]]\n");
  EXPECT_EQ(ein("matmul -q a.npy b.npy").out, "[[19 22]\n [43 50]]\n");
  EXPECT_EQ(ein("inner -q a.npy b.npy").out, "[[17 23]\n [39 53]]\n");
  EXPECT_EQ(ein("outer -q a.npy b.npy").out,
            "[[ 5  6  7  8]\n [10 12 14 16]\n [15 18 21 24]\n [20 24 28 32]]\n");

  std::vector<std::int64_t> v;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) v.push_back(100 * (i + 1) + 10 * (j + 1) + (k + 1));
    }
  }
  save("v.npy", i64(v, {2, 3, 4}));
  save("u.npy", i64({1, 1, 1, 1}, {4}));
  r = ein("tensordot -q v.npy u.npy --axes 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[[450 490 530]\n [850 890 930]]\n");
  EXPECT_EQ(ein("tensordot -q v.npy u.npy --axes=-1:0").out, "[[450 490 530]\n [850 890 930]]\n");
  save("m.npy", i64({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 4}));
  r = ein("tensordot -q v.npy m.npy --axes 1,2:0,1 -o t.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  // sum over j, k of v[i][j][k] = 1200 (i+1) + 4 * 10 * (1+2+3) + 3 * (1+2+3+4)
  EXPECT_EQ(ein::load_npy(at("t.npy")).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{1470, 2670}));
  r = ein("tensordot a.npy u.npy --axes 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "ein: error: ");
}

// ---- path, bench, demo ----

TEST_F(Cli, PathReportsWithoutData) {
  const Outcome r = ein("path 'ij,jk,kl->il' --shapes 10x20,20x30,30x40 --optimize greedy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "ij,jk,kl->il");
  EXPECT_EQ(ein("path 'ij,jk->ik' --shapes 2x3,4x5").code, 2);
}

TEST_F(Cli, BenchTinySuiteWithJson) {
  const Outcome r = ein("bench --suite tiny -n 1 --json r.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "GFLOP/s");
  EXPECT_CONTAINS(r.out, "matmul_64");
  EXPECT_CONTAINS(r.out, "chain_3");
  EXPECT_EQ(r.err, "");  // no progress when stderr is not a terminal
  const std::string json = slurp(at("r.json"));
  EXPECT_CONTAINS(json, "\"suite\": \"tiny\"");
  EXPECT_CONTAINS(json, "\"name\": \"attention_scores\"");
  EXPECT_CONTAINS(json, "\"median_s\": ");
}

TEST_F(Cli, DemoChecksEveryReferenceResult) {
  const Outcome r = ein("demo --small");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "[[19 22]\n");
  EXPECT_CONTAINS(r.out, "= 32\n");
  EXPECT_CONTAINS(r.out, "[[450 490 530]\n");
  EXPECT_CONTAINS(r.out, "[[ 7 16 27]\n");
  EXPECT_CONTAINS(r.out, "bhid,bhjd->bhij");
  EXPECT_EQ(r.out.find("MISMATCH"), std::string::npos) << r.out;
  EXPECT_CONTAINS(r.out, "checks passed");
}

// ---- bad input files: exit 2 with a message naming the file, never a crash ----

TEST_F(Cli, BadFilesExitTwoWithAMessage) {
  const std::string good_header =
      std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }" + std::string(53, ' ') +
      "\n";
  const std::pair<std::string, std::string> files[] = {
      {"empty.npy", ""},
      {"text.npy", "hello world\n"},
      {"magic.npy", std::string("\x93NUMPX\x01\x00", 8)},
      {"version.npy", std::string("\x93NUMPY\x07\x00\x10\x00", 10)},
      {"huge_header.npy", std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12)},
      {"lying_shape.npy", good_header + std::string(64, '\0')},
      {"object.npy", std::string("\x93NUMPY\x01\x00\x36\x00", 10) +
                         "{'descr': '|O', 'fortran_order': False, 'shape': (1,)}\n"},
      {"bad_dict.npy", std::string("\x93NUMPY\x01\x00\x10\x00", 10) + "{'descr': <f8} \n"},
      {"bad.npz", "PK\x05\x06 this is not really a zip archive"},
  };
  for (const auto& [name, bytes] : files) write_raw(name, bytes);
  for (const auto& [name, bytes] : files) {
    const std::string operand = name.ends_with(".npz") ? name + ":x" : name;
    const Outcome r = ein("eval 'i->' " + operand);
    EXPECT_EQ(r.code, 2) << name << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("ein: error: " + name + ": ", 0), 0u) << name << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
  }
  Outcome r = ein("dot missing.npy missing.npy");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "missing.npy: no such file");
  fs::create_directory(at("adir.npy"));
  r = ein("eval 'i->' adir.npy");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "is a directory");
}

TEST_F(Cli, UnwritableOutputExitsTwoAndKeepsOldFile) {
  save("a.npy", f64({1, 2}, {2}));
  Outcome r = ein("eval 'i->i' a.npy -o no/such/dir/out.npy");
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "out.npy: cannot create a file");
  save("out.npy", f64({9}, {1}));
  r = ein("eval 'i->i' a.npy -o out.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ein::load_npy(at("out.npy")).shape(), (Shape{2}));  // replaced
}

}  // namespace
