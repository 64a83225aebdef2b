#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "balancer/expected.h"
#include "engine/sim/world_builder.h"
#include "scenarios/loader.h"

namespace faultline::cli {

// Which scenario a command runs, as its arguments say: a built-in or a file, and the overrides.
struct ScenarioChoice {
  std::string scenario;
  std::optional<std::string> strategy;
  std::optional<std::string> seed;
  std::optional<std::string> duration;
};

struct LoadedWorld {
  scenarios::LoadedScenario loaded;  // its source map places errors found later
  sim::WorldSpec spec;
};

// Loads and checks the scenario and resolves it with the overrides. Every error is printed as
// `faultline COMMAND: ...` with its file:line:col or option; the exit code is the error.
Expected<LoadedWorld, int> loadWorld(const ScenarioChoice& choice, const char* command,
                                     std::ostream& err);

}  // namespace faultline::cli
