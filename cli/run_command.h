#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace faultline::cli {

struct RunArguments {
  std::string scenario;
  std::optional<std::string> strategy;
  std::optional<std::string> seed;
  std::optional<std::string> duration;
  std::optional<std::string> json;
  std::optional<std::string> report;  // a directory: results.json (unless --json) and report.md
  bool quiet = false;
  // `faultline live` only.
  double time_scale = 1;
  double rate_scale = 1;
};

// `faultline run SCENARIO [--strategy NAME] [--seed N] [--duration D] [--json FILE]`
void addRunCommand(CLI::App& app, RunArguments& arguments);

// Loads, checks, simulates, prints the summary and writes the results. Returns the exit code.
int runScenario(const RunArguments& arguments, std::ostream& out, std::ostream& err);

// `faultline live SCENARIO [--time-scale X] [--rate-scale Y] [run's options]`: the scenario on
// loopback in real time (engine/live), written as the same results file as `run`.
void addLiveCommand(CLI::App& app, RunArguments& arguments);
int runLiveScenario(const RunArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
