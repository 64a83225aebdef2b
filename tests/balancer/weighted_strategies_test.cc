// Unit tests of the weighted strategies: the EDF scheduler, round robin and least request when
// weights differ, least request's full scan, and NGINX's smooth weighted round robin. Random
// numbers are scripted and every expected sequence was worked out by hand from the source's rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "balancer/edf_scheduler.h"
#include "balancer/least_request.h"
#include "balancer/round_robin.h"
#include "balancer/smooth_weighted_round_robin.h"
#include "balancer/strategy_registry.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using testing::FakeRuntime;
using testing::PickFixture;
using Sequence = std::vector<HostIndex>;

// 64 random bits that map to 0 among 2 but to 1 among 3 (0.4 of the range).
constexpr std::uint64_t kFourTenths = 0x6666666666666666;
// A value a test scripts after the draws it expects, to check that no other draw happened.
constexpr std::uint64_t kSentinel = 0x5e5e5e5e5e5e5e5e;

Sequence picks(Strategy& strategy, const PickFixture& fixture, int count) {
  Sequence picked;
  for (int i = 0; i < count; ++i)
    picked.push_back(strategy.pick(fixture.context()));
  return picked;
}

// --- EdfScheduler --------------------------------------------------------------------------------

Sequence schedule(EdfScheduler& edf, const std::vector<double>& weights, int count) {
  const auto weight_of = [&weights](std::uint32_t item) { return weights[item]; };
  Sequence picked;
  for (int i = 0; i < count; ++i)
    picked.push_back(edf.pickAndAdd(weight_of));
  return picked;
}

TEST(EdfScheduler, PicksTheEarliestDeadlineAndBreaksTiesByInsertionOrder) {
  // Deadlines 1/4, 1/2, 1 (dyadic, so ties are exact): at 1/2 host 1 (added second) goes before
  // host 0's re-added entry; at 1 the order is 2 (added at 0), 1 (re-added at 1/2), 0 (at 3/4).
  EdfScheduler edf;
  const std::vector<double> weights = {4, 2, 1};
  for (std::uint32_t item = 0; item < weights.size(); ++item)
    edf.add(item, weights[item]);
  EXPECT_EQ(schedule(edf, weights, 14), (Sequence{0, 1, 0, 0, 2, 1, 0, 0, 1, 0, 0, 2, 1, 0}));
  EXPECT_DOUBLE_EQ(edf.currentTime(), 2.0);
}

TEST(EdfScheduler, EqualWeightsAreRoundRobinInInsertionOrder) {
  EdfScheduler edf;
  const std::vector<double> weights = {3, 3, 3, 3};
  for (std::uint32_t item : {2u, 0u, 3u, 1u})
    edf.add(item, weights[item]);
  EXPECT_EQ(schedule(edf, weights, 8), (Sequence{2, 0, 3, 1, 2, 0, 3, 1}));
}

TEST(EdfScheduler, GivesEachEntryItsWeightsShareOverAPeriod) {
  EdfScheduler edf;
  const std::vector<double> weights = {3, 5, 7, 0.5};
  for (std::uint32_t item = 0; item < weights.size(); ++item)
    edf.add(item, weights[item]);
  // The weights add up to 15.5 picks per unit of the scheduler's time, so 961 picks bring the
  // clock to 62, by when each entry has had 62 x its weight picks, give or take one.
  std::vector<int> counts(weights.size(), 0);
  for (HostIndex item : schedule(edf, weights, 961))
    ++counts[item];
  EXPECT_NEAR(counts[0], 186, 1);
  EXPECT_NEAR(counts[1], 310, 1);
  EXPECT_NEAR(counts[2], 434, 1);
  EXPECT_NEAR(counts[3], 31, 1);
}

TEST(EdfScheduler, ReAddsAPickedEntryAtTheWeightItHasThen) {
  EdfScheduler edf;
  edf.add(0, 1.0);
  edf.add(1, 1.0);
  std::vector<double> weights = {0.5, 1.0};  // entry 0 slows down once it has been added
  // 0 at 1 (re-added due 3), 1 at 1 (due 2), 1 at 2 (due 3, added after 0's), 0 at 3, 1 at 3.
  EXPECT_EQ(schedule(edf, weights, 5), (Sequence{0, 1, 1, 0, 1}));
}

TEST(EdfScheduler, ClearRestartsTheClockAndTheOrder) {
  EdfScheduler edf;
  const std::vector<double> weights = {2, 1};
  edf.add(0, 2);
  edf.add(1, 1);
  schedule(edf, weights, 5);
  edf.clear();
  EXPECT_TRUE(edf.empty());
  EXPECT_DOUBLE_EQ(edf.currentTime(), 0.0);
  edf.add(1, 1);
  edf.add(0, 2);
  EXPECT_EQ(schedule(edf, weights, 6), (Sequence{0, 1, 0, 0, 1, 0}));
}

// --- RoundRobin with weights ---------------------------------------------------------------------

TEST(WeightedRoundRobin, FollowsTheEdfScheduleWhenWeightsDiffer) {
  FakeRuntime runtime;
  runtime.scriptRandom({7, FakeRuntime::bitsForIndex(0, 3), kSentinel});  // seed, start offset
  RoundRobin strategy(runtime);
  const PickFixture fixture({4, 2, 1});
  EXPECT_EQ(picks(strategy, fixture, 14), (Sequence{0, 1, 0, 0, 2, 1, 0, 0, 1, 0, 0, 2, 1, 0}));
  EXPECT_EQ(runtime.random(), kSentinel);  // one draw per build, none per pick
}

TEST(WeightedRoundRobin, StartsTheScheduleAtARandomPoint) {
  FakeRuntime runtime;
  runtime.scriptRandom({7, FakeRuntime::bitsForIndex(2, 3)});  // skip the first two picks
  RoundRobin strategy(runtime);
  const PickFixture fixture({4, 2, 1});
  EXPECT_EQ(picks(strategy, fixture, 7), (Sequence{0, 0, 2, 1, 0, 0, 1}));
}

TEST(WeightedRoundRobin, RebuildsTheScheduleWhenTheCandidatesChange) {
  FakeRuntime runtime;
  runtime.scriptRandom({7, FakeRuntime::bitsForIndex(0, 3), FakeRuntime::bitsForIndex(0, 2)});
  RoundRobin strategy(runtime);
  PickFixture fixture({4, 2, 1});
  EXPECT_EQ(picks(strategy, fixture, 2), (Sequence{0, 1}));
  fixture.candidates = {1, 2};  // host 0 failed its checks: weights 2 and 1 remain
  ++fixture.version;
  EXPECT_EQ(picks(strategy, fixture, 6), (Sequence{1, 2, 1, 1, 2, 1}));
}

TEST(WeightedRoundRobin, KeepsTheScheduleWhileTheVersionStands) {
  FakeRuntime runtime;
  runtime.scriptRandom({7, FakeRuntime::bitsForIndex(0, 3), kSentinel});
  RoundRobin strategy(runtime);
  PickFixture fixture({4, 2, 1});
  EXPECT_EQ(picks(strategy, fixture, 3), (Sequence{0, 1, 0}));
  EXPECT_EQ(picks(strategy, fixture, 4), (Sequence{0, 2, 1, 0}));  // the same schedule, continued
  EXPECT_EQ(runtime.random(), kSentinel);
}

TEST(WeightedRoundRobin, ReturnsToPlainRoundRobinWhenTheWeightsLeftAreEqual) {
  FakeRuntime runtime;
  runtime.scriptRandom({1, FakeRuntime::bitsForIndex(0, 3), kSentinel});
  RoundRobin strategy(runtime);
  PickFixture fixture({4, 1, 1});
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
  fixture.candidates = {1, 2};
  ++fixture.version;
  // The plain index of the level starts at the seed (1): turn 1, 2, 3 of a list of two.
  EXPECT_EQ(picks(strategy, fixture, 3), (Sequence{2, 1, 2}));
  EXPECT_EQ(runtime.random(), kSentinel);  // equal weights need no schedule and no draw
}

TEST(WeightedRoundRobin, KeepsOneSchedulePerLevel) {
  FakeRuntime runtime;
  runtime.scriptRandom({7, FakeRuntime::bitsForIndex(0, 3), FakeRuntime::bitsForIndex(1, 3)});
  RoundRobin strategy(runtime);
  const PickFixture fixture({4, 2, 1});
  EXPECT_EQ(strategy.pick(fixture.context(0)), 0u);
  EXPECT_EQ(strategy.pick(fixture.context(1)), 1u);  // level 1 starts one pick in
  EXPECT_EQ(strategy.pick(fixture.context(0)), 1u);
  EXPECT_EQ(strategy.pick(fixture.context(1)), 0u);
}

// --- LeastRequest: full scan ---------------------------------------------------------------------

LeastRequestOptions fullScan() {
  return LeastRequestOptions{.full_scan = true};
}

TEST(LeastRequestFullScan, PicksTheLeastLoadedWithoutDrawingWhenItIsUnique) {
  FakeRuntime runtime;
  runtime.scriptRandom({kSentinel});
  LeastRequest strategy(runtime, fullScan());
  auto fixture = testing::equalHosts(5);
  fixture.load = {{3}, {4}, {2}, {1}, {6}};
  EXPECT_EQ(strategy.pick(fixture.context()), 3u);
  EXPECT_EQ(runtime.random(), kSentinel);
}

TEST(LeastRequestFullScan, BreaksTiesByReservoirSampling) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, fullScan());
  auto fixture = testing::equalHosts(5);
  fixture.load = {{1}, {0}, {0}, {2}, {0}};  // hosts 1, 2 and 4 tie
  // Second tied host seen: replace with probability 1/2 (index 0 of 2): yes. Third: 1/3: no.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2), FakeRuntime::bitsForIndex(1, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 2u);
  // No, then yes.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(1, 2), FakeRuntime::bitsForIndex(0, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 4u);
  // No, no: the first tied host stays.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(1, 2), FakeRuntime::bitsForIndex(2, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 1u);
}

TEST(LeastRequestFullScan, ANewMinimumRestartsTheTieCount) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, fullScan());
  auto fixture = testing::equalHosts(4);
  fixture.load = {{2}, {2}, {1}, {1}};
  // Host 1 ties host 0 (a draw among 2), host 2 is a new minimum, host 3 ties it: a draw among
  // 2 again, not 3. 0.4 of the range is index 0 of 2 (replace) but index 1 of 3 (keep).
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2), kFourTenths, kSentinel});
  EXPECT_EQ(strategy.pick(fixture.context()), 3u);
  EXPECT_EQ(runtime.random(), kSentinel);
}

// --- LeastRequest with weights -------------------------------------------------------------------

TEST(WeightedLeastRequest, WithBiasZeroIsWeightedRoundRobin) {
  FakeRuntime runtime;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 3), kSentinel});
  LeastRequest strategy(runtime, LeastRequestOptions{.active_request_bias = 0.0});
  PickFixture fixture({4, 2, 1});
  fixture.load = {{9}, {0}, {3}};  // ignored with bias 0
  EXPECT_EQ(picks(strategy, fixture, 14), (Sequence{0, 1, 0, 0, 2, 1, 0, 0, 1, 0, 0, 2, 1, 0}));
  EXPECT_EQ(runtime.random(), kSentinel);
}

TEST(WeightedLeastRequest, ScalesTheWeightByTheActiveRequests) {
  FakeRuntime runtime;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2)});
  LeastRequest strategy(runtime, LeastRequestOptions{});  // bias 1
  PickFixture fixture({2, 1});
  fixture.load = {{3}, {0}};  // scheduling weights 2 / 4 and 1 / 1: host 1 comes up twice as often
  EXPECT_EQ(picks(strategy, fixture, 9), (Sequence{1, 0, 1, 1, 0, 1, 1, 0, 1}));
}

TEST(WeightedLeastRequest, ReAddsAPickedHostAtItsCurrentWeight) {
  FakeRuntime runtime;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2)});
  LeastRequest strategy(runtime, LeastRequestOptions{});
  PickFixture fixture({2, 1});
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);  // re-added at 2 / 1: due at 1
  fixture.load[0].active_requests = 3;              // from now on 2 / 4
  // 1 at 1; 0 at 1 (re-added at 0.5: due 3); 1 at 2; 0 at 3; 1 at 3, at 4; 0 at 5.
  EXPECT_EQ(picks(strategy, fixture, 7), (Sequence{1, 0, 1, 0, 1, 1, 0}));
}

TEST(WeightedLeastRequest, AppliesTheBiasAsAnExponent) {
  FakeRuntime runtime;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2)});
  LeastRequest strategy(runtime, LeastRequestOptions{.active_request_bias = 2.0});
  PickFixture fixture({8, 1});
  fixture.load = {{1}, {0}};  // 8 / 2^2 = 2 against 1 / 1^2
  EXPECT_EQ(picks(strategy, fixture, 6), (Sequence{0, 1, 0, 0, 1, 0}));
}

TEST(WeightedLeastRequest, IgnoresChoiceCountAndFullScanAsEnvoyDoes) {
  FakeRuntime runtime;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 3), kSentinel});
  LeastRequest strategy(
      runtime,
      LeastRequestOptions{.choice_count = 5, .full_scan = true, .active_request_bias = 0.0});
  const PickFixture fixture({4, 2, 1});
  EXPECT_EQ(picks(strategy, fixture, 7), (Sequence{0, 1, 0, 0, 2, 1, 0}));
  EXPECT_EQ(runtime.random(), kSentinel);
}

TEST(WeightedLeastRequest, ANegativeBiasFallsBackToOne) {
  FakeRuntime runtime;
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2)});
  LeastRequest strategy(runtime, LeastRequestOptions{.active_request_bias = -1.0});
  PickFixture fixture({2, 1});
  fixture.load = {{3}, {0}};
  EXPECT_EQ(picks(strategy, fixture, 9), (Sequence{1, 0, 1, 1, 0, 1, 1, 0, 1}));
}

// --- SmoothWeightedRoundRobin --------------------------------------------------------------------

TEST(SmoothWeightedRoundRobin, GivesNginxsSequenceForFiveOneOne) {
  const PickFixture fixture({5, 1, 1});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(picks(strategy, fixture, 14), (Sequence{0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0}));
  // After each full period of 7 picks every current weight is back at 0.
  for (HostIndex h = 0; h < 3; ++h)
    EXPECT_EQ(strategy.currentWeight(h), 0) << h;
}

TEST(SmoothWeightedRoundRobin, TracksNginxsCurrentWeights) {
  const PickFixture fixture({5, 1, 1});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);  // (5, 1, 1): a wins and pays 7
  EXPECT_EQ(strategy.currentWeight(0), -2);
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);  // (3, 2, 2)
  EXPECT_EQ(strategy.pick(fixture.context()), 1u);  // (1, 3, 3): the tie goes to b, first in list
  EXPECT_EQ(strategy.currentWeight(0), 1);
  EXPECT_EQ(strategy.currentWeight(1), -4);
  EXPECT_EQ(strategy.currentWeight(2), 3);
}

TEST(SmoothWeightedRoundRobin, EqualWeightsArePlainRoundRobin) {
  const PickFixture fixture({3, 3, 3});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(picks(strategy, fixture, 6), (Sequence{0, 1, 2, 0, 1, 2}));
}

TEST(SmoothWeightedRoundRobin, AFailureDropsTheEffectiveWeightWhichRecoversByOnePerPick) {
  const PickFixture fixture({5, 1, 1});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
  strategy.onResult(0, Outcome::kConnectFailure, Duration{});
  EXPECT_EQ(strategy.effectiveWeight(0), 0);  // 5 - 5 / max_fails(1)
  // ew of a: 0, 1, 2, 3, 4 as it recovers in each round, whoever wins it.
  EXPECT_EQ(picks(strategy, fixture, 4), (Sequence{1, 2, 1, 0}));
  EXPECT_EQ(strategy.effectiveWeight(0), 4);
  EXPECT_EQ(picks(strategy, fixture, 9), (Sequence{0, 2, 0, 0, 1, 0, 0, 0, 2}));
  EXPECT_EQ(strategy.effectiveWeight(0), 5);  // back to its weight, and no further
}

TEST(SmoothWeightedRoundRobin, CountsErrorsAndTimeoutsButNotHttpAnswers) {
  const PickFixture fixture({4, 4});
  for (Outcome outcome : {Outcome::kSuccess, Outcome::kServerError, Outcome::kOverloaded}) {
    SmoothWeightedRoundRobin strategy(2);
    strategy.pick(fixture.context());
    strategy.onResult(0, outcome, Duration{});
    EXPECT_EQ(strategy.effectiveWeight(0), 4) << toString(outcome);
  }
  for (Outcome outcome : {Outcome::kConnectFailure, Outcome::kReset, Outcome::kTimeout}) {
    SmoothWeightedRoundRobin strategy(2);
    strategy.pick(fixture.context());
    strategy.onResult(0, outcome, Duration{});
    EXPECT_EQ(strategy.effectiveWeight(0), 0) << toString(outcome);
  }
}

TEST(SmoothWeightedRoundRobin, SubtractsWeightOverMaxFailsFlooredAtZero) {
  const PickFixture fixture({5, 1});
  SmoothWeightedRoundRobin strategy(2, /*max_fails=*/2);
  strategy.pick(fixture.context());
  strategy.onResult(0, Outcome::kTimeout, Duration{});
  EXPECT_EQ(strategy.effectiveWeight(0), 3);  // 5 - 5 / 2
  strategy.onResult(0, Outcome::kTimeout, Duration{});
  EXPECT_EQ(strategy.effectiveWeight(0), 1);
  strategy.onResult(0, Outcome::kTimeout, Duration{});
  EXPECT_EQ(strategy.effectiveWeight(0), 0);
}

TEST(SmoothWeightedRoundRobin, MaxFailsZeroTurnsFailureAccountingOff) {
  const PickFixture fixture({5, 1});
  SmoothWeightedRoundRobin strategy(2, /*max_fails=*/0);
  strategy.pick(fixture.context());
  strategy.onResult(0, Outcome::kTimeout, Duration{});
  EXPECT_EQ(strategy.effectiveWeight(0), 5);
}

TEST(SmoothWeightedRoundRobin, HostsThatStayKeepTheirStateAndReturningHostsStartFresh) {
  PickFixture fixture({5, 1, 1});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(picks(strategy, fixture, 2), (Sequence{0, 0}));  // cw (-4, 2, 2)
  fixture.candidates = {0, 1};                               // host 2 is down
  ++fixture.version;
  // Sums after adding the ews: (1, 3) -> b, (6, -2) -> a, (5, -1) -> a, (4, 0) -> a.
  EXPECT_EQ(picks(strategy, fixture, 4), (Sequence{1, 0, 0, 0}));
  EXPECT_EQ(strategy.currentWeight(0), -2);
  EXPECT_EQ(strategy.currentWeight(1), 0);
  fixture.candidates = {0, 1, 2};  // host 2 is back
  ++fixture.version;
  // Host 2 starts at cw 0: (3, 1, 1) -> a, (1, 2, 2) -> b, (6, -4, 3) -> a, (4, -3, 4) -> a, the
  // first of the tie. Had it kept the cw of 2 it left with, the second pick would be c.
  EXPECT_EQ(picks(strategy, fixture, 4), (Sequence{0, 1, 0, 0}));
  EXPECT_EQ(strategy.currentWeight(2), 4);
}

TEST(SmoothWeightedRoundRobin, IgnoresTheResultOfAHostThatLeftTheCandidates) {
  PickFixture fixture({5, 1, 1});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
  fixture.candidates = {1, 2};
  ++fixture.version;
  strategy.pick(fixture.context());
  strategy.onResult(0, Outcome::kTimeout, Duration{});
  fixture.candidates = {0, 1, 2};
  ++fixture.version;
  strategy.pick(fixture.context());
  EXPECT_EQ(strategy.effectiveWeight(0), 5);
}

TEST(SmoothWeightedRoundRobin, KeepsOneStatePerLevel) {
  const PickFixture fixture({5, 1, 1});
  SmoothWeightedRoundRobin strategy(3);
  EXPECT_EQ(picks(strategy, fixture, 3), (Sequence{0, 0, 1}));
  EXPECT_EQ(strategy.pick(fixture.context(1)), 0u);  // level 1 starts its own sequence
  EXPECT_EQ(strategy.pick(fixture.context(1)), 0u);
  EXPECT_EQ(strategy.pick(fixture.context(1)), 1u);
}

// --- The registry --------------------------------------------------------------------------------

TEST(WeightedStrategyRegistry, BuildsSmoothWrr) {
  FakeRuntime runtime;
  ASSERT_TRUE(isKnownStrategy("smooth-wrr"));
  auto strategy = makeStrategy("smooth-wrr", StrategyOptions{}, runtime, 3);
  ASSERT_TRUE(strategy);
  const PickFixture fixture({5, 1, 1});
  EXPECT_EQ(picks(**strategy, fixture, 7), (Sequence{0, 0, 1, 0, 2, 0, 0}));
}

TEST(WeightedStrategyRegistry, PassesTheLeastRequestOptionsThrough) {
  FakeRuntime runtime;
  StrategyOptions options;
  options.least_request.full_scan = true;
  auto strategy = makeStrategy("least-request", options, runtime, 4);
  ASSERT_TRUE(strategy);
  auto fixture = testing::equalHosts(4);
  fixture.load = {{5}, {6}, {7}, {0}};
  runtime.scriptRandom({kSentinel});
  // N_CHOICES would draw; a full scan finds host 3 without drawing.
  EXPECT_EQ((*strategy)->pick(fixture.context()), 3u);
  EXPECT_EQ(runtime.random(), kSentinel);
}

}  // namespace
}  // namespace faultline::balancer
