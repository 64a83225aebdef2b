#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace faultline::cli {

struct CompareArguments {
  std::string scenario;
  std::optional<std::string> strategies;  // comma-separated; default: every known strategy
  int seeds = 5;
  std::optional<std::string> seed;  // the first seed; default: the scenario's
  std::optional<std::string> duration;
  std::optional<int> jobs;  // default: the machine's cores
  double confidence = 0.95;
  std::optional<std::string> json;
  std::optional<std::string> report;  // a directory: comparison.json (unless --json) and report.md
  bool quiet = false;
};

// `faultline compare SCENARIO [--strategies a,b,c] [--seeds N] [--jobs J] [--json FILE]`
void addCompareCommand(CLI::App& app, CompareArguments& arguments);

// Runs every strategy with every seed, prints the comparison and writes it. Returns the exit code.
int compareStrategies(const CompareArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
