// Envoy's priority load and panic arithmetic against the examples of its documentation
// (intro/arch_overview/upstream/load_balancing/priority.rst and panic_threshold.rst).
#include "balancer/priority_load.h"

#include <gtest/gtest.h>

#include <vector>

namespace faultline::balancer {
namespace {

// The priority documentation's tables leave panic out (the panic page treats it): panic is
// disabled here unless a test says otherwise.
constexpr PriorityLoadConfig kNoPanic{.overprovisioning_factor = 140, .panic_threshold = 0};

// Levels of 100 hosts with these many healthy ones.
std::vector<std::uint32_t> loadFor(std::vector<std::uint32_t> healthy_percent,
                                   PriorityLoadConfig config = kNoPanic) {
  std::vector<LevelHealth> levels;
  for (auto healthy : healthy_percent)
    levels.push_back({100, healthy});
  return computePriorityLoad(levels, config).percent;
}

using Loads = std::vector<std::uint32_t>;

TEST(PriorityLoad, TwoLevelsWithAHealthySecondOne) {
  EXPECT_EQ(loadFor({100, 100}), (Loads{100, 0}));
  EXPECT_EQ(loadFor({72, 100}), (Loads{100, 0}));
  EXPECT_EQ(loadFor({71, 100}), (Loads{99, 1}));
  EXPECT_EQ(loadFor({50, 100}), (Loads{70, 30}));
  EXPECT_EQ(loadFor({25, 100}), (Loads{35, 65}));
  EXPECT_EQ(loadFor({0, 100}), (Loads{0, 100}));
}

TEST(PriorityLoad, BothLevelsDegrading) {
  EXPECT_EQ(loadFor({72, 72}), (Loads{100, 0}));
  EXPECT_EQ(loadFor({71, 71}), (Loads{99, 1}));
  EXPECT_EQ(loadFor({50, 50}), (Loads{70, 30}));
  EXPECT_EQ(loadFor({25, 25}), (Loads{50, 50}));  // normalized total 70: {35, 35} scaled up
}

TEST(PriorityLoad, ThreeLevels) {
  EXPECT_EQ(loadFor({100, 100, 100}), (Loads{100, 0, 0}));
  EXPECT_EQ(loadFor({72, 72, 100}), (Loads{100, 0, 0}));
  EXPECT_EQ(loadFor({71, 71, 100}), (Loads{99, 1, 0}));
  EXPECT_EQ(loadFor({50, 50, 100}), (Loads{70, 30, 0}));
  EXPECT_EQ(loadFor({25, 100, 100}), (Loads{35, 65, 0}));
  EXPECT_EQ(loadFor({25, 25, 100}), (Loads{35, 35, 30}));
  // The documentation's table shows 36 / 36 / 28 here; Envoy's code (distributeLoad) divides in
  // integers, 35 / 35 / 28 of a normalized total of 98, and gives the remaining 2 to the first
  // level with health: 37 / 35 / 28. We follow the code.
  EXPECT_EQ(loadFor({25, 25, 20}), (Loads{37, 35, 28}));
  // With Envoy's default panic threshold (50%) every level panics here (the total is short, 98,
  // and no level has half of its hosts): the load follows raw host counts, 100 / 300 each.
  EXPECT_EQ(loadFor({25, 25, 20}, PriorityLoadConfig{}), (Loads{34, 33, 33}));
}

TEST(PriorityLoad, TheOverprovisioningFactorSetsWhereSpillingStarts) {
  EXPECT_EQ(loadFor({99, 100}, {.overprovisioning_factor = 100, .panic_threshold = 0}),
            (Loads{99, 1}));
  EXPECT_EQ(loadFor({50, 100}, {.overprovisioning_factor = 200, .panic_threshold = 0}),
            (Loads{100, 0}));
}

TEST(PriorityLoad, NoLevelPanicsWhileTheTotalIsFullyAvailable) {
  // Level 0 is far below the threshold, but level 1 alone covers all the traffic.
  const auto load = computePriorityLoad(std::vector<LevelHealth>{{100, 10}, {100, 100}}, {});
  EXPECT_EQ(load.percent, (Loads{14, 86}));
  EXPECT_EQ(load.panic, (std::vector<bool>{false, false}));
}

TEST(PriorityLoad, ALevelBelowTheThresholdPanicsWhenCapacityIsShort) {
  // Health 56 and 14 would share 80 / 20, but both levels are below 50% healthy and the total is
  // short (70): every level panics, and the load follows the raw host counts.
  const auto load = computePriorityLoad(std::vector<LevelHealth>{{100, 40}, {100, 10}}, {});
  EXPECT_EQ(load.percent, (Loads{50, 50}));
  EXPECT_EQ(load.panic, (std::vector<bool>{true, true}));
  // All levels panic: the load follows raw host counts instead.
  const auto uneven = computePriorityLoad(std::vector<LevelHealth>{{3, 1}, {1, 0}}, {});
  EXPECT_EQ(uneven.percent, (Loads{75, 25}));
}

TEST(PriorityLoad, OneLevelInPanicAndOneNot) {
  const auto load = computePriorityLoad(std::vector<LevelHealth>{{100, 40}, {100, 60}}, {});
  EXPECT_EQ(load.percent, (Loads{56, 44}));  // health 56 + 84 > 100: NTA 100, no panic at all
  EXPECT_EQ(load.panic, (std::vector<bool>{false, false}));
  const auto short_of = computePriorityLoad(std::vector<LevelHealth>{{100, 20}, {100, 50}}, {});
  // Health 28 and 70: NTA 98, loads 28 and 71, the remaining 1 to the first level.
  EXPECT_EQ(short_of.percent, (Loads{29, 71}));
  EXPECT_EQ(short_of.panic, (std::vector<bool>{true, false}));
}

TEST(PriorityLoad, WithPanicDisabledAndNothingHealthyLevelZeroTakesAll) {
  const auto load =
      computePriorityLoad(std::vector<LevelHealth>{{5, 0}, {5, 0}}, {.panic_threshold = 0});
  EXPECT_EQ(load.percent, (Loads{100, 0}));
  EXPECT_EQ(load.panic, (std::vector<bool>{false, false}));
}

TEST(PriorityLoad, EmptyLevelsTakeNothing) {
  EXPECT_EQ(computePriorityLoad(std::vector<LevelHealth>{{0, 0}, {4, 4}}, {}).percent,
            (Loads{0, 100}));
}

TEST(ChoosePriority, MapsTheHashOntoCumulativeLoads) {
  const Loads loads{70, 0, 30};
  EXPECT_EQ(choosePriority(loads, 0), 0u);    // point 1
  EXPECT_EQ(choosePriority(loads, 69), 0u);   // point 70
  EXPECT_EQ(choosePriority(loads, 70), 2u);   // point 71
  EXPECT_EQ(choosePriority(loads, 99), 2u);   // point 100
  EXPECT_EQ(choosePriority(loads, 100), 0u);  // wraps: point 1
}

}  // namespace
}  // namespace faultline::balancer
