#include "suite.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "ein/nn.hpp"
#include "suite_text.hpp"  // generated from bench/suite.txt: kSuiteText

// OpenBLAS extensions (declared in its cblas.h on Debian, repeated here so that another CBLAS
// header does not break the build; the benchmark links OpenBLAS explicitly).
extern "C" char* openblas_get_config(void);
extern "C" int openblas_get_num_threads(void);

namespace bench {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    parts.push_back(trim(s.substr(start, pos - start)));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

std::vector<ein::Shape> parse_shapes(const std::string& text, const std::string& where) {
  std::vector<ein::Shape> shapes;
  for (const std::string& operand : split(text, ',')) {
    ein::Shape shape;
    for (const std::string& dim : split(operand, 'x')) {
      if (dim.empty() || dim.find_first_not_of("0123456789") != std::string::npos) {
        throw std::runtime_error("suite.txt: bad extent '" + dim + "' in " + where);
      }
      shape.push_back(std::stoll(dim));
    }
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

// Element i of tensor `seed`: splitmix64 of (i, seed) mapped to [-1, 1).
double value_at(std::uint64_t i, unsigned seed) {
  std::uint64_t z = i * 0x9E3779B97F4A7C15ull + (std::uint64_t{seed} << 32) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-52 - 1.0;
}

}  // namespace

std::vector<Case> load_suite(bool smoke) {
  std::vector<Case> cases;
  std::istringstream in{std::string(kSuiteText)};
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::vector<std::string> f = split(t, '|');
    if (f.size() != 6) throw std::runtime_error("suite.txt: expected 6 fields in: " + t);
    Case c;
    c.name = f[0];
    c.subscripts = f[1];
    if (f[2] == "float32") {
      c.dtype = ein::DType::Float32;
    } else if (f[2] == "float64") {
      c.dtype = ein::DType::Float64;
    } else {
      throw std::runtime_error("suite.txt: unsupported dtype '" + f[2] + "' in " + c.name);
    }
    c.shapes = parse_shapes(smoke ? f[4] : f[3], c.name);
    for (const std::string& flag : split(f[5], ' ')) {
      if (flag == "out") {
        c.use_out = true;
      } else if (flag.rfind("heads=", 0) == 0) {
        c.heads = std::stoi(flag.substr(6));
      } else if (!flag.empty()) {
        throw std::runtime_error("suite.txt: unknown flag '" + flag + "' in " + c.name);
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

ein::Tensor random_tensor(ein::DType dtype, const ein::Shape& shape, unsigned seed) {
  ein::Tensor t = ein::Tensor::empty(dtype, shape);
  const auto n = static_cast<std::uint64_t>(t.numel());
  if (dtype == ein::DType::Float32) {
    float* p = t.data_as<float>();
    for (std::uint64_t i = 0; i < n; ++i) p[i] = static_cast<float>(value_at(i, seed));
  } else {
    double* p = t.data_as<double>();
    for (std::uint64_t i = 0; i < n; ++i) p[i] = value_at(i, seed);
  }
  return t;
}

const Prepared& prepare(const Case& c) {
  static std::unique_ptr<Prepared> current;
  if (current && current->c == &c) return *current;
  current.reset();  // release the previous case's memory first
  auto p = std::make_unique<Prepared>();
  p->c = &c;
  if (c.heads > 0) {
    const ein::Shape& x = c.shapes.at(0);  // (batch, seq, dim)
    const ein::Index dim = x.at(2);
    p->tensors.push_back(random_tensor(c.dtype, x, 0));
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    for (unsigned w = 1; w <= 4; ++w) {
      ein::Tensor t = random_tensor(c.dtype, {dim, dim}, w);
      // Unit-variance activations through (dim, dim) weights scaled by 1/sqrt(dim).
      if (c.dtype == ein::DType::Float32) {
        float* q = t.data_as<float>();
        for (ein::Index i = 0; i < t.numel(); ++i) q[i] = static_cast<float>(q[i] * scale);
      } else {
        double* q = t.data_as<double>();
        for (ein::Index i = 0; i < t.numel(); ++i) q[i] *= scale;
      }
      p->tensors.push_back(std::move(t));
    }
  } else {
    unsigned seed = 0;
    for (const ein::Shape& s : c.shapes) p->tensors.push_back(random_tensor(c.dtype, s, seed++));
  }
  p->views.assign(p->tensors.begin(), p->tensors.end());
  if (c.heads > 0) {
    const auto& v = p->views;
    p->expected = ein::multi_head_attention(v[0], v[1], v[2], v[3], v[4], c.heads);
  } else {
    p->expected = ein::einsum(c.subscripts, p->views);
  }
  current = std::move(p);
  return *current;
}

std::string check(const Prepared& p, const ein::TensorView& got) {
  const ein::TensorView& want = p.expected;
  if (got.shape() != want.shape() || got.dtype() != want.dtype()) {
    return "shape or dtype differs from ein's " + ein::shape_to_string(want.shape());
  }
  // Compare in C order through ein's own copy (got may be strided).
  const std::vector<double> g = ein::Tensor::borrow(got).to_vector<double>();
  const std::vector<double> w = ein::Tensor::borrow(want).to_vector<double>();
  double scale = 1.0, worst = 0.0;
  for (double x : w) scale = std::max(scale, std::abs(x));
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double d = std::abs(g[i] - w[i]);
    if (!(d <= worst)) worst = d;  // NaN counts as the worst
  }
  const double tol = (got.dtype() == ein::DType::Float32 ? 1e-3 : 1e-9) * scale;
  if (worst <= tol) return "";
  std::ostringstream msg;
  msg << "DISAGREES with ein: max abs difference " << worst << " > " << tol;
  return msg.str();
}

namespace {
int g_wrong_answers = 0;
}  // namespace

void note_wrong_answer() { ++g_wrong_answers; }
int wrong_answers() { return g_wrong_answers; }

bool take_smoke_flag(int& argc, char** argv, std::vector<char*>& args) {
  static char min_time[] = "--benchmark_min_time=0.001";
  bool smoke = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      smoke = true;
      args.push_back(min_time);
    } else {
      args.push_back(argv[i]);
    }
  }
  argc = static_cast<int>(args.size());
  return smoke;
}

std::string openblas_config() {
  const char* c = openblas_get_config();
  return c ? std::string(c) : std::string("unknown");
}

int openblas_threads() { return openblas_get_num_threads(); }

}  // namespace bench
