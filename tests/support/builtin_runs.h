#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string_view>

#include "engine/sim/simulation.h"
#include "reports/results.pb.h"
#include "scenarios/loader.h"

namespace faultline::testing {

// A built-in scenario by name (scenarios/library), for tests that run what a user runs.
inline scenario::Scenario builtInScenario(std::string_view name) {
  auto loaded = scenarios::loadScenario(name);
  EXPECT_TRUE(loaded.hasValue()) << name;
  return loaded ? loaded->scenario : scenario::Scenario();
}

// A built-in simulated through the user's path (simulateScenario), cut to `duration`.
inline results::RunResult simulateBuiltIn(std::string_view name, std::chrono::seconds duration) {
  sim::RunOverrides overrides;
  overrides.duration = duration;
  auto result = sim::simulateScenario(builtInScenario(name), overrides);
  EXPECT_TRUE(result.hasValue()) << name;
  return result ? *result : results::RunResult();
}

}  // namespace faultline::testing
