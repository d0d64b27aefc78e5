// `ein eval --ext / --named / --size` (docs/beyond.md) end to end: the binary is run in a scratch
// directory on .npy files written with the library, and its output files, messages and exit codes
// are checked.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "ein/npy.hpp"

namespace {

namespace fs = std::filesystem;
using ein::Shape;
using ein::Tensor;

struct CliRun {
  int code = -1;
  std::string err;
};

class BeyondCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ein_beyond_cli_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  CliRun ein(const std::string& args) const {
    const char* env = std::getenv("EIN_CLI");
    const std::string exe = env != nullptr ? env : EIN_CLI_PATH;
    const std::string cmd = "cd '" + dir_.string() + "' && '" + exe + "' " + args +
                            " >stdout.txt 2>stderr.txt </dev/null";
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream in(dir_ / "stderr.txt");
    std::getline(in, r.err, '\0');
    return r;
  }
  void save(const std::string& name, const Tensor& t) const { ein::save_npy(dir_ / name, t); }
  Tensor load(const std::string& name) const { return ein::load_npy(dir_ / name); }

  fs::path dir_;
};

Tensor f64(std::vector<double> v, Shape s) { return Tensor::from_vector<double>(v, std::move(s)); }

TEST_F(BeyondCli, DiagonalEmbeddingWithExt) {
  save("v.npy", f64({1, 2}, {2}));
  const CliRun r = ein("eval --ext 'i->ii' v.npy -o d.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(load("d.npy").to_vector<double>(), (std::vector<double>{1, 0, 0, 2}));
}

TEST_F(BeyondCli, GroupsWithSizesAndNamedLabels) {
  save("a.npy", f64({1, 2, 3, 4, 5, 6}, {6}));
  CliRun r = ein("eval --ext --size i=2 '(ij)->ji' a.npy -o t.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(load("t.npy").shape(), (Shape{3, 2}));
  EXPECT_EQ(load("t.npy").to_vector<double>(), (std::vector<double>{1, 4, 2, 5, 3, 6}));
  r = ein("eval --named --size rows=3 '(rows cols) -> cols' a.npy -o s.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(load("s.npy").to_vector<double>(), (std::vector<double>{9, 12}));
}

TEST_F(BeyondCli, BadSizesAndPatternsExitTwoWithAMessage) {
  save("a.npy", f64({1, 2, 3, 4, 5, 6}, {6}));
  const std::pair<const char*, const char*> cases[] = {
      {"eval --ext --size i '(ij)->ij' a.npy", "--size expects NAME=N"},
      {"eval --ext --size i=x '(ij)->ij' a.npy", "--size expects NAME=N"},
      {"eval --ext '(ij)->ij' a.npy", "Could not infer sizes for {'i', 'j'}"},
      {"eval --named 'i j' a.npy", "Einsum pattern must contain '->'"},
      {"eval --ext --size i=4 '(ij)->ij' a.npy", "can't divide axis of length 6 in chunks of 4"},
      // Without --ext, eval stays numpy.einsum: a repeated output label is an error.
      {"eval 'i->ii' a.npy", "output label 'i' appears twice"},
  };
  for (const auto& [args, message] : cases) {
    const CliRun r = ein(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(std::string("ein: error: ")), std::string::npos) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
  }
}

// ein eval --semiring / --conj / --memory-limit and ein path --save-plan / --show-plans.
TEST_F(BeyondCli, SemiringConjMemoryLimitAndPlanFiles) {
  save("a.npy", f64({0, 1, 2, 0}, {2, 2}));
  save("b.npy", f64({0, 5, 1, 0}, {2, 2}));
  CliRun r = ein("eval 'ij,jk->ik' a.npy b.npy --semiring min_plus -o m.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(load("m.npy").to_vector<double>(), (std::vector<double>{0, 1, 1, 0}));
  r = ein("eval 'ij,jk->ik' a.npy b.npy --semiring tropical");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--semiring expects"), std::string::npos) << r.err;

  save("z.npy", Tensor::from_vector<ein::complex128>({{1, 2}, {3, -1}}, {2}));
  r = ein("eval 'i,i->' z.npy z.npy --conj 10 -o v.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(load("v.npy").to_vector<ein::complex128>(), (std::vector<ein::complex128>{{15, 0}}));
  r = ein("eval 'i,i->' z.npy z.npy --conj 1");
  EXPECT_EQ(r.code, 2);

  r = ein("eval 'ij,jk->ik' a.npy b.npy --memory-limit 0 -o p.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(load("p.npy").to_vector<double>(), (std::vector<double>{1, 0, 0, 10}));

  r = ein("path 'ab,bc,cd->ad' --shapes 10x20,20x30,30x5 --save-plan p.ein");
  ASSERT_EQ(r.code, 0) << r.err;
  r = ein("path --show-plans p.ein");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream out(dir_ / "stdout.txt");
  std::string text;
  std::getline(out, text, '\0');
  EXPECT_NE(text.find("p.ein: 1 plan"), std::string::npos) << text;
  EXPECT_NE(text.find("Complete contraction:  ab,bc,cd->ad"), std::string::npos) << text;
  {
    std::ofstream bad(dir_ / "bad.ein", std::ios::binary);
    bad << "EINPLANS garbage";
  }
  r = ein("path --show-plans bad.ein");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("plan file"), std::string::npos) << r.err;
}

}  // namespace
