// The `recur` command line: one program, a subcommand per job (forecast, run, bench, ...).
// Exit codes: 0 success, 1 a command failed (message on stderr), 2 bad usage.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "recur/distributed/mpi_session.h"
#include "worker_rank.h"

// OpenMP workers that spin between parallel regions steal the cores they wait for when the
// machine is busy (measured here: a forecast run 5x slower with 2 spinning threads than with 1).
// libgomp reads OMP_WAIT_POLICY once, when it loads, before main(): so unless the user chose a
// policy, restart once with the passive one.
void prefer_passive_openmp_threads(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: then go on as we are
}

int run_command_line(int argc, char** argv) {
  CLI::App app{"recur: recurrent sequence models (RNN, LSTM, GRU) — train, run, forecast"};
  app.set_version_flag("--version", std::string("recur ") + RECUR_VERSION);
  app.require_subcommand(0, 1);
  add_forecast_command(app);
  add_classify_command(app);
  add_tag_command(app);
  add_textgen_command(app);
  add_seq2seq_command(app);
  add_compare_command(app);
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
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command failed and printed why (RuntimeError is a ParseError)
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // bad usage
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}

// Under mpirun every rank runs the same command line (docs/DISTRIBUTED.md); a rank that fails
// ends the job, since its peers would wait for it forever.
int main(int argc, char** argv) {
  prefer_passive_openmp_threads(argv);
  try {
    recur::distributed::MpiSession mpi(argc, argv);
    int code = 0;
    {
      const recur::cli::WorkerRank worker(mpi.rank(), argc, argv);
      code = run_command_line(argc, argv);
    }  // a worker's private folder is removed before a failure ends the job
    if (code != 0 && mpi.size() > 1) mpi.abort(code);
    return code;
  } catch (const std::exception& e) {
    std::cerr << "recur: error: " << e.what() << "\n";
    return 1;
  }
}
