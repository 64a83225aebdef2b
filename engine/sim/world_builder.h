#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "balancer/expected.h"
#include "engine/sim/world_spec.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim {

// What the command line (or the desktop app) may change in a scenario for one run.
struct RunOverrides {
  std::optional<std::uint64_t> seed;
  std::optional<std::string> strategy;
  std::optional<Duration> duration;
};

// A scenario the engine cannot run, found after the loader's own checks: an unknown strategy, an
// override that contradicts the scenario. `path` is a field path ("balancer.strategy") or the
// name of the override ("--strategy"), reported the way the loader reports its errors.
struct ConfigError {
  std::string path;
  std::string message;
};

// Resolves a validated scenario (scenarios::loadScenario) into a WorldSpec.
Expected<WorldSpec, ConfigError> buildWorldSpec(const scenario::Scenario& scenario,
                                                const RunOverrides& overrides);

}  // namespace faultline::sim
