// Statistical tests of the strategies over 100,000 picks each, in the manner of Envoy's
// load_balancer_simulation_test: real pseudo-random numbers (seeded, so the test is repeatable),
// and tolerances derived from the binomial standard deviation of each count.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "balancer/least_request.h"
#include "balancer/random_pick.h"
#include "balancer/round_robin.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using testing::FakeRuntime;

constexpr int kPicks = 100'000;

// A count of `kPicks` Bernoulli trials with probability p is within 5 standard deviations of its
// mean unless something is wrong: a false alarm has probability below 1e-6 per check.
void expectBinomial(std::int64_t count, double p, const std::string& what) {
  const double mean = kPicks * p;
  const double sd = std::sqrt(kPicks * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(count), mean, 5 * sd + 1e-9) << what;
}

std::vector<std::int64_t> countPicks(Strategy& strategy, const std::vector<HostLoad>& load) {
  auto fixture = testing::equalHosts(static_cast<std::uint32_t>(load.size()));
  fixture.load = load;
  std::vector<std::int64_t> counts(load.size(), 0);
  for (int i = 0; i < kPicks; ++i)
    ++counts[strategy.pick(fixture.context())];
  return counts;
}

TEST(StrategyStatistics, RandomIsUniform) {
  FakeRuntime runtime;
  RandomPick strategy(runtime);
  const auto counts = countPicks(strategy, std::vector<HostLoad>(10));
  for (std::size_t h = 0; h < counts.size(); ++h) {
    expectBinomial(counts[h], 0.1, "host " + std::to_string(h));
  }
}

TEST(StrategyStatistics, RoundRobinIsExactlyEven) {
  FakeRuntime runtime;
  RoundRobin strategy(runtime);
  const auto counts = countPicks(strategy, std::vector<HostLoad>(8));
  for (auto count : counts)
    EXPECT_EQ(count, kPicks / 8);
}

// With distinct loads, power of N choices with replacement picks the host of load rank k
// (0 = least loaded, n hosts) when all N samples land at rank >= k and not all at rank > k:
// P(k) = ((n - k)^N - (n - k - 1)^N) / n^N.
void expectPowerOfChoices(std::uint32_t choices) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, choices);
  const std::uint32_t n = 6;
  std::vector<HostLoad> load(n);
  for (std::uint32_t h = 0; h < n; ++h)
    load[h].active_requests = h * 10;  // rank = index
  const auto counts = countPicks(strategy, load);
  for (std::uint32_t k = 0; k < n; ++k) {
    const double p =
        (std::pow(n - k, choices) - std::pow(n - k - 1, choices)) / std::pow(n, choices);
    expectBinomial(counts[k], p, "rank " + std::to_string(k));
  }
}

TEST(StrategyStatistics, TwoChoicesFollowTheOrderStatistics) {
  expectPowerOfChoices(2);
}
TEST(StrategyStatistics, ThreeChoicesFollowTheOrderStatistics) {
  expectPowerOfChoices(3);
}

TEST(StrategyStatistics, LeastRequestWithEqualLoadsIsUniform) {
  FakeRuntime runtime;
  LeastRequest strategy(runtime, 2);
  const auto counts = countPicks(strategy, std::vector<HostLoad>(5));
  for (auto count : counts)
    expectBinomial(count, 0.2, "equal loads");
}

}  // namespace
}  // namespace faultline::balancer
