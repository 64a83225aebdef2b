#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace faultline::cli {

struct FidelityArguments {
  std::string scenario;
  std::optional<std::string> strategy;
  std::optional<std::string> seed;
  std::optional<std::string> duration;
  double time_scale = 1;
  double rate_scale = 1;
  std::optional<std::string> out;  // a directory for sim.json and live.json
};

// `faultline fidelity SCENARIO [--time-scale X] [--rate-scale Y] [--out DIR]`: the scenario
// simulated and run live on loopback (both at the scaled rates), their figures side by side.
void addFidelityCommand(CLI::App& app, FidelityArguments& arguments);
int compareFidelity(const FidelityArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
