#include <gtest/gtest.h>

#include <vector>

#include "balancer/least_request.h"
#include "balancer/random_pick.h"
#include "balancer/round_robin.h"
#include "balancer/strategy_registry.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using testing::FakeRuntime;

using testing::PickFixture;

PickFixture hosts(std::uint32_t count) {
  return testing::equalHosts(count);
}

TEST(RoundRobin, VisitsEveryHostInTurnFromTheSeededOffset) {
  FakeRuntime runtime;
  runtime.scriptRandom({2});  // the seed: start at the third host
  RoundRobin strategy(runtime);
  const auto fixture = hosts(4);
  std::vector<HostIndex> picked;
  for (int i = 0; i < 8; ++i)
    picked.push_back(strategy.pick(fixture.context()));
  EXPECT_EQ(picked, (std::vector<HostIndex>{2, 3, 0, 1, 2, 3, 0, 1}));
}

TEST(RoundRobin, KeepsOneIndexPerLevel) {
  FakeRuntime runtime;
  runtime.scriptRandom({0});
  RoundRobin strategy(runtime);
  const auto fixture = hosts(3);
  EXPECT_EQ(strategy.pick(fixture.context(0)), 0u);
  EXPECT_EQ(strategy.pick(fixture.context(0)), 1u);
  EXPECT_EQ(strategy.pick(fixture.context(1)), 0u);  // level 1 starts at the seed too
  EXPECT_EQ(strategy.pick(fixture.context(0)), 2u);
}

TEST(RoundRobin, FollowsTheCandidateListWhenItShrinks) {
  FakeRuntime runtime;
  runtime.scriptRandom({0});
  RoundRobin strategy(runtime);
  auto fixture = hosts(4);
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
  fixture.candidates = {1, 3};                      // hosts 0 and 2 failed their checks
  EXPECT_EQ(strategy.pick(fixture.context()), 3u);  // turn 1 of a list of 2
  EXPECT_EQ(strategy.pick(fixture.context()), 1u);
}

TEST(RandomPick, MapsTheRandomBitsOntoTheCandidates) {
  FakeRuntime runtime;
  RandomPick strategy(runtime);
  auto fixture = hosts(5);
  fixture.candidates = {10, 11, 12, 13, 14};
  fixture.load.resize(15);
  runtime.scriptRandom(
      {FakeRuntime::bitsForIndex(3, 5), FakeRuntime::bitsForIndex(0, 5), ~std::uint64_t{0}});
  EXPECT_EQ(strategy.pick(fixture.context()), 13u);
  EXPECT_EQ(strategy.pick(fixture.context()), 10u);
  EXPECT_EQ(strategy.pick(fixture.context()), 14u);  // the top of the range stays in bounds
}

TEST(LeastRequest, TakesTheLessLoadedOfTwoSamples) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, 2);
  auto fixture = hosts(4);
  fixture.load[1].active_requests = 5;
  fixture.load[3].active_requests = 2;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(1, 4), FakeRuntime::bitsForIndex(3, 4)});
  EXPECT_EQ(strategy.pick(fixture.context()), 3u);
  runtime.scriptRandom({FakeRuntime::bitsForIndex(3, 4), FakeRuntime::bitsForIndex(1, 4)});
  EXPECT_EQ(strategy.pick(fixture.context()), 3u);
}

TEST(LeastRequest, ATieGoesToTheFirstSample) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, 2);
  auto fixture = hosts(4);
  fixture.load[0].active_requests = 1;
  fixture.load[2].active_requests = 1;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(2, 4), FakeRuntime::bitsForIndex(0, 4)});
  EXPECT_EQ(strategy.pick(fixture.context()), 2u);
}

TEST(LeastRequest, SamplesWithReplacement) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, 2);
  auto fixture = hosts(2);
  fixture.load[0].active_requests = 9;
  // Both samples land on the loaded host: it is picked even though host 1 is idle.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2), FakeRuntime::bitsForIndex(0, 2)});
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
}

TEST(LeastRequest, DrawsAsManySamplesAsChoices) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, 3);
  auto fixture = hosts(5);
  fixture.load = {{4}, {3}, {2}, {1}, {0}};
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 5), FakeRuntime::bitsForIndex(1, 5),
                        FakeRuntime::bitsForIndex(3, 5), FakeRuntime::bitsForIndex(4, 5)});
  EXPECT_EQ(strategy.pick(fixture.context()), 3u);  // the fourth draw is left for the next pick
  EXPECT_EQ(runtime.random(), FakeRuntime::bitsForIndex(4, 5));
}

TEST(StrategyRegistry, BuildsEveryListedStrategy) {
  FakeRuntime runtime;
  for (const auto& info : knownStrategies()) {
    EXPECT_TRUE(isKnownStrategy(info.name));
    auto strategy = makeStrategy(info.name, StrategyOptions{}, runtime, 3);
    ASSERT_TRUE(strategy) << info.name;
    auto fixture = hosts(3);
    EXPECT_LT((*strategy)->pick(fixture.context()), 3u);
    EXPECT_FALSE(info.summary.empty());
    EXPECT_FALSE(info.semantics.empty());
  }
}

TEST(StrategyRegistry, AnUnknownNameListsTheKnownOnes) {
  FakeRuntime runtime;
  auto strategy = makeStrategy("fastest", StrategyOptions{}, runtime, 3);
  ASSERT_FALSE(strategy);
  EXPECT_NE(strategy.error().find("\"fastest\""), std::string::npos);
  EXPECT_NE(strategy.error().find("least-request"), std::string::npos);
  EXPECT_FALSE(isKnownStrategy("fastest"));
}

}  // namespace
}  // namespace faultline::balancer
