// Every fault kind, run end to end on small scenarios whose outcome is known by hand: the world
// and the balancer react as the fault model (docs/scenarios.md) says.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// One region, `count` hosts with one worker each, constant 10 ms of work, 0.5 ms each way, no
// client timeout, no health checks: every request takes exactly 11 ms unless a fault intervenes.
std::string oneRegion(int count, double rate_rps, const std::string& extra) {
  return R"(
    name: "faults"
    duration_s: 100
    seed: 5
    regions {
      name: "r0"
      backends {
        group: "api"
        count: )" +
         std::to_string(count) + R"(
        workers: 1
        service_time { constant { value_ms: 10 } }
      }
      clients { rate_rps: )" +
         std::to_string(rate_rps) + R"( timeout_ms: 0 }
    }
    network { intra_region_ms: 0.5 }
    balancer {
      health_check { enabled: false }
      locality { failover: LOCAL_ONLY }
    }
  )" + extra;
}

// Replaces the first `from` in `text`; a test whose `from` is missing fails.
void replaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

// A share from `n` Bernoulli trials within five standard deviations of `p`.
void expectShare(std::int64_t hits, std::int64_t n, double p) {
  ASSERT_GT(n, 0);
  const double share = static_cast<double>(hits) / static_cast<double>(n);
  EXPECT_NEAR(share, p, 5 * std::sqrt(p * (1 - p) / static_cast<double>(n)) + 1e-12)
      << hits << " of " << n;
}

TEST(Faults, APausedHostHoldsItsWorkAndCarriesOnAfterwards) {
  const auto result = simulateText(oneRegion(1, 5, R"(
    faults { host_pause { hosts { region: "r0" } } start_s: 50 end_s: 60 })"));
  const auto& s = result.summary();
  EXPECT_EQ(s.requests_ok(), s.requests_total());  // nothing is lost, only late
  for (int w = 51; w < 60; ++w)
    EXPECT_EQ(result.windows(w).ok(), 0) << w;
  EXPECT_GT(result.windows(60).ok(), 30);  // the backlog of ten seconds drains at once
  EXPECT_EQ(result.windows(55).regions(0).hosts_up(), 0);
  // The first request after the pause began waited for all of it, and no more.
  EXPECT_GT(s.latency_ms().max(), 9'500);
  EXPECT_LT(s.latency_ms().max(), 10'100);
}

TEST(Faults, APausedHostFailsItsProbesAndIsMarkedUpAgainAfterwards) {
  std::string text = oneRegion(2, 5, R"(
    faults { host_pause { hosts { count: 1 } } start_s: 20 end_s: 60 })");
  replaceOnce(text, "health_check { enabled: false }",
              "health_check { interval_ms: 1000 timeout_ms: 500 }");
  const auto result = simulateText(text);
  int down = 0;
  int up = 0;
  for (const auto& event : result.events()) {
    if (event.kind() == results::Event::HOST_MARKED_DOWN) {
      ++down;
      EXPECT_GT(event.time_s(), 20);
    }
    if (event.kind() == results::Event::HOST_MARKED_UP) {
      ++up;
      EXPECT_GT(event.time_s(), 60);
    }
  }
  EXPECT_EQ(down, 1);
  EXPECT_EQ(up, 1);
  EXPECT_EQ(result.windows(40).balancers(0).healthy_hosts(0), 1);
}

TEST(Faults, AGrayHostPassesEveryHealthCheckWhileFailingTraffic) {
  std::string text = oneRegion(2, 50, R"(
    faults {
      gray_failure { hosts { count: 1 } error_probability: 1 }
      start_s: 20 end_s: 80
    })");
  replaceOnce(text, "health_check { enabled: false }",
              "health_check { interval_ms: 1000 timeout_ms: 500 }");
  const auto result = simulateText(text);
  for (const auto& event : result.events()) {
    EXPECT_NE(event.kind(), results::Event::HOST_MARKED_DOWN);
  }
  EXPECT_EQ(result.windows(50).balancers(0).healthy_hosts(0), 2);
  const auto& fault = result.summary().faults(0);
  // Round robin over two hosts: every other request meets the gray host and fails.
  expectShare(fault.failed(), fault.requests(), 0.5);
  EXPECT_EQ(result.summary().failures().backend_error(), fault.failed());
}

TEST(Faults, OutlierDetectionEjectsTheGrayHostTheHealthChecksMiss) {
  std::string text = oneRegion(2, 50, R"(
    faults {
      gray_failure { hosts { count: 1 } error_probability: 1 }
      start_s: 20 end_s: 80
    })");
  replaceOnce(text, "locality { failover: LOCAL_ONLY }",
              "locality { failover: LOCAL_ONLY } outlier_detection { interval_ms: 1000 "
              "max_ejection_percent: 50 }");
  const auto result = simulateText(text);
  // Five errors in a row eject it for 30 s (Envoy's default 10% would eject none of two hosts);
  // while it is out only the healthy host serves.
  EXPECT_EQ(result.windows(30).failed(), 0);
  EXPECT_LT(result.summary().faults(0).failed(), 50);
}

TEST(Faults, AGraySlowdownStretchesTheWorkButNotTheProbes) {
  std::string text = oneRegion(1, 5, R"(
    faults { gray_failure { hosts { region: "r0" } slowdown: 3 } start_s: 0 })");
  replaceOnce(text, "health_check { enabled: false }",
              "health_check { interval_ms: 1000 timeout_ms: 20 }");
  const auto result = simulateText(text);
  EXPECT_NEAR(result.summary().latency_ms().p50(), 31.0, 31.0 * 0.01);
  for (const auto& event : result.events()) {
    EXPECT_NE(event.kind(), results::Event::HOST_MARKED_DOWN);
  }
}

TEST(Faults, ABrownoutStretchesServiceByTheCapacityLost) {
  const auto result = simulateText(oneRegion(1, 5, R"(
    faults { brownout { hosts { region: "r0" } capacity_loss: 0.5 } start_s: 0 })"));
  EXPECT_NEAR(result.summary().latency_ms().p50(), 21.0, 21.0 * 0.01);
}

// 10 ms stretched a billion times is 115 days, which the integer clock once overflowed into the
// past (a fuzzed scenario); service stops at a day, so these requests all time out.
TEST(Faults, ANearTotalBrownoutKeepsServiceWithinADay) {
  std::string text = oneRegion(1, 1, R"(
    faults { brownout { hosts { region: "r0" } capacity_loss: 0.999999999 } start_s: 0 })");
  replaceOnce(text, "timeout_ms: 0", "timeout_ms: 20000");
  const auto summary = simulateText(text).summary();
  EXPECT_GT(summary.requests_total(), 50);
  EXPECT_EQ(summary.failures().timeout(), summary.requests_total());
}

// Thirty stacked near-total brownouts make the stretch factor infinite; zero times infinity once
// gave NaN, then a service time far in the past that held the worker for good.
TEST(Faults, StackedBrownoutsOnInstantServiceKeepItInstant) {
  std::string faults;
  for (int i = 0; i < 30; ++i) {
    faults += R"(faults { brownout { hosts { region: "r0" } capacity_loss: 0.9999999999999999 }
                          start_s: 1 end_s: 15 })";
  }
  std::string text = oneRegion(1, 10, faults);
  replaceOnce(text, "constant { value_ms: 10 }", "constant { value_ms: 0 }");
  const auto summary = simulateText(text).summary();
  EXPECT_EQ(summary.requests_ok(), summary.requests_total());
}

// Errors answered 503 are gateway errors, which retry_on gateway-error retries; a 500 is not.
TEST(Faults, AnInjectedErrorsStatusDecidesWhetherItIsRetried) {
  auto run = [](int status) {
    std::string text = oneRegion(1, 20,
                                 R"(
      faults {
        errors { hosts { region: "r0" } probability: 1 status: )" +
                                     std::to_string(status) + R"( }
        start_s: 0
      })");
    replaceOnce(text, "locality { failover: LOCAL_ONLY }",
                "locality { failover: LOCAL_ONLY } retry { retry_on: GATEWAY_ERROR "
                "num_retries: 1 }");
    return simulateText(text).summary();
  };
  const auto gateway = run(503);
  EXPECT_EQ(gateway.retries(), gateway.requests_total());
  const auto server = run(500);
  EXPECT_EQ(server.retries(), 0);
  EXPECT_EQ(server.failures().injected_error(), server.requests_total());
}

TEST(Faults, AClientErrorIsNoMarkAgainstTheHost) {
  std::string text = oneRegion(2, 50, R"(
    faults { errors { hosts { count: 1 } probability: 1 status: 429 } start_s: 10 })");
  replaceOnce(text, "locality { failover: LOCAL_ONLY }",
              "locality { failover: LOCAL_ONLY } outlier_detection { interval_ms: 1000 }");
  const auto result = simulateText(text);
  // Never ejected: round robin keeps sending it every other request, and every one fails.
  expectShare(result.summary().failures().injected_error(), result.summary().faults(0).requests(),
              0.5);
}

TEST(Faults, RefusedConnectionsFailTheirShareAfterOneRoundTrip) {
  const auto result = simulateText(oneRegion(1, 50, R"(
    faults { connection_refused { hosts { region: "r0" } probability: 0.25 } start_s: 0 })"));
  const auto& s = result.summary();
  expectShare(s.failures().connection_refused(), s.requests_total(), 0.25);
}

TEST(Faults, AResetComesAfterItsDelayWithoutServingTheRequest) {
  std::string text = oneRegion(1, 5, R"(
    faults {
      connection_reset { hosts { region: "r0" } probability: 1 after_ms: 100 }
      start_s: 0
    })");
  replaceOnce(text, "locality { failover: LOCAL_ONLY }",
              "locality { failover: LOCAL_ONLY } retry { retry_on: RESET num_retries: 1 }");
  const auto result = simulateText(text);
  const auto& s = result.summary();
  // Every try is reset and retried once, and the retry is reset too; only a request whose retry
  // leaves after the run's end, when the fault has ended, gets through.
  EXPECT_EQ(s.retries(), s.requests_total());
  EXPECT_LE(s.requests_ok(), 1);
  EXPECT_EQ(s.failures().connection_reset() + s.requests_ok(), s.requests_total());
}

// Region r1 holds the only host: one worker, 50 ms of work. Its own clients send a request every
// 100 ms on average, half of its capacity; r0's clients, with no host of their own, send theirs
// across at 200 per second, ten times what it can do, if they arrive.
std::string acrossRegions(const std::string& fault) {
  return R"(
    name: "partition"
    duration_s: 60
    seed: 7
    regions {
      name: "r0"
      clients { rate_rps: 200 timeout_ms: 1000 }
    }
    regions {
      name: "r1"
      backends {
        group: "api"
        count: 1
        workers: 1
        service_time { constant { value_ms: 50 } }
      }
      clients { rate_rps: 10 timeout_ms: 1000 }
    }
    network { links { from: "r0" to: "r1" one_way_ms: 20 } }
    balancer { health_check { enabled: false } }
    faults { )" +
         fault + R"( start_s: 0 }
  )";
}

TEST(Faults, APartitionCutsExactlyTheNamedDirection) {
  // r0 -> r1 cut: r0's requests never arrive, so r1's own clients have the worker to themselves.
  const auto requests_cut =
      simulateText(acrossRegions(R"(network_partition { from: "r0" to: "r1" })")).summary();
  EXPECT_EQ(requests_cut.regions(0).ok_from(), 0);
  EXPECT_EQ(requests_cut.regions(1).ok_from(), requests_cut.regions(1).requests_from());
  // r1 -> r0 cut: r0's requests arrive and swamp the worker, but their answers are lost; r1's
  // own clients now wait behind them and time out.
  const auto answers_cut =
      simulateText(acrossRegions(R"(network_partition { from: "r1" to: "r0" })")).summary();
  EXPECT_EQ(answers_cut.regions(0).ok_from(), 0);
  EXPECT_LT(answers_cut.regions(1).ok_from(), answers_cut.regions(1).requests_from() / 10);
  // Both directions: as the first, for r1's clients.
  const auto both =
      simulateText(
          acrossRegions(R"(network_partition { from: "r1" to: "r0" both_directions: true })"))
          .summary();
  EXPECT_EQ(both.regions(0).ok_from(), 0);
  EXPECT_EQ(both.regions(1).ok_from(), both.regions(1).requests_from());
}

TEST(Faults, ADegradedLinkAddsItsLatencyAndRetransmitsLostPackets) {
  std::string text = acrossRegions(
      R"(link_degradation { from: "r0" to: "r1" latency_ms: 30 loss_probability: 0.2 })");
  replaceOnce(text, "rate_rps: 200", "rate_rps: 20");
  replaceOnce(text, "rate_rps: 10 ", "rate_rps: 0.01 ");
  replaceOnce(text, "value_ms: 50", "value_ms: 1");
  const auto result = simulateText(text).summary();
  // 20 + 30 out, 1 of work, 20 back: 71 ms, unless the request's packet was lost (20% of them):
  // then 200 ms more for the first loss, 400 for a second, 800 for a third (past the timeout).
  const auto& r0 = result.regions(0);
  EXPECT_NEAR(result.latency_ms().p50(), 71.0, 71.0 * 0.02);
  EXPECT_NEAR(result.latency_ms().p90(), 271.0, 271.0 * 0.02);
  expectShare(r0.requests_from() - r0.ok_from(), r0.requests_from(), 0.2 * 0.2 * 0.2);
}

TEST(Faults, ALatencyRampGrowsLinearly) {
  // 100 hosts in turn at 100/s: each host sees a request a second, so none ever queues.
  const auto result = simulateText(oneRegion(100, 100, R"(
    faults {
      latency { hosts { region: "r0" } latency_ms: 100 }
      start_s: 0 end_s: 100 ramp_up_s: 100
    })"));
  // An answer leaving at t s is t ms late, so those completing in [w, w + 1) left about w ms
  // earlier: on average at (w + 0.5) * 0.999 s. 100 of them: the mean of their uniform spread
  // has a standard deviation of 0.03 ms; 0.1 ms is over three.
  for (int w : {10, 50, 90}) {
    EXPECT_NEAR(result.windows(w).latency_ms().mean(), 11.0 + (w + 0.5) * 0.999, 0.1) << w;
  }
}

TEST(Faults, ACrashRampStrikesOneHostAfterAnother) {
  const auto result = simulateText(oneRegion(10, 20, R"(
    faults { host_crash { hosts { region: "r0" } } start_s: 10 end_s: 80 ramp_up_s: 9 ramp_down_s: 9 })"));
  // One host more each second from 10 s on, the last at 19 s; one fewer each second from 71 s.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(result.windows(10 + i).regions(0).hosts_up(), 9 - i) << i;
    EXPECT_EQ(result.windows(71 + i).regions(0).hosts_up(), i + 1) << i;
  }
  EXPECT_EQ(result.windows(50).regions(0).hosts_up(), 0);
}

// The truth host by host: HOST_DOWN / HOST_UP events tell which hosts the counts count.
TEST(Faults, HostEventsTellWhichHostsTheRampStrikesAndTheyAgreeWithTheCounts) {
  const auto result = simulateText(oneRegion(10, 20, R"(
    faults { host_crash { hosts { region: "r0" } } start_s: 10 end_s: 80 ramp_up_s: 9 ramp_down_s: 9 })"));
  std::map<std::string, double> went_down;
  std::map<std::string, double> came_up;
  for (const auto& event : result.events()) {
    if (event.kind() == results::Event::HOST_DOWN) went_down[event.host()] = event.time_s();
    if (event.kind() == results::Event::HOST_UP) came_up[event.host()] = event.time_s();
  }
  ASSERT_EQ(went_down.size(), 10u);
  ASSERT_EQ(came_up.size(), 10u);
  for (const auto& [host, down_s] : went_down) {
    EXPECT_GE(down_s, 10.0) << host;
    EXPECT_LT(down_s, 19.5) << host;
    EXPECT_GT(came_up[host], 70.0) << host;
    EXPECT_LE(came_up[host], 80.0) << host;
  }
  // At every window's end the hosts down by the events before it are those the window counts
  // (what happens at a window's end belongs to the next window).
  for (const auto& window : result.windows()) {
    std::int64_t down = 0;
    for (const auto& [host, down_s] : went_down)
      down += down_s < window.end_s() && came_up[host] >= window.end_s();
    EXPECT_EQ(down, 10 - window.regions(0).hosts_up()) << window.end_s();
  }
}

TEST(Faults, APauseStopsAHostButAGrayFailureDoesNot) {
  const auto paused = simulateText(oneRegion(2, 20, R"(
    faults { host_pause { hosts { region: "r0" count: 1 } } start_s: 10 end_s: 20 })"));
  std::vector<std::pair<int, double>> seen;
  for (const auto& event : paused.events()) {
    if (event.kind() == results::Event::HOST_DOWN || event.kind() == results::Event::HOST_UP)
      seen.emplace_back(event.kind(), event.time_s());
  }
  const std::vector<std::pair<int, double>> expected = {{results::Event::HOST_DOWN, 10.0},
                                                        {results::Event::HOST_UP, 20.0}};
  EXPECT_EQ(seen, expected);
  const auto gray = simulateText(oneRegion(2, 20, R"(
    faults { gray_failure { hosts { region: "r0" count: 1 } error_probability: 0.5 } start_s: 10 end_s: 20 })"));
  for (const auto& event : gray.events()) {
    EXPECT_NE(event.kind(), results::Event::HOST_DOWN);
    EXPECT_NE(event.kind(), results::Event::HOST_UP);
  }
}

TEST(Faults, APercentBlastRadiusStrikesThatShareOfTheHosts) {
  const auto result = simulateText(oneRegion(10, 20, R"(
    faults { host_crash { hosts { region: "r0" percent: 30 } } start_s: 10 end_s: 20 })"));
  EXPECT_EQ(result.topology().faults(0).hosts_size(), 3);
  EXPECT_EQ(result.windows(15).regions(0).hosts_up(), 7);
}

TEST(Faults, ASurgeRampsUpLikeAFlashCrowd) {
  const auto result = simulateText(oneRegion(4, 50, R"(
    faults { traffic_surge { multiplier: 5 } start_s: 20 end_s: 80 ramp_up_s: 20 ramp_down_s: 20 })"));
  std::int64_t ramp_up = 0;
  std::int64_t hold = 0;
  for (int w = 20; w < 40; ++w)
    ramp_up += result.windows(w).arrivals();
  for (int w = 40; w < 60; ++w)
    hold += result.windows(w).arrivals();
  // 50/s growing to 250/s: on average 150/s over the ramp; then 250/s. Poisson, 5 sd.
  EXPECT_NEAR(static_cast<double>(ramp_up), 3000, 5 * std::sqrt(3000.0));
  EXPECT_NEAR(static_cast<double>(hold), 5000, 5 * std::sqrt(5000.0));
  // Early in the ramp the rate is still low: [20, 22) averages 50 * (1 + 4 * 0.05) = 60/s.
  const auto first = result.windows(20).arrivals() + result.windows(21).arrivals();
  EXPECT_NEAR(static_cast<double>(first), 120, 5 * std::sqrt(120.0));
}

TEST(Faults, LatencyWithAProbabilityDelaysThatShareOfAnswers) {
  // 100 hosts in turn at 200/s: none ever queues, so only the fault moves a latency.
  const auto result = simulateText(oneRegion(100, 200, R"(
    faults {
      latency { hosts { region: "r0" } latency_ms: 100 jitter_ms: 10 jitter_distribution: NORMAL probability: 0.3 }
      start_s: 0
    })"));
  const auto& s = result.summary();
  // 70% take 11 ms, 30% about 111 ms: the median is undelayed, the 90th percentile delayed.
  EXPECT_NEAR(s.latency_ms().p50(), 11.0, 0.02);
  EXPECT_NEAR(s.latency_ms().p90(), 111.0, 15.0);
  // The mean: 11 + 0.3 x 100 ms. Of 20,000 requests the delayed share has a standard deviation of
  // 0.32%, which moves the mean by 0.32 ms; 1.6 ms is five of them.
  EXPECT_NEAR(s.latency_ms().mean(), 11.0 + 0.3 * 100, 1.6);
}

// r0's hosts crash at 10 s. Probes every second (1 s timeout; a crashed host refuses after a
// round trip) mark a host down at the third failure: 2 to 3 s after the crash, all four within a
// second of each other; the balancer then moves r0's traffic to r1. Nothing fails afterwards.
TEST(Faults, ACrashIsDetectedFailedOverAndRecoveredWithinTheHealthCheckBounds) {
  const auto result = simulateText(R"(
    name: "detect"
    duration_s: 40
    seed: 3
    regions {
      name: "r0"
      backends { group: "api" count: 4 workers: 4 service_time { constant { value_ms: 5 } } }
      clients { rate_rps: 400 timeout_ms: 1000 }
    }
    regions {
      name: "r1"
      backends { group: "api" count: 4 workers: 4 service_time { constant { value_ms: 5 } } }
    }
    network { intra_region_ms: 0.5 links { from: "r0" to: "r1" one_way_ms: 10 } }
    balancer {
      health_check { interval_ms: 1000 timeout_ms: 1000 unhealthy_threshold: 3 }
      locality { failover: BY_LATENCY }
    }
    faults { host_crash { hosts { region: "r0" } } start_s: 10 end_s: 30 })");
  const auto& fault = result.summary().faults(0);
  ASSERT_TRUE(fault.detected());
  EXPECT_GE(fault.time_to_detect_s(), 2.0);
  EXPECT_LE(fault.time_to_detect_s(), 3.0 + 0.01);
  ASSERT_TRUE(fault.failed_over());
  EXPECT_GE(fault.time_to_fail_over_s(), fault.time_to_detect_s());
  EXPECT_LE(fault.time_to_fail_over_s(), fault.time_to_detect_s() + 1.0);
  ASSERT_TRUE(fault.recovered());
  // The window holding the failover is the last one below the SLO.
  EXPECT_EQ(fault.time_to_recover_s(), std::ceil(fault.time_to_fail_over_s()));
  EXPECT_GT(fault.requests_lost(), 0);
  EXPECT_EQ(fault.requests_lost(), result.summary().requests_failed());
}

}  // namespace
}  // namespace faultline::sim
