// Statistical tests of peak-EWMA P2C over 100,000 picks, with seeded pseudo-random numbers (so a
// run is repeatable) and tolerances derived from the binomial standard deviation of each count.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "balancer/peak_ewma.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using std::chrono::milliseconds;
using testing::FakeRuntime;

constexpr int kPicks = 100'000;

// A count of kPicks independent trials of probability p lies within 5 standard deviations of its
// mean unless something is wrong: a false alarm has probability below 1e-6 per check.
void expectBinomial(std::int64_t count, double p, const std::string& what) {
  const double mean = kPicks * p;
  const double sd = std::sqrt(kPicks * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(count), mean, 5 * sd + 1e-9) << what;
}

PeakEwmaOptions options(milliseconds default_rtt = milliseconds(30)) {
  return PeakEwmaOptions{.decay = std::chrono::seconds(10), .default_rtt = default_rtt};
}

// Picks with the clock stopped and nothing pending: every pick sees the same costs, so the picks
// are independent and each count is exactly binomial.
std::vector<std::int64_t> frozenPicks(PeakEwma& strategy, std::uint32_t hosts) {
  const auto fixture = testing::equalHosts(hosts);
  std::vector<std::int64_t> counts(hosts, 0);
  for (int i = 0; i < kPicks; ++i)
    ++counts[strategy.pick(fixture.context())];
  return counts;
}

// A small world around the strategy: a request every millisecond, host h answers it after exactly
// latency[h], and the pending counts and results reach the strategy as the LoadBalancer reports
// them. Pending requests make picks depend on each other here, so counts are not binomial.
std::vector<std::int64_t> simulatedPicks(FakeRuntime& runtime, PeakEwma& strategy,
                                         const std::vector<Duration>& latency) {
  const auto hosts = static_cast<std::uint32_t>(latency.size());
  auto fixture = testing::equalHosts(hosts);
  std::vector<std::int64_t> counts(hosts, 0);
  using Answer = std::tuple<TimePoint, int, HostIndex>;  // when, which request, from whom
  std::priority_queue<Answer, std::vector<Answer>, std::greater<>> answers;
  for (int i = 0; i < kPicks; ++i) {
    const TimePoint arrival = kRunStart + milliseconds(i);
    while (!answers.empty() && std::get<0>(answers.top()) <= arrival) {
      const auto [at, request, host] = answers.top();
      answers.pop();
      runtime.advance(at - runtime.now());
      --fixture.load[host].active_requests;
      strategy.onResult(host, Outcome::kSuccess, latency[host]);
    }
    runtime.advance(arrival - runtime.now());
    const HostIndex host = strategy.pick(fixture.context());
    ++fixture.load[host].active_requests;
    ++counts[host];
    answers.emplace(arrival + latency[host], i, host);
  }
  return counts;
}

TEST(PeakEwmaStatistics, EqualCostsSpreadEvenly) {
  // All hosts at the default rtt: every comparison ties, the first sample wins, and the first
  // sample is uniform: each host 1/n.
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 8);
  const auto counts = frozenPicks(strategy, 8);
  for (std::size_t h = 0; h < counts.size(); ++h)
    expectBinomial(counts[h], 1.0 / 8, "host " + std::to_string(h));
}

TEST(PeakEwmaStatistics, AHostTwiceAsSlowLosesEveryComparison) {
  // Host 0 at 20 ms, four peers at 10 ms, nothing pending. Host 0 loses to any peer, so it is
  // never picked; a peer wins when it is sampled first (1/5) or second after host 0
  // (1/5 x 1/4): 1/4 each.
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(milliseconds(1)), 5);
  for (HostIndex h = 0; h < 5; ++h)  // above the 1 ms prior: each sample sets its host exactly
    strategy.onResult(h, Outcome::kSuccess, milliseconds(h == 0 ? 20 : 10));
  const auto counts = frozenPicks(strategy, 5);
  EXPECT_EQ(counts[0], 0);
  for (std::size_t h = 1; h < counts.size(); ++h)
    expectBinomial(counts[h], 0.25, "host " + std::to_string(h));
}

TEST(PeakEwmaStatistics, EqualLatenciesUnderLoadSpreadEvenly) {
  // Five hosts answering in 10 ms, a request a millisecond: about two pending per host, so
  // costs move with every pick. Symmetry gives each host 1/5 on average; the pending counts
  // steer traffic back to whichever host fell behind, which makes the counts *less* spread
  // than independent picks, so the binomial 5 sd bound is conservative.
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 5);
  const auto counts = simulatedPicks(runtime, strategy, std::vector<Duration>(5, milliseconds(10)));
  for (std::size_t h = 0; h < counts.size(); ++h)
    expectBinomial(counts[h], 0.2, "host " + std::to_string(h));
}

TEST(PeakEwmaStatistics, AHostTwiceAsSlowUnderLoadGetsClearlyLessTraffic) {
  // Host 0 answers in 20 ms, four peers in 10 ms, a request a millisecond. The peers get dearer
  // as they take host 0's share (pending x latency), so host 0 keeps some traffic: a balancer
  // that equalised the costs, 20 x (20 s0 + 1) = 10 x (10 s + 1) with s0 + 4 s = 1 (pending by
  // Little's law), would give it 3.5%; P2C sees two hosts at a time and gives it about 7.5%
  // (7,472 to 7,530 picks over 20 different random streams). The bound: host 0 below half the
  // fair share, 10,000 picks, which a latency-blind P2C (20,000 +- 5 sd = 632) cannot meet and
  // this strategy meets by a wide margin; every peer above the fair share.
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 5);
  std::vector<Duration> latency(5, milliseconds(10));
  latency[0] = milliseconds(20);
  const auto counts = simulatedPicks(runtime, strategy, latency);
  EXPECT_LT(counts[0], kPicks / 10);
  EXPECT_GT(counts[0], 0);  // not starved: its peers' queues make it worth a request now and then
  for (std::size_t h = 1; h < counts.size(); ++h)
    EXPECT_GT(counts[h], kPicks / 5) << "host " << h;
}

}  // namespace
}  // namespace faultline::balancer
