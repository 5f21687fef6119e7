// `recur compare`: vanilla RNN, LSTM, GRU and a Transformer encoder under the same parameter and
// training budgets on synthetic tasks that need memory (the adding problem, the copy task,
// parity), each scored beside its trivial baseline, into a run folder (table, verdict, learning
// curves). Exit codes: 0 success, 1 a failure while running (files), 2 bad usage.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "number_flags.h"
#include "recur/apps/compare/compare_pipeline.h"
#include "recur/apps/compare/compare_report.h"
#include "training_flags.h"

namespace compare_command {

using namespace recur;
using json = nlohmann::json;

struct Flags {
  compare::CompareOptions options;
  bool quick = false;
  cli::CommonFlags common;
};

// A task name make_task accepts, checked while parsing (exit 2 naming --tasks otherwise).
CLI::Validator task_name() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        try {
          compare::make_task(name);
          return {};
        } catch (const std::exception& e) {
          return e.what();
        }
      },
      "TASK");
}

// --quick stands for quick_options() in every setting not given on the command line.
void apply_quick(const CLI::App& cmd, compare::CompareOptions& o) {
  const compare::CompareOptions q = compare::quick_options();
  auto unless_given = [&](const char* flag, auto& field, const auto& quick_value) {
    if (cmd.count(flag) == 0) field = quick_value;
  };
  unless_given("--tasks", o.tasks, q.tasks);
  unless_given("--params", o.parameter_budget, q.parameter_budget);
  unless_given("--steps", o.training.steps, q.training.steps);
  unless_given("--time-cap", o.training.time_cap_seconds, q.training.time_cap_seconds);
  unless_given("--batch-size", o.training.batch_size, q.training.batch_size);
  unless_given("--eval-every", o.training.eval_every, q.training.eval_every);
  unless_given("--validation-size", o.validation_size, q.validation_size);
  unless_given("--test-size", o.test_size, q.test_size);
}

json result_json(const compare::CompareResult& r, const compare::CompareOptions& o) {
  json j = compare::metrics_json(r, o);
  // The curves are in metrics.json; the printed summary keeps to the table.
  for (auto& task : j["tasks"]) {
    for (auto& model : task["models"]) model.erase("curve");
  }
  j["run"] = o.out_dir;
  j["files"] = r.files;
  return j;
}

void add(CLI::App& app, Flags& f) {
  CLI::App* cmd = app.add_subcommand(
      "compare", "RNN vs LSTM vs GRU vs Transformer on memory tasks, same parameter budget");
  cmd->footer(
      "Example:\n  recur compare --tasks adding-50,adding-500,copy-20 --models rnn,lstm,gru "
      "--params 10000 --steps 1500 --time-cap 60 --out runs/compare\n"
      "  recur compare --quick --out runs/compare-quick     # seconds, for CI\n\n"
      "Tasks: adding-T (the adding problem over T steps), copy-T (remember 10 symbols over T "
      "blanks), parity-T (parity of T inputs of -1/+1), dates-T (a date in a human format, "
      "padded to T characters, rewritten as ISO 8601). The run folder gets config.json, "
      "metrics.json, report.md and curves_<task>.png.");
  compare::CompareOptions& o = f.options;
  compare::TrainingBudget& t = o.training;
  cmd->add_option("--tasks", o.tasks,
                  "tasks, comma-separated (adding-T, copy-T, parity-T, dates-T)")
      ->delimiter(',')
      ->check(task_name())
      ->capture_default_str();
  cmd->add_option("--models", o.models, "models, comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember(compare::model_kind_names()))
      ->capture_default_str();
  cmd->add_option("--params", o.parameter_budget,
                  "parameter budget: each model's width is chosen to come closest")
      ->check(cli::whole_number(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--steps", t.steps, "training steps per model")
      ->check(cli::whole_number(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--time-cap", t.time_cap_seconds,
                  "wall-clock seconds per model, after which it stops training")
      ->check(cli::real_number(0.0, 1e9, cli::Bounds::kOpenMin))
      ->capture_default_str();
  cmd->add_option("--batch-size", t.batch_size, "sequences per training step")
      ->check(cli::whole_number(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--lr", t.lr, "Adam learning rate (every model)")
      ->check(cli::real_number(0.0, 10.0, cli::Bounds::kOpenMin))
      ->capture_default_str();
  cmd->add_option("--clip-grad-norm", t.clip_grad_norm, "gradient-norm clipping, 0 = off")
      ->check(cli::real_number(0.0))
      ->capture_default_str();
  cmd->add_option("--eval-every", t.eval_every, "steps between validation points of the curves")
      ->check(cli::whole_number(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--validation-size", o.validation_size, "validation sequences per task")
      ->check(cli::whole_number(1, 10000000))
      ->capture_default_str();
  cmd->add_option("--test-size", o.test_size, "test sequences per task")
      ->check(cli::whole_number(1, 10000000))
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "random seed: same seed, same numbers")
      ->check(cli::whole_number(0))
      ->capture_default_str();
  cmd->add_flag("--quick", f.quick,
                "small tasks and budgets, seconds in all (flags given still apply)");
  cmd->add_option("--out", o.out_dir, "run folder to write")->capture_default_str();
  cli::add_common_flags(*cmd, f.common);
  cmd->callback([cmd, &f] {
    cli::run_reporting_errors("compare", [&] {
      f.common.apply_threads();
      compare::CompareOptions o = f.options;
      if (f.quick) apply_quick(*cmd, o);
      o.progress = f.common.progress();
      const compare::CompareResult r = compare::run_compare(o);
      if (f.common.json_output) {
        std::cout << result_json(r, o).dump(2) << "\n";
      } else if (!f.common.quiet) {
        std::cout << compare::format_summary(r) << "Wrote " << o.out_dir << "/\n";
      }
    });
  });
}

}  // namespace compare_command

void add_compare_command(CLI::App& app) {
  static compare_command::Flags flags;
  compare_command::add(app, flags);
}
