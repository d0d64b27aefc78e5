// The subcommands of `ein`. Each add_* registers its options on `app` and, when the subcommand
// is chosen, sets `action` to the function main() runs after parsing (returning the exit code).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace ein::cli {

using Action = std::function<int()>;

void add_eval_command(CLI::App& app, Action& action);
void add_product_commands(CLI::App& app, Action& action);  // dot, matmul, tensordot, outer, inner
void add_path_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_demo_command(CLI::App& app, Action& action);

}  // namespace ein::cli
