// The simulated world, run end to end on small scenarios whose outcome is known by hand.
#include "engine/sim/world.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "reports/results_io.h"
#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// Without a warm-up, the windows hold every completed request, cause by cause, and so does the
// summary: nothing is counted twice or lost between them.
void expectWindowsAddUpToTheSummary(const results::RunResult& result) {
  ASSERT_EQ(result.run().warmup_s(), 0);
  std::int64_t requests = 0;
  std::int64_t ok = 0;
  std::int64_t timeouts = 0;
  std::int64_t unfinished = 0;
  for (const auto& window : result.windows()) {
    requests += window.requests();
    ok += window.ok();
    timeouts += window.failures().timeout();
    unfinished += window.failures().unfinished();
  }
  const auto& s = result.summary();
  EXPECT_EQ(requests, s.requests_total());
  EXPECT_EQ(ok, s.requests_ok());
  EXPECT_EQ(timeouts, s.failures().timeout());
  EXPECT_EQ(unfinished, s.failures().unfinished());
  EXPECT_DOUBLE_EQ(result.windows(result.windows_size() - 1).end_s(), s.end_s());
}

// One region, one host with one worker, constant 10 ms of work, 0.5 ms each way, a request every
// second on average: no request ever waits, so every latency is exactly 11 ms.
const std::string kOneHost = R"pb(
  name: "one-host"
  duration_s: 200
  seed: 3
  regions {
    name: "r0"
    backends {
      group: "api"
      count: 1
      workers: 1
      service_time { constant { value_ms: 10 } }
    }
    clients { rate_rps: 1 timeout_ms: 0 }
  }
  network { intra_region_ms: 0.5 }
  balancer {
    health_check { enabled: false }
    locality { failover: LOCAL_ONLY }
  }
)pb";

TEST(World, ARequestTakesTwoTripsAndItsServiceTime) {
  // Rate 1/s with 10 ms of work: two requests overlap rarely; those that wait are the only
  // latencies above 11 ms, and the median and minimum are exactly 11 ms.
  const auto result = simulateText(kOneHost);
  const auto& summary = result.summary();
  EXPECT_GT(summary.requests_total(), 150);
  EXPECT_EQ(summary.requests_ok(), summary.requests_total());
  EXPECT_NEAR(summary.latency_ms().p50(), 11.0, 11.0 * 0.001);  // histogram: 3 digits
  EXPECT_GE(summary.latency_ms().mean(), 11.0);
  EXPECT_LT(summary.latency_ms().mean(), 11.2);
}

TEST(World, WindowsCoverTheRunWithoutGapsAndEndWhenTheLastRequestDrains) {
  const auto result = simulateText(kOneHost);
  ASSERT_GE(result.windows_size(), 200);
  double expected_start = 0;
  std::int64_t completed = 0;
  for (const auto& window : result.windows()) {
    EXPECT_DOUBLE_EQ(window.start_s(), expected_start);
    EXPECT_GT(window.end_s(), window.start_s());
    expected_start = window.end_s();
    completed += window.requests();
    EXPECT_EQ(window.requests(), window.ok() + window.failed());
  }
  EXPECT_DOUBLE_EQ(result.windows(result.windows_size() - 1).end_s(), result.summary().end_s());
  EXPECT_GE(result.summary().end_s(), 200.0);
  EXPECT_EQ(completed, result.summary().requests_total());
}

TEST(World, AFullQueueRejectsAtOnce) {
  // No waiting room: a request finding the worker busy is rejected (a loss system).
  const auto result = simulateText(R"pb(
    name: "loss"
    duration_s: 100
    seed: 1
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 1
        workers: 1
        queue_limit: 0
        service_time { constant { value_ms: 100 } }
      }
      clients { rate_rps: 20 timeout_ms: 0 }
    }
    balancer {
      health_check { enabled: false }
      locality { failover: LOCAL_ONLY }
    }
  )pb");
  const auto& s = result.summary();
  expectWindowsAddUpToTheSummary(result);
  EXPECT_GT(s.failures().rejected(), 0);
  EXPECT_EQ(s.requests_ok() + s.failures().rejected(), s.requests_total());
  // Erlang B with one server and offered load 2: blocking 2/3; 2,000 requests, 5 sd.
  const double blocked =
      static_cast<double>(s.failures().rejected()) / static_cast<double>(s.requests_total());
  EXPECT_NEAR(blocked, 2.0 / 3.0, 5 * std::sqrt(2.0 / 9.0 / 2000));
  EXPECT_DOUBLE_EQ(s.queue_wait_ms().max(), 0.0);
}

const std::string kTwoRegions = R"pb(
  name: "two-regions"
  duration_s: 40
  seed: 5
  regions {
    name: "r0"
    zones: [ "a", "b" ]
    backends {
      group: "api"
      count: 4
      workers: 4
      service_time { exponential { mean_ms: 5 } }
    }
    clients { rate_rps: 200 timeout_ms: 200 }
  }
  regions {
    name: "r1"
    backends {
      group: "api"
      count: 4
      workers: 4
      service_time { exponential { mean_ms: 5 } }
    }
  }
  network {
    intra_region_ms: 0.5
    links { from: "r0" to: "r1" one_way_ms: 20 }
  }
  balancer {
    strategy: "round-robin"
    health_check { interval_ms: 1000 timeout_ms: 500 unhealthy_threshold: 3 healthy_threshold: 2 }
  }
  faults {
    name: "r0 dark"
    region_outage { region: "r0" }
    start_s: 10
    end_s: 20
  }
)pb";

TEST(World, ARegionOutageFailsOverOnceTheHealthChecksNoticeAndBackAfterwards) {
  const auto result = simulateText(kTwoRegions);
  expectWindowsAddUpToTheSummary(result);
  std::vector<const results::Event*> failovers;
  for (const auto& event : result.events()) {
    if (event.kind() == results::Event::FAILOVER) failovers.push_back(&event);
  }
  ASSERT_EQ(failovers.size(), 2u);
  // Three probes must fail: each is a 0.5 s timeout after the previous one plus a 1 s interval.
  EXPECT_EQ(failovers[0]->from_region(), "r0");
  EXPECT_EQ(failovers[0]->to_region(), "r1");
  EXPECT_GT(failovers[0]->time_s(), 10.0 + 2 * 1.5);
  EXPECT_LT(failovers[0]->time_s(), 10.0 + 3 * 1.5 + 1.0);
  // Two passes bring the first host back.
  EXPECT_EQ(failovers[1]->to_region(), "r0");
  EXPECT_GT(failovers[1]->time_s(), 20.0 + 1.0);
  EXPECT_LT(failovers[1]->time_s(), 20.0 + 2 * 1.5 + 1.0);

  // Before detection requests time out; after it they cross to r1 and succeed.
  EXPECT_GT(result.summary().failures().timeout(), 200 * 2);
  const auto& during = result.windows(16);
  EXPECT_EQ(during.regions(0).hosts_up(), 0);
  EXPECT_EQ(during.regions(0).requests_to(), 0);
  EXPECT_EQ(during.regions(1).requests_to(), during.requests());
  EXPECT_EQ(during.failed(), 0);
  EXPECT_EQ(during.balancers(0).active_region(), "r1");
  EXPECT_EQ(during.balancers(0).healthy_hosts(0), 0);
  EXPECT_EQ(during.balancers(0).healthy_hosts(1), 4);
  EXPECT_EQ(during.balancers(0).load_percent(0), 0);
  EXPECT_EQ(during.balancers(0).load_percent(1), 100);
  EXPECT_EQ(result.windows(5).balancers(0).load_percent(0), 100);
  EXPECT_EQ(result.windows(5).regions(0).hosts_up(), 4);
  EXPECT_GT(result.summary().cross_region_requests(), 0);
  // The traffic between regions: during the outage r0's clients are served by r1.
  ASSERT_TRUE(result.topology().counts_traffic());
  ASSERT_EQ(during.regions(0).traffic_size(), 1);  // only the pairs that carried traffic
  EXPECT_EQ(during.regions(0).traffic(0).region(), "r1");
  EXPECT_EQ(during.regions(0).traffic(0).requests(), during.regions(0).requests_from());
  EXPECT_EQ(during.regions(0).traffic(0).ok(), during.regions(0).ok_from());
  EXPECT_EQ(during.regions(0).unserved(), 0);
  ASSERT_EQ(result.windows(5).regions(0).traffic_size(), 1);
  EXPECT_EQ(result.windows(5).regions(0).traffic(0).region(), "r0");
}

TEST(World, TheTrafficBetweenRegionsAddsUpToWhatEachRegionSentAndServed) {
  const auto result = simulateText(kTwoRegions);
  for (const auto& window : result.windows()) {
    for (const auto& to : window.regions()) {
      std::int64_t served = 0;
      std::int64_t ok = 0;
      for (const auto& from : window.regions()) {
        for (const auto& pair : from.traffic()) {
          EXPECT_GT(pair.requests(), 0);  // pairs without traffic are left out
          if (pair.region() != to.region()) continue;
          served += pair.requests();
          ok += pair.ok();
        }
      }
      EXPECT_EQ(served, to.requests_to()) << window.start_s();
      EXPECT_EQ(ok, to.ok_to()) << window.start_s();
    }
    for (const auto& from : window.regions()) {
      std::int64_t served = 0;
      for (const auto& pair : from.traffic())
        served += pair.requests();
      EXPECT_EQ(served + from.unserved(), from.requests_from());
    }
  }
}

TEST(World, WithoutFailoverAndWithoutPanicAnOutageLeavesNoHealthyHost) {
  std::string text = kTwoRegions;
  text.replace(text.find("healthy_threshold: 2 }"), 22,
               "healthy_threshold: 2 } locality { failover: LOCAL_ONLY } "
               "priority { healthy_panic_threshold: 0 }");
  const auto result = simulateText(text);
  expectWindowsAddUpToTheSummary(result);
  EXPECT_GT(result.summary().failures().no_healthy_host(), 200 * 4);
  EXPECT_EQ(result.summary().cross_region_requests(), 0);
}

TEST(World, WithoutFailoverPanicSendsTrafficIntoTheDarkAsEnvoyWould) {
  // Envoy's panic routing: with no healthy host (below the 50% threshold) a level uses all of its
  // hosts. The dark region swallows the requests, so they time out instead of being refused.
  std::string text = kTwoRegions;
  text.replace(text.find("healthy_threshold: 2 }"), 22,
               "healthy_threshold: 2 } locality { failover: LOCAL_ONLY }");
  const auto result = simulateText(text);
  expectWindowsAddUpToTheSummary(result);
  EXPECT_EQ(result.summary().failures().no_healthy_host(), 0);
  EXPECT_GT(result.summary().failures().timeout(), 200 * 9);
}

TEST(World, TheBalancerViewLagsTheTruth) {
  const auto result = simulateText(kTwoRegions);
  const auto& first_dark_window = result.windows(10);  // [10, 11)
  EXPECT_EQ(first_dark_window.regions(0).hosts_up(), 0);
  EXPECT_EQ(first_dark_window.balancers(0).healthy_hosts(0), 4);
}

TEST(World, ACrashedHostRefusesConnectionsAndResetsItsWorkInFlight) {
  const auto result = simulateText(R"pb(
    name: "crash"
    duration_s: 30
    seed: 2
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 1
        workers: 4
        service_time { constant { value_ms: 500 } }
      }
      clients { rate_rps: 4 timeout_ms: 0 }
    }
    balancer {
      health_check { enabled: false }
      locality { failover: LOCAL_ONLY }
    }
    faults {
      host_crash { hosts { region: "r0" } }
      start_s: 10
      end_s: 20
    }
  )pb");
  expectWindowsAddUpToTheSummary(result);
  const auto& f = result.summary().failures();
  EXPECT_GT(f.connection_reset(), 0);     // in service when it died
  EXPECT_GT(f.connection_refused(), 20);  // sent while it was down
  // Refusals are the crash's; the resets were sent just before it, and are not.
  EXPECT_EQ(result.summary().faults(0).failed(), f.connection_refused());
  EXPECT_EQ(result.windows(25).failed(), 0);  // back after the fault
}

TEST(World, AddedLatencyDelaysEveryAnswer) {
  std::string text = kOneHost;
  text += R"pb(faults {
                 latency {
                   hosts { region: "r0" }
                   latency_ms: 50
                 }
                 start_s: 0
               })pb";
  const auto result = simulateText(text);
  EXPECT_NEAR(result.summary().latency_ms().p50(), 61.0, 61.0 * 0.001);
}

TEST(World, InjectedErrorsFailTheirShareWithoutUsingAWorker) {
  std::string text = kOneHost;
  text.replace(text.find("rate_rps: 1 "), 12, "rate_rps: 50 ");
  text += R"pb(faults {
                 errors {
                   hosts { group: "api" }
                   probability: 0.3
                 }
                 start_s: 0
               })pb";
  const auto result = simulateText(text);
  const auto& s = result.summary();
  const double n = static_cast<double>(s.requests_total());
  const double share = static_cast<double>(s.failures().injected_error()) / n;
  EXPECT_NEAR(share, 0.3, 5 * std::sqrt(0.3 * 0.7 / n));
  EXPECT_EQ(s.requests_ok() + s.failures().injected_error(), s.requests_total());
}

TEST(World, ASurgeMultipliesTheArrivalsWhileItLasts) {
  std::string text = kOneHost;
  text.replace(text.find("rate_rps: 1 "), 12, "rate_rps: 20 ");
  text += R"pb(faults {
                 traffic_surge { multiplier: 3 }
                 start_s: 50
                 end_s: 150
               })pb";
  const auto result = simulateText(text);
  std::int64_t before = 0;
  std::int64_t during = 0;
  for (int w = 0; w < 50; ++w)
    before += result.windows(w).arrivals();
  for (int w = 50; w < 150; ++w)
    during += result.windows(w).arrivals();
  // Poisson counts: 1,000 and 6,000 expected; 5 sd each.
  EXPECT_NEAR(static_cast<double>(before), 1000, 5 * std::sqrt(1000.0));
  EXPECT_NEAR(static_cast<double>(during), 6000, 5 * std::sqrt(6000.0));
}

TEST(World, TimedOutRequestsStillKeepTheirWorkerBusy) {
  // 15 requests/s of 100 ms on one worker: overloaded. Every request times out at 50 ms, yet the
  // backend does all the work, so its queue grows for the whole run: by the end, requests that
  // arrived around 40 s start their service, about 20 s late (a backend that dropped timed-out
  // work would show no wait at all).
  const auto result = simulateText(R"pb(
    name: "wasted-work"
    duration_s: 60
    seed: 4
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 1
        workers: 1
        service_time { constant { value_ms: 100 } }
      }
      clients { rate_rps: 15 timeout_ms: 50 }
    }
    balancer {
      health_check { enabled: false }
      locality { failover: LOCAL_ONLY }
    }
  )pb");
  const auto& s = result.summary();
  expectWindowsAddUpToTheSummary(result);
  EXPECT_EQ(s.failures().timeout(), s.requests_total());
  EXPECT_GT(s.queue_wait_ms().max(), 10'000.0);
}

TEST(World, WithoutATimeoutADarkHostLeavesUnfinishedRequests) {
  std::string text = kOneHost;
  text += R"pb(faults {
                 region_outage { region: "r0" }
                 start_s: 100
               })pb";
  const auto result = simulateText(text);
  expectWindowsAddUpToTheSummary(result);
  EXPECT_GT(result.summary().failures().unfinished(), 50);
  EXPECT_DOUBLE_EQ(result.summary().end_s(), 200.0 + 60.0);  // the drain limit without timeouts
  // The fault's own figures include the requests sent into the dark that never finished.
  EXPECT_EQ(result.summary().faults(0).failed(), result.summary().failures().unfinished());
}

TEST(World, AFaultOwnsTheRequestsSentWhileItLastsEvenIfTheyFailLater) {
  // Requests sent into the blackhole time out 15 s later, after the outage has ended; they are
  // still the outage's.
  const auto result = simulateText(R"pb(
    name: "late-failures"
    duration_s: 60
    seed: 8
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 4
        workers: 4
        service_time { exponential { mean_ms: 5 } }
      }
      clients { rate_rps: 200 }
    }
    balancer { locality { failover: LOCAL_ONLY } }
    faults {
      name: "dark"
      region_outage { region: "r0" }
      start_s: 20
      end_s: 30
    }
  )pb");
  expectWindowsAddUpToTheSummary(result);
  const auto& s = result.summary();
  const auto& fault = s.faults(0);
  // Every timeout but the handful sent just before 20 s is the outage's. The failures it does not
  // own are refusals after 30 s: the hosts are back but not yet passing two probes.
  EXPECT_GE(fault.failed() + 5, s.failures().timeout());
  EXPECT_GT(s.failures().timeout(), 1'000);
  EXPECT_LE(s.requests_failed() - fault.failed(), s.failures().no_healthy_host() + 5);
  // About 200 requests a second for 10 s were sent while it lasted.
  EXPECT_NEAR(static_cast<double>(fault.requests()), 2'000, 5 * std::sqrt(2'000.0));
  EXPECT_LT(fault.availability(), 0.1);
}

TEST(World, AFaultStartingOnAWindowBoundaryBelongsToTheWindowItStarts) {
  const auto result = simulateText(kTwoRegions);  // r0 dark from 10 s to 20 s
  const auto& before = result.windows(9);         // [9, 10)
  const auto& first = result.windows(10);         // [10, 11)
  EXPECT_EQ(before.active_faults_size(), 0);
  EXPECT_EQ(before.regions(0).hosts_up(), 4);
  ASSERT_EQ(first.active_faults_size(), 1);
  EXPECT_EQ(first.active_faults(0), "r0 dark");
  EXPECT_EQ(result.windows(19).active_faults_size(), 1);
  EXPECT_EQ(result.windows(20).active_faults_size(), 0);  // it ended at 20 s
  EXPECT_EQ(result.windows(20).regions(0).hosts_up(), 4);
}

TEST(World, ProbesDoNotQueueBehindRealWork) {
  // Overloaded: the queue grows without bound, yet probes pass, so no host is ever marked down.
  const auto result = simulateText(R"pb(
    name: "overloaded"
    duration_s: 30
    seed: 4
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 2
        workers: 1
        service_time { constant { value_ms: 100 } }
      }
      clients { rate_rps: 40 timeout_ms: 100 }
    }
    balancer {
      health_check { interval_ms: 500 timeout_ms: 50 }
      locality { failover: LOCAL_ONLY }
    }
  )pb");
  for (const auto& event : result.events()) {
    EXPECT_NE(event.kind(), results::Event::HOST_MARKED_DOWN);
  }
  EXPECT_GT(result.summary().failures().timeout(), 0);
}

TEST(World, WarmUpLeavesEarlyRequestsOutOfTheSummaryOnly) {
  std::string text = kOneHost;
  text.replace(text.find("seed: 3"), 7, "seed: 3 warmup_s: 100");
  const auto result = simulateText(text);
  std::int64_t after_warmup = 0;
  for (const auto& window : result.windows()) {
    if (window.start_s() >= 100) after_warmup += window.requests();
  }
  EXPECT_EQ(result.summary().requests_total(), after_warmup);
  EXPECT_EQ(result.windows(0).requests(), result.windows(0).ok());
}

TEST(World, SameSeedSameBytesAnotherSeedAnotherRun) {
  const auto a = reports::toJson(simulateText(kTwoRegions));
  const auto b = reports::toJson(simulateText(kTwoRegions));
  RunOverrides other;
  other.seed = 6;
  const auto c = reports::toJson(simulateText(kTwoRegions, other));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(World, EveryStrategySeesTheSameTraffic) {
  std::vector<std::vector<std::int64_t>> arrivals;
  for (const char* strategy : {"round-robin", "random", "least-request"}) {
    RunOverrides overrides;
    overrides.strategy = strategy;
    const auto result = simulateText(kTwoRegions, overrides);
    EXPECT_EQ(result.run().strategy(), strategy);
    std::vector<std::int64_t> per_window;
    for (int w = 0; w < 40; ++w)
      per_window.push_back(result.windows(w).arrivals());
    arrivals.push_back(per_window);
  }
  EXPECT_EQ(arrivals[0], arrivals[1]);
  EXPECT_EQ(arrivals[0], arrivals[2]);
}

TEST(World, StopsEarlyWhenAskedAndReportsNoSummary) {
  auto spec = buildWorldSpec(testing::parseScenario(kTwoRegions), {});
  ASSERT_TRUE(spec);
  struct CountingObserver final : metrics::Observer {
    void onRunFinished(const metrics::RunSummary&) override { finished = true; }
    bool finished = false;
  } observer;
  std::atomic<bool> stop{true};
  EXPECT_EQ(simulate(*spec, observer, &stop).end, RunEnd::kStopped);
  EXPECT_FALSE(observer.finished);
}

TEST(World, AnOverloadThatOnlyGrowsStopsAsARunawayWithWhatBoundsIt) {
  // One worker at 100 rps of capacity, 2,000 rps offered, an unbounded queue: the tries in
  // flight grow by about 1,900 a second, past a limit lowered to 5,000 for the test.
  auto spec = buildWorldSpec(testing::parseScenario(R"pb(
                               name: "runaway"
                               duration_s: 60
                               regions {
                                 name: "r0"
                                 backends {
                                   group: "api"
                                   count: 1
                                   service_time { constant { value_ms: 10 } }
                                 }
                                 clients { rate_rps: 2000 timeout_ms: 0 }
                               }
                               balancer {
                                 health_check { enabled: false }
                                 locality { failover: LOCAL_ONLY }
                               }
                             )pb"),
                             {});
  ASSERT_TRUE(spec);
  spec->max_tries_in_flight = 5000;
  struct CountingObserver final : metrics::Observer {
    void onRunFinished(const metrics::RunSummary&) override { finished = true; }
    bool finished = false;
  } observer;
  const RunStatus status = simulate(*spec, observer);
  EXPECT_EQ(status.end, RunEnd::kRunaway);
  EXPECT_FALSE(observer.finished);
  EXPECT_NE(status.message.find("(the simulator holds at most 5000 tries and as many requests"),
            std::string::npos)
      << status.message;
  EXPECT_NE(status.message.find("backends.queue_limit"), std::string::npos);
}

TEST(World, MessagesOnTheWireBeyondTheEventLimitStopARunaway) {
  // 100 closed-loop users give up after 1 ms and send again at once over a 1 s hop: each leaves
  // about a thousand messages on the wire while only one request of its own is in flight.
  auto spec = buildWorldSpec(testing::parseScenario(R"pb(
                               name: "wire"
                               duration_s: 60
                               regions {
                                 name: "r0"
                                 backends {
                                   group: "api"
                                   count: 1
                                   service_time { constant { value_ms: 1 } }
                                 }
                                 clients {
                                   timeout_ms: 1
                                   closed_loop { users: 100 think_time_ms: 0 }
                                 }
                               }
                               network { intra_region_ms: 1000 }
                               balancer { health_check { enabled: false } }
                             )pb"),
                             {});
  ASSERT_TRUE(spec);
  spec->max_events_pending = 50'000;
  metrics::Observer observer;
  const RunStatus status = simulate(*spec, observer);
  EXPECT_EQ(status.end, RunEnd::kRunaway);
  EXPECT_NE(status.message.find("and 50000 events)"), std::string::npos) << status.message;
  EXPECT_NE(status.message.find("fewer closed-loop users"), std::string::npos);
}

}  // namespace
}  // namespace faultline::sim
