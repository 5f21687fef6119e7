// The `recur` command line: one program, a subcommand per job (forecast, run, bench, ...).
// Exit codes: 0 success, 1 a command failed (message on stderr), 2 bad usage.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"recur: recurrent sequence models (RNN, LSTM, GRU) — train, run, forecast"};
  app.set_version_flag("--version", std::string("recur ") + RECUR_VERSION);
  app.require_subcommand(0, 1);
  add_forecast_command(app);
  add_run_command(app);
  add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // bad usage
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command failed; it printed why
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}
