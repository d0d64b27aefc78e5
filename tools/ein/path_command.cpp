// `ein path SUBSCRIPTS --shapes ...`: the contraction plan report, without any data.
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/einsum.hpp"

namespace ein::cli {

namespace {

struct PathOptions {
  std::string subscripts;
  std::string shapes;
  std::string optimize = "auto";
  std::string dtype = "float64";
  std::int64_t memory_limit = -1;
};

int run_path(const PathOptions& o) {
  const DType dtype = parse_dtype(o.dtype);
  std::vector<OperandSpec> specs;
  for (Shape& s : parse_shapes(o.shapes)) specs.push_back({dtype, std::move(s), {}});
  EinsumOptions opt;
  opt.optimize = o.optimize;
  if (o.memory_limit >= 0) opt.memory_limit = o.memory_limit;
  std::string report = einsum_path(o.subscripts, specs, opt).to_string();
  if (!report.empty() && report.back() != '\n') report += '\n';
  std::cout << report;
  std::cout.flush();
  return kExitOk;
}

}  // namespace

void add_path_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<PathOptions>();
  CLI::App* cmd = app.add_subcommand(
      "path", "Print the contraction plan (numpy.einsum_path's report) for operand shapes");
  cmd->footer("Example: ein path 'bhid,bhjd->bhij' --shapes 8x12x512x64,8x12x512x64");
  cmd->add_option("subscripts", o->subscripts, "Einsum subscripts")->required();
  cmd->add_option("--shapes", o->shapes,
                  "Operand shapes, comma-separated, extents joined by 'x'; () for a scalar")
      ->required()
      ->type_name("SHAPES");
  cmd->add_option("--optimize", o->optimize,
                  "Path finder: auto, greedy, optimal, dp, branch or none")
      ->capture_default_str();
  cmd->add_option("--dtype", o->dtype, "Operand dtype (affects memory sizes)")
      ->capture_default_str();
  cmd->add_option("--memory-limit", o->memory_limit,
                  "Largest intermediate the planner may create, in bytes");
  cmd->callback([o, &action] { action = [o] { return run_path(*o); }; });
}

}  // namespace ein::cli
