// `ein`: einsum and tensor products over .npy/.npz files, contraction plans, benchmarks, demo.
//
// Exit codes: 0 success; 1 a requested check failed (demo, --expect); 2 a usage error or bad
// input (unreadable or malformed file, bad subscripts, mismatched shapes, ...). Every error is a
// one-line message on stderr; the tool never crashes on bad input.
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>

#include "cli_common.hpp"
#include "commands.hpp"
#include "ein/error.hpp"

int main(int argc, char** argv) {
  using namespace ein::cli;
  CLI::App app{"ein: NumPy-exact einsum and tensor products over .npy/.npz files"};
  app.require_subcommand(1);
  app.footer(
      "Operands are .npy files, archive.npz:NAME members, or '-' for a .npy on stdin.\n"
      "Exit codes: 0 ok, 1 a requested check failed, 2 usage or input error.\n"
      "Run 'ein SUBCOMMAND --help' for the options of each subcommand.");
  Action action;
  add_eval_command(app, action);
  add_product_commands(app, action);
  add_path_command(app, action);
  add_bench_command(app, action);
  add_demo_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help (rc 0) or the error with a usage hint
    return rc == 0 ? kExitOk : kExitUsage;
  }
  try {
    return action ? action() : kExitUsage;
  } catch (const ein::Error& e) {
    std::cerr << "ein: error: " << e.what() << "\n";
  } catch (const UsageError& e) {
    std::cerr << "ein: error: " << e.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << "ein: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "ein: error: " << e.what() << "\n";
  }
  return kExitUsage;
}
