// `ein path SUBSCRIPTS --shapes ...`: the contraction plan report, without any data.
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/einsum.hpp"
#include "ein/plan_file.hpp"

namespace ein::cli {

namespace {

struct PathOptions {
  std::string subscripts;
  std::string shapes;
  std::string optimize = "auto";
  std::string dtype = "float64";
  std::int64_t memory_limit = -1;
  std::string save_plan;   // append the compiled plan to this plan file
  std::string show_plans;  // print the plans in this plan file instead
};

// `ein path --show-plans FILE`: every plan in a plan file (loaded, hence validated).
int show_plans(const std::string& file) {
  const std::vector<SavedPlan> plans = load_plans(file);
  std::cout << file << ": " << plans.size() << " plan" << (plans.size() == 1 ? "" : "s") << "\n";
  for (std::size_t k = 0; k < plans.size(); ++k) {
    const Expression& e = plans[k].expression;
    std::cout << "\n[" << k << "]";
    if (!plans[k].tag.empty()) {
      // Python's cache tags end in a marker byte; print the subscripts part only.
      const std::string tag = plans[k].tag.substr(0, plans[k].tag.find('\x01'));
      std::cout << " tag '" << tag << "'";
    }
    std::cout << "\n  operands:";
    for (const OperandSpec& op : e.operand_specs()) {
      std::cout << " " << dtype_name(op.dtype) << shape_to_string(op.shape);
    }
    std::string report = e.info().to_string();
    if (!report.empty() && report.back() != '\n') report += '\n';
    std::cout << "\n" << report;
  }
  std::cout.flush();
  return kExitOk;
}

int run_path(const PathOptions& o) {
  if (!o.show_plans.empty()) return show_plans(o.show_plans);
  if (o.subscripts.empty() || o.shapes.empty()) {
    throw Error(ErrorCode::InvalidArgument, "ein path: give SUBSCRIPTS and --shapes");
  }
  const DType dtype = parse_dtype(o.dtype);
  std::vector<OperandSpec> specs;
  for (Shape& s : parse_shapes(o.shapes)) specs.push_back({dtype, std::move(s), {}});
  EinsumOptions opt;
  opt.optimize = o.optimize;
  if (o.memory_limit >= 0) opt.memory_limit = o.memory_limit;
  if (!o.save_plan.empty()) {
    // Appends: the existing plans (validated) plus this one.
    std::vector<SavedPlan> plans;
    if (std::ifstream(o.save_plan).good()) plans = load_plans(o.save_plan);
    plans.push_back({std::string(), Expression::compile(o.subscripts, specs, opt)});
    save_plans(o.save_plan, plans);
  }
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
  cmd->add_option("subscripts", o->subscripts, "Einsum subscripts");
  cmd->add_option("--shapes", o->shapes,
                  "Operand shapes, comma-separated, extents joined by 'x'; () for a scalar")
      ->type_name("SHAPES");
  cmd->add_option("--optimize", o->optimize,
                  "Path finder: auto, greedy, optimal, dp, branch or none")
      ->capture_default_str();
  cmd->add_option("--dtype", o->dtype, "Operand dtype (affects memory sizes)")
      ->capture_default_str();
  cmd->add_option("--memory-limit", o->memory_limit,
                  "Memory budget for intermediates and workspace, in bytes (slices when needed)");
  cmd->add_option("--save-plan", o->save_plan,
                  "Also compile the plan and append it to this plan file (ein's own format)")
      ->type_name("FILE");
  cmd->add_option("--show-plans", o->show_plans,
                  "Print the plans of a plan file (written by --save-plan or ein.save_plans)")
      ->type_name("FILE");
  cmd->callback([o, &action] { action = [o] { return run_path(*o); }; });
}

}  // namespace ein::cli
