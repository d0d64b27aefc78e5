// `ein dot|matmul|tensordot|outer|inner A B`: NumPy's products with NumPy's argument meanings.
#include <charconv>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/products.hpp"

namespace ein::cli {

namespace {

struct ProductOptions {
  std::string name;
  std::string a, b;
  std::string axes = "2";  // tensordot only
  OutputOptions out;
};

std::vector<int> parse_axis_list(std::string_view s, const std::string& whole) {
  std::vector<int> axes;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = s.find(',', start);
    const std::string_view part =
        s.substr(start, comma == std::string_view::npos ? comma : comma - start);
    int v = 0;
    const auto r = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || r.ec != std::errc() || r.ptr != part.data() + part.size()) {
      throw UsageError("bad --axes '" + whole + "': expected N, or A_AXES:B_AXES such as 1,2:0,1");
    }
    axes.push_back(v);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return axes;
}

// Extent of an axis (negative counts from the end), or 1 if there is no such axis.
double extent_or_one(const Tensor& t, int axis) {
  if (axis < 0) axis += t.rank();
  return axis >= 0 && axis < t.rank() ? static_cast<double>(t.shape()[axis]) : 1.0;
}

int run_product(const ProductOptions& o) {
  const Tensor a = load_operand(o.a);
  const Tensor b = load_operand(o.b);
  if (!o.out.expect.empty()) (void)load_operand(o.out.expect);
  Tensor result;
  double length = 1;
  std::string what = o.name;
  const double t0 = now_seconds();
  if (o.name == "dot") {
    result = dot(a, b);
    length = a.rank() > 0 && b.rank() > 0 ? extent_or_one(a, -1) : 1;
  } else if (o.name == "matmul") {
    result = matmul(a, b);
    length = extent_or_one(a, -1);
  } else if (o.name == "inner") {
    result = inner(a, b);
    length = a.rank() > 0 && b.rank() > 0 ? extent_or_one(a, -1) : 1;
  } else if (o.name == "outer") {
    result = outer(a, b);
  } else {  // tensordot
    what += " --axes " + o.axes;
    const auto colon = o.axes.find(':');
    if (colon == std::string::npos) {
      const std::vector<int> n = parse_axis_list(o.axes, o.axes);
      if (n.size() != 1) throw UsageError("bad --axes '" + o.axes + "': expected one count N");
      result = tensordot(a, b, n[0]);
      for (int i = 0; i < n[0]; ++i) length *= extent_or_one(b, i);
    } else {
      const std::vector<int> aa = parse_axis_list(o.axes.substr(0, colon), o.axes);
      const std::vector<int> bb = parse_axis_list(o.axes.substr(colon + 1), o.axes);
      result = tensordot(a, b, aa, bb);
      for (int ax : aa) length *= extent_or_one(a, ax);
    }
  }
  const double seconds = now_seconds() - t0;
  return emit_result(result, o.out, what, seconds, length);
}

void add_product(CLI::App& app, Action& action, const std::string& name,
                 const std::string& description) {
  auto o = std::make_shared<ProductOptions>();
  o->name = name;
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->add_option("a", o->a, "First operand: .npy, archive.npz:NAME or '-'")->required();
  cmd->add_option("b", o->b, "Second operand: .npy, archive.npz:NAME or '-'")->required();
  if (name == "tensordot") {
    cmd->add_option("--axes", o->axes,
                    "N (last N axes of a with first N of b) or A_AXES:B_AXES, e.g. 1,2:0,1; use "
                    "--axes=-1:0 for negative axes")
        ->capture_default_str();
  }
  add_output_options(cmd, o->out);
  cmd->callback([o, &action] { action = [o] { return run_product(*o); }; });
}

}  // namespace

void add_product_commands(CLI::App& app, Action& action) {
  add_product(app, action, "dot", "numpy.dot(a, b)");
  add_product(app, action, "matmul", "numpy.matmul(a, b) (the @ operator)");
  add_product(app, action, "tensordot", "numpy.tensordot(a, b, axes)");
  add_product(app, action, "outer", "numpy.outer(a, b) (both flattened)");
  add_product(app, action, "inner", "numpy.inner(a, b)");
}

}  // namespace ein::cli
