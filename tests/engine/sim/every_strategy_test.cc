// Every strategy the core knows runs every built-in scenario through the path a user takes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "balancer/strategy_registry.h"
#include "engine/sim/simulation.h"
#include "scenarios/library.h"
#include "scenarios/loader.h"

namespace faultline::sim {
namespace {

TEST(EveryStrategy, RunsEveryBuiltInScenario) {
  for (const auto& builtin : scenarios::builtinScenarios()) {
    auto loaded = scenarios::loadScenario(builtin.name);
    ASSERT_TRUE(loaded) << builtin.name;
    for (const auto& strategy : balancer::knownStrategies()) {
      RunOverrides overrides;
      overrides.strategy = std::string(strategy.name);
      // Past any warm-up, short enough for a unit test.
      overrides.duration = std::chrono::seconds(static_cast<long>(loaded->scenario.warmup_s()) + 5);
      auto result = simulateScenario(loaded->scenario, overrides);
      ASSERT_TRUE(result) << builtin.name << " / " << strategy.name;
      const auto& summary = result->summary();
      EXPECT_EQ(result->run().strategy(), strategy.name);
      EXPECT_GT(summary.requests_total(), 1000) << builtin.name << " / " << strategy.name;
      // No built-in has a fault in its first seconds: every strategy keeps nearly all.
      EXPECT_GT(summary.availability(), 0.99) << builtin.name << " / " << strategy.name;
    }
  }
}

}  // namespace
}  // namespace faultline::sim
