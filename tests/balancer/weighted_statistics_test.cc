// Statistical tests of the weighted strategies over 100,000 picks each, in the manner of Envoy's
// load_balancer_simulation_test. Two kinds of bound appear:
// - the schedules are deterministic, and their error is bounded, not random. Take n hosts of
//   weights w_i, total W, and m picks. EDF: by scheduler time T entry i has had floor(T x w_i)
//   picks (deadlines k / w_i), and m of them in all puts T between m / W and (m + n) / W, so
//   count_i is within 1 + n x w_i / W of m x w_i / W; a schedule that skipped its first k picks
//   counts the difference of two such counts, which keeps the same bound. Smooth WRR: count_i =
//   (m x w_i + cw_i(0) - cw_i(m)) / W and every cw stays strictly within one W of 0, so count_i
//   is within one pick of its share from a fresh start, two from any other state;
// - random choices (full-scan ties) are binomial: a count of 100,000 trials with probability p is
//   within 5 standard deviations, sqrt(100,000 x p x (1 - p)), of its mean unless something is
//   wrong; a false alarm has probability below 1e-6 per check. The numbers come from the seeded
//   fallback generator of FakeRuntime, so a run is repeatable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "balancer/edf_scheduler.h"
#include "balancer/least_request.h"
#include "balancer/round_robin.h"
#include "balancer/smooth_weighted_round_robin.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using testing::FakeRuntime;
using testing::PickFixture;
using Counts = std::vector<std::int64_t>;

constexpr int kPicks = 100'000;

std::string hostLabel(std::size_t host) {
  std::string label = "host ";
  label += std::to_string(host);
  return label;
}

void expectBinomial(std::int64_t count, double p, const std::string& what) {
  const double mean = kPicks * p;
  const double sd = std::sqrt(kPicks * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(count), mean, 5 * sd + 1e-9) << what;
}

// Every host's count within `slack` of its weight's share of `picks`.
void expectShares(const Counts& counts, const std::vector<double>& weights, std::int64_t picks,
                  double slack) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (std::size_t h = 0; h < counts.size(); ++h) {
    EXPECT_NEAR(static_cast<double>(counts[h]), picks * weights[h] / total, slack) << hostLabel(h);
  }
}

// Every host's count within EDF's bound, 1 + n x w_i / W, of its weight's share of `picks`.
void expectEdfShares(const Counts& counts, const std::vector<double>& weights, std::int64_t picks) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  const auto n = static_cast<double>(weights.size());
  for (std::size_t h = 0; h < counts.size(); ++h) {
    const double share = weights[h] / total;
    EXPECT_NEAR(static_cast<double>(counts[h]), picks * share, 1 + n * share) << hostLabel(h);
  }
}

Counts countPicks(Strategy& strategy, const PickFixture& fixture, int picks = kPicks) {
  Counts counts(fixture.hosts.hostCount(), 0);
  for (int i = 0; i < picks; ++i)
    ++counts[strategy.pick(fixture.context())];
  return counts;
}

TEST(WeightedStatistics, EdfSharesEqualTheWeights) {
  const std::vector<double> weights = {1, 2, 3, 4, 0.25, 7.5};
  EdfScheduler edf;
  for (std::uint32_t item = 0; item < weights.size(); ++item)
    edf.add(item, weights[item]);
  Counts counts(weights.size(), 0);
  const auto weight_of = [&weights](std::uint32_t item) { return weights[item]; };
  for (int i = 0; i < kPicks; ++i)
    ++counts[edf.pickAndAdd(weight_of)];
  expectEdfShares(counts, weights, kPicks);
}

TEST(WeightedStatistics, RoundRobinSharesAreProportionalToWeights) {
  FakeRuntime runtime;
  RoundRobin strategy(runtime);
  const PickFixture fixture({1, 2, 3, 4, 10});
  expectEdfShares(countPicks(strategy, fixture), {1, 2, 3, 4, 10}, kPicks);
}

TEST(WeightedStatistics, RoundRobinStaysProportionalAcrossRebuilds) {
  // Ten phases of 10,000 picks, the candidate list changing (and the schedule being rebuilt from a
  // random point) at each; the expected count is the sum of each phase's shares, and the bound
  // the sum of each phase's EDF bound.
  FakeRuntime runtime;
  RoundRobin strategy(runtime);
  const std::vector<double> weights = {1, 2, 3, 4, 10};
  PickFixture fixture({1, 2, 3, 4, 10});
  Counts counts(weights.size(), 0);
  std::vector<double> expected(weights.size(), 0.0);
  std::vector<double> slack(weights.size(), 0.0);
  constexpr int kPhases = 10;
  constexpr int kPhasePicks = kPicks / kPhases;
  for (int phase = 0; phase < kPhases; ++phase) {
    fixture.candidates.clear();
    for (HostIndex h = 0; h < weights.size(); ++h) {
      if (h != static_cast<HostIndex>(phase % weights.size())) fixture.candidates.push_back(h);
    }
    ++fixture.version;
    double total = 0;
    for (HostIndex h : fixture.candidates)
      total += weights[h];
    const auto n = static_cast<double>(fixture.candidates.size());
    for (HostIndex h : fixture.candidates) {
      expected[h] += kPhasePicks * weights[h] / total;
      slack[h] += 1 + n * weights[h] / total;
    }
    for (int i = 0; i < kPhasePicks; ++i)
      ++counts[strategy.pick(fixture.context())];
  }
  for (std::size_t h = 0; h < weights.size(); ++h) {
    EXPECT_NEAR(static_cast<double>(counts[h]), expected[h], slack[h]) << hostLabel(h);
  }
}

TEST(WeightedStatistics, SmoothWrrSharesAreExact) {
  SmoothWeightedRoundRobin strategy(3);
  const PickFixture fixture({5, 1, 1});
  expectShares(countPicks(strategy, fixture), {5, 1, 1}, kPicks, 1);
}

TEST(WeightedStatistics, SmoothWrrWithUnevenWeightsIsProportional) {
  SmoothWeightedRoundRobin strategy(6);
  const PickFixture fixture({1, 2, 3, 5, 8, 13});
  expectShares(countPicks(strategy, fixture), {1, 2, 3, 5, 8, 13}, kPicks, 1);
}

TEST(WeightedStatistics, SmoothWrrSendsLessToAFailingHostAndRecovers) {
  // Host 0 (weight 10 of 20) times out on one pick in ten: each failure cuts its effective weight
  // to 0, from which it climbs back by one per pick. It must get clearly less than its half while
  // failing, and exactly its half again once it has recovered.
  SmoothWeightedRoundRobin strategy(2);
  const PickFixture fixture({10, 10});
  std::int64_t host0 = 0;
  std::int64_t host0_picks = 0;
  for (int i = 0; i < kPicks; ++i) {
    if (strategy.pick(fixture.context()) != 0) continue;
    ++host0;
    if (++host0_picks % 10 == 0) strategy.onResult(0, Outcome::kTimeout, Duration{});
  }
  EXPECT_LT(host0, kPicks / 2 - kPicks / 50);
  EXPECT_GT(host0, kPicks / 4);
  for (int i = 0; i < 20; ++i)
    strategy.pick(fixture.context());  // ten rounds bring the effective weight back to 10
  EXPECT_EQ(strategy.effectiveWeight(0), 10);
  expectShares(countPicks(strategy, fixture), {10, 10}, kPicks, 2);
}

TEST(WeightedStatistics, FullScanAlwaysPicksTheUniqueLeastLoaded) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, LeastRequestOptions{.full_scan = true});
  auto fixture = testing::equalHosts(8);
  fixture.load = {{4}, {3}, {7}, {2}, {5}, {9}, {1}, {6}};
  const auto counts = countPicks(strategy, fixture);
  EXPECT_EQ(counts[6], kPicks);
}

TEST(WeightedStatistics, FullScanBreaksTiesUniformly) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, LeastRequestOptions{.full_scan = true});
  auto fixture = testing::equalHosts(7);
  fixture.load = {{0}, {0}, {1}, {0}, {5}, {0}, {0}};  // five hosts tie at 0
  const auto counts = countPicks(strategy, fixture);
  for (HostIndex h : {0u, 1u, 3u, 5u, 6u})
    expectBinomial(counts[h], 0.2, hostLabel(h));
  EXPECT_EQ(counts[2] + counts[4], 0);
}

TEST(WeightedStatistics, WeightedLeastRequestWithBiasZeroMatchesWeightedRoundRobin) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, LeastRequestOptions{.active_request_bias = 0.0});
  PickFixture fixture({1, 2, 3, 4, 10});
  fixture.load = {{9}, {0}, {4}, {2}, {7}};  // no effect with bias 0
  const auto least_request = countPicks(strategy, fixture);
  RoundRobin round_robin(runtime);
  const auto weighted_rr = countPicks(round_robin, fixture);
  expectEdfShares(least_request, {1, 2, 3, 4, 10}, kPicks);
  expectEdfShares(weighted_rr, {1, 2, 3, 4, 10}, kPicks);
}

TEST(WeightedStatistics, WeightedLeastRequestGivesLoadedHostsProportionallyLess) {
  // Bias 1: scheduling weights are weight / (active + 1). Weights 4, 2, 2, 1 with 3, 1, 0, 0
  // requests in flight schedule as 1, 1, 2, 1: the heaviest host falls to a fifth of the picks.
  FakeRuntime runtime;
  LeastRequest strategy(runtime, LeastRequestOptions{});
  PickFixture fixture({4, 2, 2, 1});
  fixture.load = {{3}, {1}, {0}, {0}};
  expectEdfShares(countPicks(strategy, fixture), {1, 1, 2, 1}, kPicks);
}

TEST(WeightedStatistics, WeightedLeastRequestAppliesTheBiasAsAnExponent) {
  // Bias 0.5: 9 / sqrt(8 + 1) = 3 against 1 / sqrt(0 + 1) = 1 and 4 / sqrt(3 + 1) = 2.
  FakeRuntime runtime;
  LeastRequest strategy(runtime, LeastRequestOptions{.active_request_bias = 0.5});
  PickFixture fixture({9, 1, 4});
  fixture.load = {{8}, {0}, {3}};
  expectEdfShares(countPicks(strategy, fixture), {3, 1, 2}, kPicks);
}

TEST(WeightedStatistics, WeightedLeastRequestFollowsTheLoadAsItChanges) {
  // A closed loop as the balancer runs it: a pick adds a request to its host, and each request in
  // flight ends with probability 1/2 after every pick. Two hosts of weights 3 and 1: the heavy
  // one carries more requests, so the bias pulls its share below 3/4 but not below 1/2.
  FakeRuntime runtime;
  LeastRequest strategy(runtime, LeastRequestOptions{});
  PickFixture fixture({3, 1});
  std::int64_t heavy = 0;
  for (int i = 0; i < kPicks; ++i) {
    const HostIndex host = strategy.pick(fixture.context());
    heavy += host == 0 ? 1 : 0;
    ++fixture.load[host].active_requests;
    for (auto& load : fixture.load) {
      const std::uint32_t active = load.active_requests;
      for (std::uint32_t r = 0; r < active; ++r) {
        if (uniformIndex(runtime.random(), 2) == 0) --load.active_requests;
      }
    }
  }
  EXPECT_LT(heavy, kPicks * 3 / 4 - kPicks / 50);
  EXPECT_GT(heavy, kPicks / 2 + kPicks / 50);
}

}  // namespace
}  // namespace faultline::balancer
