// The `recur` subcommands, each added to the app by main.cpp, and what they share:
//   add_run_command(app);     // recur run   — a layer from safetensors weights on an .npy input
//   add_bench_command(app);   // recur bench — time one layer configuration (infer/train/stream)
// run_reporting_errors() makes a failing command print "recur <command>: error: <message>" on
// stderr and end with status 1.
#pragma once

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "recur/nn/recurrent_layer.h"
#include "recur/tensor/error.h"

void add_run_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_forecast_command(CLI::App& app);  // forecast_command.cpp
void add_classify_command(CLI::App& app);  // classify_command.cpp
void add_tag_command(CLI::App& app);       // tag_command.cpp
void add_textgen_command(CLI::App& app);   // textgen_command.cpp
void add_compare_command(CLI::App& app);   // compare_command.cpp
void add_seq2seq_command(CLI::App& app);   // seq2seq_command.cpp

namespace recur::cli {

// Runs a command body; any error becomes a message on stderr and exit status 1 (CLI11's
// RuntimeError makes main()'s app.exit() return that status without printing more).
template <class Body>
void run_reporting_errors(const std::string& command, Body body) {
  try {
    body();
  } catch (const CLI::Error&) {
    throw;
  } catch (const std::exception& e) {
    std::cerr << "recur " << command << ": error: " << e.what() << "\n";
    throw CLI::RuntimeError(1);
  }
}

}  // namespace recur::cli
