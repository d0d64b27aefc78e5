// `ein eval SUBSCRIPTS OPERAND...`: any einsum over .npy files and .npz members.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/beyond.hpp"
#include "ein/einsum.hpp"

namespace ein::cli {

namespace {

struct EvalOptions {
  std::string subscripts;
  std::vector<std::string> operands;
  std::string optimize = "auto";
  std::string dtype;
  bool ext = false;    // ein::einsum_ext: repeated output labels, groups (docs/beyond.md)
  bool named = false;  // ein::einsum_named: names separated by spaces
  std::vector<std::string> sizes;  // NAME=N for groups
  std::string semiring;            // max_plus, min_plus, log_sum_exp, max_times
  std::string conj;                // one 0/1 per operand, e.g. "10"
  std::int64_t memory_limit = -1;  // bytes
  OutputOptions out;
};

Semiring parse_semiring(const std::string& name) {
  const std::pair<const char*, Semiring> known[] = {{"standard", Semiring::Standard},
                                                    {"max_plus", Semiring::MaxPlus},
                                                    {"min_plus", Semiring::MinPlus},
                                                    {"log_sum_exp", Semiring::LogSumExp},
                                                    {"max_times", Semiring::MaxTimes}};
  for (const auto& [n, sr] : known) {
    if (name == n) return sr;
  }
  throw UsageError(
      "--semiring expects standard, max_plus, min_plus, log_sum_exp or max_times, got '" + name +
      "'");
}

std::vector<bool> parse_conj(const std::string& flags, std::size_t operands) {
  if (flags.size() != operands || flags.find_first_not_of("01") != std::string::npos) {
    throw UsageError("--conj expects one 0 or 1 per operand (" + std::to_string(operands) +
                     " here), got '" + flags + "'");
  }
  std::vector<bool> out;
  for (char c : flags) out.push_back(c == '1');
  return out;
}

AxisSizes parse_sizes(const std::vector<std::string>& specs) {
  AxisSizes sizes;
  for (const std::string& spec : specs) {
    const std::size_t eq = spec.find('=');
    const std::string digits = eq == std::string::npos ? "" : spec.substr(eq + 1);
    if (eq == 0 || digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      throw UsageError("--size expects NAME=N (N a non-negative integer), got '" + spec + "'");
    }
    sizes.emplace_back(spec.substr(0, eq), std::stoll(digits));
  }
  return sizes;
}

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
  if (!o.semiring.empty()) opt.semiring = parse_semiring(o.semiring);
  if (!o.conj.empty()) opt.conj = parse_conj(o.conj, tensors.size());
  if (o.memory_limit >= 0) opt.memory_limit = o.memory_limit;
  std::vector<TensorView> views(tensors.begin(), tensors.end());
  const double t0 = now_seconds();
  if (o.ext || o.named || !o.sizes.empty()) {
    const AxisSizes sizes = parse_sizes(o.sizes);
    const Tensor result = o.named ? einsum_named(o.subscripts, views, sizes, opt)
                                  : einsum_ext(o.subscripts, views, sizes, opt);
    const double seconds = now_seconds() - t0;
    // The --expect tolerance needs the summation length; bound it by the largest operand.
    Index largest = 1;
    for (const Tensor& t : tensors) largest = std::max(largest, t.numel());
    return emit_result(result, o.out, o.subscripts, seconds, static_cast<double>(largest));
  }
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
  cmd->add_flag("--ext", o->ext,
                "Beyond NumPy: repeated output labels ('i->ii') and groups ('(ij)k,kl->ijl')");
  cmd->add_flag("--named", o->named,
                "Names separated by spaces: 'batch i d, batch j d -> batch i j' (implies --ext)");
  cmd->add_option("--semiring", o->semiring,
                  "Sum and product of another semiring: max_plus, min_plus, log_sum_exp, "
                  "max_times");
  cmd->add_option("--conj", o->conj,
                  "Conjugate operands: one 0/1 per operand, e.g. 10 for conj(a) with b");
  cmd->add_option("--memory-limit", o->memory_limit,
                  "Memory budget in bytes for intermediates (slices the contraction if needed)");
  cmd->add_option("--size", o->sizes, "Size of a label in a group, NAME=N (repeatable)")
      ->type_name("NAME=N")
      ->allow_extra_args(false);  // one NAME=N per --size, so the subscripts stay positional
  add_output_options(cmd, o->out);
  cmd->callback([o, &action] { action = [o] { return run_eval(*o); }; });
}

}  // namespace ein::cli
