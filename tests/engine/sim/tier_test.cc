// The balancer as a tier of its own: instances that fail, clients that find them through DNS or
// anycast, global policies, DNS faults.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "engine/sim/tier_routing.h"
#include "engine/sim/world_builder.h"
#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// Regions r0 and r1 30 ms apart, each with 4 hosts of 4 workers (10 ms of work), clients only
// in r0 (200 requests/s, 1 s timeout). `tier` is the body of balancer.tier; `faults` follows.
std::string twoRegions(const std::string& tier, const std::string& faults = "",
                       double duration_s = 120) {
  return R"(
    name: "tier"
    duration_s: )" +
         std::to_string(duration_s) + R"(
    seed: 21
    regions {
      name: "r0"
      backends { group: "api" count: 4 workers: 4 service_time { constant { value_ms: 10 } } }
      clients { rate_rps: 200 timeout_ms: 1000 }
    }
    regions {
      name: "r1"
      backends { group: "api" count: 4 workers: 4 service_time { constant { value_ms: 10 } } }
    }
    network { intra_region_ms: 0.5 links { from: "r0" to: "r1" one_way_ms: 30 } }
    balancer { tier { )" +
         tier + R"( } }
  )" + faults;
}

// The time of the last window with a failed request, or -1.
int lastFailure(const results::RunResult& result) {
  int last = -1;
  for (int w = 0; w < result.windows_size(); ++w) {
    if (result.windows(w).failed() > 0) last = w;
  }
  return last;
}

TEST(Tier, AnInstanceAddsAHopEachWay) {
  const auto result = simulateText(twoRegions(R"(sites { region: "r0" instances: 1 })", "", 20));
  // Client to instance, instance to host, 10 ms of work, and back: 0.5 ms for each of 4 trips.
  EXPECT_NEAR(result.summary().latency_ms().p50(), 12.0, 0.01);
  ASSERT_EQ(result.windows(5).balancers_size(), 1);
  EXPECT_EQ(result.windows(5).balancers(0).instance(), "r0/lb-1");
}

TEST(Tier, ASingleInstanceIsASinglePointOfFailureAndASecondOneHolds) {
  const std::string crash =
      R"(faults { balancer_crash { region: "r0" count: 1 } start_s: 20 end_s: 40 })";
  const auto single = simulateText(twoRegions(R"(sites { region: "r0" instances: 1 })", crash, 60));
  // Nothing else to go to: every request of those 20 s is refused (4,000 expected).
  EXPECT_GT(single.summary().failures().connection_refused(), 3'700);
  EXPECT_LT(single.summary().faults(0).availability(), 0.01);
  const auto redundant =
      simulateText(twoRegions(R"(sites { region: "r0" instances: 2 })", crash, 60));
  // Clients refused by the dead instance try the other address: only the requests in flight
  // through it when it died are lost.
  EXPECT_EQ(redundant.summary().failures().connection_refused(), 0);
  EXPECT_LT(redundant.summary().failures().connection_reset(), 10);
  EXPECT_GT(redundant.summary().faults(0).availability(), 0.999);
}

TEST(Tier, TheResultsSayWhichInstanceAFaultStrikesAndWhenItIsDown) {
  const std::string crash =
      R"(faults { balancer_crash { region: "r0" count: 1 } start_s: 20 end_s: 40 })";
  const auto result = simulateText(twoRegions(R"(sites { region: "r0" instances: 2 })", crash, 60));
  ASSERT_EQ(result.topology().faults_size(), 1);
  ASSERT_EQ(result.topology().faults(0).instances_size(), 1);
  const std::string struck = result.topology().faults(0).instances(0);
  EXPECT_TRUE(struck == "r0/lb-1" || struck == "r0/lb-2") << struck;
  // Windows of 1 s: the one ending at 30 s has the struck instance down and the other up; the
  // one ending at 50 s has both up.
  const auto downAt = [&](int window) {
    std::vector<std::string> down;
    for (const auto& view : result.windows(window).balancers()) {
      if (view.down()) down.push_back(view.instance());
    }
    return down;
  };
  EXPECT_EQ(downAt(29), std::vector<std::string>{struck});
  EXPECT_TRUE(downAt(49).empty());
  EXPECT_TRUE(downAt(10).empty());
}

// r0's only instance dies at 30 s for good. The global checks (every 10 s, 3 in a row) see it at
// 52.5 s: instance 0 of 2 is checked at 2.5 s past each multiple of 10 s, the first check after
// 30 s is at 32.5 s, the third at 52.5 s. Until then clients connect to r0 and are refused.
std::string siteDies(const std::string& routing) {
  return twoRegions(
      R"(sites { region: "r0" instances: 1 } sites { region: "r1" instances: 1 } )" + routing,
      R"(faults { balancer_crash { region: "r0" } start_s: 30 })");
}

TEST(Tier, DnsFailoverWaitsForTheChecksAndThenForTheTtl) {
  const auto ttl60 = simulateText(siteDies("ttl_s: 60"));
  const auto ttl10 = simulateText(siteDies("ttl_s: 10"));
  for (const auto* result : {&ttl60, &ttl10}) {
    for (int w = 31; w < 52; ++w)  // every request fails until the checks see it
      EXPECT_EQ(result->windows(w).ok(), 0) << w;
  }
  // Then resolvers pick up the new answer as their cached one expires, spread over one TTL: the
  // failures stop one TTL after the checks saw the failure.
  EXPECT_NEAR(lastFailure(ttl60), 52.5 + 60, 1.5);
  EXPECT_NEAR(lastFailure(ttl10), 52.5 + 10, 1.5);
  // Halfway through, about half the resolvers have moved.
  const auto& half = ttl60.windows(82);
  EXPECT_NEAR(static_cast<double>(half.failed()) / static_cast<double>(half.requests()), 0.5, 0.15);
  // The fault's figures: detected and failed over when the checks saw it (22.5 s after it
  // started, the instance marked down in the events), recovered one TTL later.
  for (const auto* result : {&ttl60, &ttl10}) {
    const auto& fault = result->summary().faults(0);
    EXPECT_TRUE(fault.detected());
    EXPECT_DOUBLE_EQ(fault.time_to_detect_s(), 22.5);
    EXPECT_DOUBLE_EQ(fault.time_to_fail_over_s(), 22.5);
    EXPECT_EQ(fault.requests_lost(), result->summary().requests_failed());
    EXPECT_TRUE(fault.recovered());
  }
  EXPECT_NEAR(ttl60.summary().faults(0).time_to_recover_s(), 22.5 + 60, 1.5);
  EXPECT_NEAR(ttl10.summary().faults(0).time_to_recover_s(), 22.5 + 10, 1.5);
  const auto down = std::find_if(ttl60.events().begin(), ttl60.events().end(), [](const auto& e) {
    return e.kind() == results::Event::INSTANCE_MARKED_DOWN;
  });
  ASSERT_NE(down, ttl60.events().end());
  EXPECT_EQ(down->balancer(), "r0/lb-1");
  EXPECT_DOUBLE_EQ(down->time_s(), 52.5);
}

TEST(Tier, AnycastWithdrawsTheRouteOnceTheChecksSeeTheSiteDown) {
  const auto result = simulateText(siteDies("routing: ANYCAST"));
  EXPECT_EQ(result.windows(40).ok(), 0);
  EXPECT_NEAR(lastFailure(result), 52.5, 1.5);
}

std::string bothSites(const std::string& policy) {
  return twoRegions(
      R"(sites { region: "r0" instances: 1 } sites { region: "r1" instances: 1 } ttl_s: 1 )" +
          policy,
      "", 60);
}

// The share of requests served by r1's hosts: what its instance picked (its own region first).
double servedByR1(const results::RunResult& result) {
  const auto& s = result.summary();
  return static_cast<double>(s.regions(1).requests_to()) / static_cast<double>(s.requests_total());
}

TEST(Tier, GlobalPoliciesSteerClientsBetweenSites) {
  EXPECT_EQ(servedByR1(simulateText(bothSites("policy: NEAREST"))), 0.0);
  EXPECT_EQ(servedByR1(simulateText(bothSites("policy: LOWEST_LATENCY"))), 0.0);
  EXPECT_EQ(
      servedByR1(simulateText(bothSites(R"(policy: ACTIVE_PASSIVE failover_order: ["r1", "r0"])"))),
      1.0);
  // Per resolver and refresh (100 resolvers, a 1 s TTL: about 6,000 draws); 0.03 is over 5 sd.
  EXPECT_NEAR(servedByR1(simulateText(bothSites("policy: ACTIVE_ACTIVE"))), 0.5, 0.03);
  EXPECT_NEAR(
      servedByR1(simulateText(bothSites(
          R"(policy: WEIGHTED weights { region: "r0" weight: 1 } weights { region: "r1" weight: 3 })"))),
      0.75, 0.03);
}

// Clients in r0 with sites in r1 (30 ms away) and r2 (40 ms away); r0 has hosts of its own.
std::string sitesAway(const std::string& policy) {
  return R"(
    name: "latency"
    duration_s: 60
    seed: 22
    regions {
      name: "r0"
      backends { group: "api" count: 2 workers: 4 service_time { constant { value_ms: 10 } } }
      clients { rate_rps: 100 timeout_ms: 1000 }
    }
    regions {
      name: "r1"
      backends { group: "api" count: 2 workers: 4 service_time { constant { value_ms: 10 } } }
    }
    regions {
      name: "r2"
      backends { group: "api" count: 2 workers: 4 service_time { constant { value_ms: 10 } } }
    }
    network {
      links { from: "r0" to: "r1" one_way_ms: 30 }
      links { from: "r0" to: "r2" one_way_ms: 40 }
      links { from: "r1" to: "r2" one_way_ms: 20 }
    }
    balancer { tier { sites { region: "r1" instances: 1 } sites { region: "r2" instances: 1 }
                      ttl_s: 1 )" +
         policy + R"( } }
    faults { link_degradation { from: "r0" to: "r1" latency_ms: 30 } start_s: 0 }
  )";
}

TEST(Tier, LowestLatencyMovesAwayFromADegradedPathAndNearestDoesNot) {
  // A round trip to r1 now takes 30 + 30 + 30 ms, more than the 80 ms to r2. Instances serve
  // from their own region.
  auto servedBy = [](const results::RunResult& result, int region) {
    const auto& s = result.summary();
    return static_cast<double>(s.regions(region).requests_to()) /
           static_cast<double>(s.requests_total());
  };
  // Resolvers answered before the fault began keep r1 for their first TTL (1 s).
  EXPECT_GT(servedBy(simulateText(sitesAway("policy: LOWEST_LATENCY")), 2), 0.97);
  EXPECT_EQ(servedBy(simulateText(sitesAway("policy: NEAREST")), 2), 0.0);
}

TEST(Tier, ADnsFailureFailsRequestsOnceTheirResolverMustRefresh) {
  const auto result =
      simulateText(twoRegions(R"(sites { region: "r0" instances: 1 } ttl_s: 10)",
                              R"(faults { dns_failure { } start_s: 30 end_s: 50 })", 60));
  // Resolvers expire one after another over 10 s, then every request fails until the end.
  EXPECT_EQ(result.windows(29).failed(), 0);
  for (int w = 41; w < 50; ++w)
    EXPECT_EQ(result.windows(w).failures().dns_failure(), result.windows(w).requests()) << w;
  EXPECT_EQ(result.windows(51).failed(), 0);
}

TEST(Tier, StaleDnsKeepsClientsOnADeadSite) {
  std::string text = siteDies("ttl_s: 10");
  text += R"(faults { dns_stale { region: "r0" } start_s: 0 end_s: 100 })";
  const auto result = simulateText(text);
  // The failover was published at 52.5 s but no resolver took it while the fault lasted; when it
  // ends, every cached answer is long expired, and each resolver refreshes at its next request.
  EXPECT_EQ(result.windows(90).ok(), 0);
  EXPECT_EQ(lastFailure(result), 99);
}

TEST(Tier, EveryInstanceKeepsItsOwnView) {
  const auto result = simulateText(twoRegions(
      R"(sites { region: "r0" instances: 3 } sites { region: "r1" instances: 2 })", "", 10));
  const auto& window = result.windows(5);
  ASSERT_EQ(window.balancers_size(), 5);
  EXPECT_EQ(window.balancers(0).instance(), "r0/lb-1");
  EXPECT_EQ(window.balancers(4).instance(), "r1/lb-2");
  EXPECT_EQ(window.balancers(4).active_region(), "r1");
}

// haproxy#178's fleet effect: least-request with a full scan behind N instances, each counting
// only the requests that pass through it. One instance sees every request in flight and spreads
// them well; ten each see a tenth, pick the hosts that look idle to them, and pile onto the same
// ones. Same arrivals and service times in both runs (common random numbers); at 85% load the
// ten-instance fleet's mean latency measured 1.83 times the single instance's (34.4 ms against
// 18.8 ms): 1.5 leaves room without losing the point.
std::string fleet(int instances) {
  return R"(
    name: "fleet"
    duration_s: 60
    seed: 3
    regions {
      name: "r0"
      backends { group: "api" count: 10 workers: 1 service_time { exponential { mean_ms: 10 } } }
      clients { rate_rps: 850 timeout_ms: 0 }
    }
    balancer {
      strategy: "least-request"
      least_request { full_scan: true }
      health_check { enabled: false }
      tier { sites { region: "r0" instances: )" +
         std::to_string(instances) + R"( } }
    }
  )";
}

TEST(Tier, PartialViewsOfAFleetBalanceWorseThanOneInstance) {
  const auto one = simulateText(fleet(1)).summary();
  const auto ten = simulateText(fleet(10)).summary();
  EXPECT_EQ(one.requests_total(), ten.requests_total());
  EXPECT_GT(ten.latency_ms().mean(), 1.5 * one.latency_ms().mean());
}

TEST(Tier, ChecksBeforeTheFirstOneSeeAChangeAtTheFirstOne) {
  TierSpec spec;
  spec.instances = {TierInstanceSpec{"r0/lb-1", 0, 0}, TierInstanceSpec{"r0/lb-2", 0, 0}};
  spec.check_interval = std::chrono::seconds(10);
  spec.failure_threshold = 1;
  auto latency = [](std::uint32_t, std::uint32_t) { return Duration::zero(); };
  TierRouter router(spec, {0}, 1, 1, latency, latency);
  // Instance 0 of 2 is checked at 2.5 s, 12.5 s, ...
  using std::chrono::milliseconds;
  EXPECT_EQ(router.detectionTime(0, TimePoint{}), TimePoint{} + milliseconds(2500));
  EXPECT_EQ(router.detectionTime(0, TimePoint{} + milliseconds(2400)),
            TimePoint{} + milliseconds(2500));
  EXPECT_EQ(router.detectionTime(0, TimePoint{} + milliseconds(2500)),
            TimePoint{} + milliseconds(12'500));
  EXPECT_EQ(router.detectionTime(1, TimePoint{} + milliseconds(8000)),
            TimePoint{} + milliseconds(17'500));
}

TEST(Tier, ACrashLeavesRequestsWaitingToBeRetriedByTheirClientsAlone) {
  // Nothing resolves from the start, so every request waits 2 s to be retried by its client;
  // the crash at 1 s must not touch them (they are at their clients, not at the instance).
  const auto result = simulateText(twoRegions(R"(sites { region: "r0" instances: 2 } ttl_s: 0.1)",
                                              R"(faults { dns_failure { } start_s: 0 end_s: 5 }
         faults { balancer_crash { region: "r0" count: 1 } start_s: 1 end_s: 3 })",
                                              10));
  EXPECT_EQ(result.summary().failures().connection_reset(), 0);
}

TEST(Tier, CrossZoneCountsTheClientsZoneNotTheInstances) {
  // Hosts and clients in zone a, the only instance in zone b: nothing is served across zones
  // from where the clients are.
  const auto result = simulateText(R"(
    name: "zones"
    duration_s: 10
    seed: 4
    regions {
      name: "r0"
      zones: ["a", "b"]
      backends {
        group: "api" count: 4 zones: ["a"] service_time { constant { value_ms: 1 } }
      }
      clients { rate_rps: 100 zones { zone: "a" share: 1 } }
    }
    balancer { tier { sites { region: "r0" instances: 1 zones: ["b"] } } }
  )");
  EXPECT_GT(result.summary().requests_ok(), 900);
  EXPECT_EQ(result.summary().cross_zone_requests(), 0);
}

TEST(Tier, RequestsLostOnTheWayToTheTierCountTowardsTheRunawayGuard) {
  // Requests into a partition with no timeout are never answered: they pile up at their
  // clients, with no try in flight, until the guard stops the run.
  auto spec =
      buildWorldSpec(testing::parseScenario(twoRegions(
                         R"(sites { region: "r1" instances: 1 })",
                         R"(faults { network_partition { from: "r0" to: "r1" } start_s: 0 })")),
                     {});
  ASSERT_TRUE(spec);
  spec->max_tries_in_flight = 2000;
  for (auto& client : spec->clients)
    client.timeout.reset();
  metrics::Observer observer;
  EXPECT_EQ(simulate(*spec, observer).end, RunEnd::kRunaway);
}

}  // namespace
}  // namespace faultline::sim
