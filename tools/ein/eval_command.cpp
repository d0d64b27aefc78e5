// `ein eval SUBSCRIPTS OPERAND...`: any einsum over .npy files and .npz members.
#include <map>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/einsum.hpp"

namespace ein::cli {

namespace {

struct EvalOptions {
  std::string subscripts;
  std::vector<std::string> operands;
  std::string optimize = "auto";
  std::string dtype;
  OutputOptions out;
};

// How many products each output element sums (product of the extents of the summed labels), for
// the --expect tolerance. Only called after einsum accepted the subscripts.
double summation_length(std::string_view subscripts, const std::vector<Tensor>& operands) {
  const auto arrow = subscripts.find("->");
  const std::string_view inputs = subscripts.substr(0, arrow);
  std::map<char, Index> extent;
  std::map<char, int> count;
  std::size_t start = 0;
  for (const Tensor& op : operands) {
    const std::size_t comma = inputs.find(',', start);
    std::string term;
    for (char c : inputs.substr(start, comma == std::string_view::npos ? comma : comma - start)) {
      if (c != ' ') term += c;
    }
    const std::size_t dots = term.find("...");
    const std::string before = term.substr(0, dots);
    const std::string after = dots == std::string::npos ? "" : term.substr(dots + 3);
    const auto note = [&](char label, int axis) {
      if (axis < 0 || axis >= op.rank()) return;
      extent[label] = std::max(extent[label], op.shape()[axis]);
      ++count[label];
    };
    for (std::size_t i = 0; i < before.size(); ++i) note(before[i], static_cast<int>(i));
    for (std::size_t i = 0; i < after.size(); ++i) {
      note(after[i], op.rank() - static_cast<int>(after.size() - i));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  double length = 1;
  for (const auto& [label, n] : extent) {
    const bool kept = arrow != std::string_view::npos
                          ? subscripts.substr(arrow + 2).find(label) != std::string_view::npos
                          : count[label] == 1;
    if (!kept) length *= static_cast<double>(n);
  }
  return length;
}

int run_eval(const EvalOptions& o) {
  std::vector<Tensor> tensors;
  for (const std::string& spec : o.operands) tensors.push_back(load_operand(spec));
  if (!o.out.expect.empty()) (void)load_operand(o.out.expect);  // fail early on a bad file
  EinsumOptions opt;
  opt.optimize = o.optimize;
  if (!o.dtype.empty()) opt.dtype = parse_dtype(o.dtype);
  std::vector<TensorView> views(tensors.begin(), tensors.end());
  const double t0 = now_seconds();
  const Tensor result = einsum(o.subscripts, views, opt);
  const double seconds = now_seconds() - t0;
  return emit_result(result, o.out, o.subscripts, seconds, summation_length(o.subscripts, tensors));
}

}  // namespace

void add_eval_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Evaluate an einsum expression over .npy files and .npz members");
  cmd->footer(
      "Example: ein eval 'bhid,bhjd->bhij' q.npy k.npy -o scores.npy\n"
      "         ein eval 'ij,jk->ik' weights.npz:W_q x.npy\n"
      "The summary line goes to stdout when -o names a file, to stderr otherwise.");
  cmd->add_option("subscripts", o->subscripts, "Einsum subscripts, e.g. 'ij,jk->ik'")->required();
  cmd->add_option("operands", o->operands, "One .npy file, archive.npz:NAME or '-' per term")
      ->required();
  cmd->add_option("--optimize", o->optimize,
                  "Path finder: auto, greedy, optimal, dp, branch or none")
      ->capture_default_str();
  cmd->add_option("--dtype", o->dtype, "Compute and return in this dtype (NumPy's dtype=)");
  add_output_options(cmd, o->out);
  cmd->callback([o, &action] { action = [o] { return run_eval(*o); }; });
}

}  // namespace ein::cli
