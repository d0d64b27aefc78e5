#include "cli_common.hpp"

#include <unistd.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "ein/npy.hpp"
#include "print_array.hpp"

namespace ein::cli {

namespace {

bool ends_with_npz(std::string_view s) {
  if (s.size() < 4) return false;
  std::string tail(s.substr(s.size() - 4));
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".npz";
}

std::string format_ms(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f ms", seconds * 1e3);
  return buf;
}

double epsilon_of(DType t) {
  switch (real_dtype(t)) {
    case DType::Float32:
      return std::numeric_limits<float>::epsilon();
    case DType::Float64:
      return std::numeric_limits<double>::epsilon();
    default:
      return 0;  // integers and bools compare exactly
  }
}

// Compares element-wise in complex128 (exact for every ein dtype but int64 beyond 2^53, which
// cannot arise from a tolerance-free integer comparison going wrong: those use == directly).
int check_expected(const Tensor& got, const OutputOptions& o, double summation_length) {
  const Tensor want = load_operand(o.expect);
  if (want.shape() != got.shape()) {
    std::cerr << "ein: check failed: result shape " << shape_to_string(got.shape())
              << " differs from " << o.expect << " shape " << shape_to_string(want.shape()) << "\n";
    return kExitCheckFailed;
  }
  const DType common = promote_types(got.dtype(), want.dtype());
  double rtol = o.rtol;
  if (rtol < 0) rtol = 4 * epsilon_of(common) * std::max(1.0, summation_length);
  Index bad = 0, first_bad = -1;
  double worst = 0;
  if (is_integer(common) || common == DType::Bool) {
    const auto a = got.to_vector<std::int64_t>();
    const auto b = want.to_vector<std::int64_t>();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i] && bad++ == 0) first_bad = static_cast<Index>(i);
    }
  } else {
    const auto a = got.to_vector<complex128>();
    const auto b = want.to_vector<complex128>();
    double scale = 0;  // sums with cancellation are judged against the largest magnitude
    for (const auto& v : b) scale = std::max(scale, std::abs(v));
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double err = std::abs(a[i] - b[i]);
      const bool same_nan = std::isnan(a[i].real()) && std::isnan(b[i].real());
      if (!same_nan && !(err <= rtol * (std::abs(b[i]) + scale))) {
        if (bad++ == 0) first_bad = static_cast<Index>(i);
      }
      if (std::isfinite(err)) worst = std::max(worst, err);
    }
  }
  if (bad == 0) return kExitOk;
  std::cerr << "ein: check failed: " << bad << " of " << got.numel() << " elements differ from "
            << o.expect << " (first at flat index " << first_bad << ", largest difference " << worst
            << ", rtol " << rtol << ")\n";
  return kExitCheckFailed;
}

}  // namespace

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Tensor load_operand(const std::string& spec) {
  if (spec == "-") {
    // Read in blocks (istreambuf_iterator trips GCC 12's -Wnull-dereference at -O3).
    std::string data;
    char block[1 << 16];
    while (std::cin.read(block, sizeof block) || std::cin.gcount() > 0) {
      data.append(block, static_cast<std::size_t>(std::cin.gcount()));
    }
    return read_npy(std::span(reinterpret_cast<const std::byte*>(data.data()), data.size()),
                    "<stdin>");
  }
  const auto colon = spec.rfind(':');
  if (colon != std::string::npos && ends_with_npz(std::string_view(spec).substr(0, colon))) {
    const std::string member = spec.substr(colon + 1);
    if (member.empty()) throw UsageError(spec + ": empty member name after ':'");
    return load_npz_member(spec.substr(0, colon), member);
  }
  if (ends_with_npz(spec)) {
    std::string names;
    for (const std::string& n : list_npz(spec)) names += (names.empty() ? "" : ", ") + n;
    throw UsageError(spec + ": an .npz archive holds several arrays; name one as " + spec +
                     ":NAME (members: " + (names.empty() ? "none" : names) + ")");
  }
  return load_npy(spec);
}

Shape parse_shape(std::string_view text) {
  if (text == "()" || text == "scalar") return {};
  Shape shape;
  std::size_t start = 0;
  while (true) {
    const std::size_t x = text.find('x', start);
    const std::string_view part = text.substr(start, x == std::string_view::npos ? x : x - start);
    Index v = 0;
    const auto r = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || r.ec != std::errc() || r.ptr != part.data() + part.size() || v < 0) {
      throw UsageError("bad shape '" + std::string(text) +
                       "': expected extents joined by 'x', e.g. 8x12x512, or () for a scalar");
    }
    shape.push_back(v);
    if (x == std::string_view::npos) break;
    start = x + 1;
  }
  return shape;
}

std::vector<Shape> parse_shapes(std::string_view list) {
  std::vector<Shape> shapes;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    shapes.push_back(
        parse_shape(list.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return shapes;
}

DType parse_dtype(const std::string& name) {
  // Storage dtypes (int8, float16...) have no .npy loading or printing in the CLI yet.
  if (auto t = dtype_from_name(name); t && !is_storage_only(*t)) return *t;
  throw UsageError("unknown dtype '" + name +
                   "' (expected bool, int32, int64, float32, float64, complex64 or complex128)");
}

void add_output_options(CLI::App* cmd, OutputOptions& o) {
  cmd->add_option("-o,--output", o.output,
                  "Write the result as .npy to FILE (via a temporary file and rename), or to "
                  "stdout with '-'. Without -o the result is printed as NumPy prints it.")
      ->type_name("FILE");
  cmd->add_flag("-q,--quiet", o.quiet,
                "No summary line. The summary (shape, dtype, time) goes to stdout when the "
                "result goes to a file, to stderr otherwise.");
  cmd->add_option("--expect", o.expect,
                  "Compare the result with this .npy (or archive.npz:NAME); exit 1 if it "
                  "differs")
      ->type_name("FILE");
  cmd->add_option("--rtol", o.rtol,
                  "Relative tolerance for --expect (default: 4 x dtype epsilon x summation "
                  "length)")
      ->check(CLI::NonNegativeNumber);
}

int emit_result(const Tensor& result, const OutputOptions& o, const std::string& what,
                double seconds, double summation_length) {
  const bool to_stdout = o.output == "-";
  const bool to_file = !o.output.empty() && !to_stdout;
  if (to_file) {
    save_npy(o.output, result);
  } else if (to_stdout) {
    write_npy(std::cout, result);
    std::cout.flush();
  } else {
    std::cout << format_array(result) << "\n";
  }
  if (!o.quiet) {
    std::ostream& summary = to_file ? std::cout : std::cerr;
    summary << what << ": " << shape_to_string(result.shape()) << " " << dtype_name(result.dtype())
            << " in " << format_ms(seconds);
    if (to_file) summary << " -> " << o.output;
    summary << "\n";
  }
  if (!o.expect.empty()) return check_expected(result, o, summation_length);
  return kExitOk;
}

void write_text_file_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path temp = target.parent_path() / ("." + target.filename().string() +
                                                             ".tmp-" + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(temp, ec);
      throw UsageError(path + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    throw UsageError(path + ": cannot write: " + ec.message());
  }
}

}  // namespace ein::cli
