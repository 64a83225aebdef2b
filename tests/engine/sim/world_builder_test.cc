#include "engine/sim/world_builder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;
using testing::parseScenario;

const std::string kThreeRegions = R"pb(
  name: "three"
  duration_s: 100
  seed: 11
  regions {
    name: "east"
    zones: [ "a", "b", "c" ]
    backends {
      group: "api"
      count: 7
      workers: 4
      service_time { exponential { mean_ms: 10 } }
    }
    backends {
      group: "old"
      count: 2
      zones: [ "c" ]
      service_time { constant { value_ms: 30 } }
    }
    clients { rate_rps: 100 }
  }
  regions {
    name: "west"
    backends {
      group: "api"
      count: 3
      queue_limit: 10
      service_time { exponential { mean_ms: 10 } }
    }
    clients { rate_rps: 50 timeout_ms: 0 }
  }
  regions {
    name: "eu"
    backends {
      group: "api"
      count: 3
      service_time { exponential { mean_ms: 10 } }
    }
  }
  network {
    links { from: "east" to: "west" one_way_ms: 30 }
    links { from: "east" to: "eu" one_way_ms: 40 jitter_ms: 1 }
    links { from: "eu" to: "east" one_way_ms: 45 }
    links { from: "west" to: "eu" one_way_ms: 70 }
  }
)pb";

WorldSpec build(const std::string& text, const RunOverrides& overrides = {}) {
  auto spec = buildWorldSpec(parseScenario(text), overrides);
  EXPECT_TRUE(spec) << (spec ? "" : spec.error().path + ": " + spec.error().message);
  return spec ? std::move(*spec) : WorldSpec{};
}

TEST(WorldBuilder, AppliesTheDocumentedDefaults) {
  const auto spec = build(kThreeRegions);
  EXPECT_EQ(spec.balancer.strategy, "round-robin");
  const auto& hc = spec.balancer.config.health_check;
  EXPECT_TRUE(hc.enabled);
  EXPECT_EQ(hc.interval, 2s);
  EXPECT_EQ(hc.timeout, 2s);
  EXPECT_EQ(hc.unhealthy_threshold, 3u);
  EXPECT_EQ(hc.healthy_threshold, 2u);
  EXPECT_EQ(spec.balancer.config.priority.overprovisioning_factor, 140u);  // Envoy's 1.4
  EXPECT_EQ(spec.balancer.config.priority.panic_threshold, 50u);
  EXPECT_FALSE(spec.balancer.config.fail_traffic_on_panic);
  EXPECT_EQ(spec.balancer.options.least_request.choice_count, 2u);
  EXPECT_EQ(spec.layout.window, 1s);
  EXPECT_EQ(spec.layout.slo.availability, 0.999);
  EXPECT_EQ(spec.network.baseDelay(0, 0), 500us);
  ASSERT_EQ(spec.clients.size(), 2u);
  EXPECT_EQ(spec.clients[0].timeout, 15s);           // Envoy's route timeout
  EXPECT_EQ(spec.clients[1].timeout, std::nullopt);  // 0 switches it off
  EXPECT_EQ(spec.groups[0].workers, 4u);
  EXPECT_EQ(spec.groups[1].workers, 1u);
  EXPECT_EQ(spec.groups[0].queue_limit, std::nullopt);
  EXPECT_EQ(spec.groups[2].queue_limit, 10u);
  EXPECT_EQ(spec.drain_limit, 60s);  // one client has no timeout
  EXPECT_EQ(spec.layout.regions[2].zones, std::vector<std::string>{"a"});
}

TEST(WorldBuilder, NamesHostsAndSpreadsThemOverZones) {
  const auto spec = build(kThreeRegions);
  ASSERT_EQ(spec.hosts.size(), 15u);
  EXPECT_EQ(spec.layout.hosts[0].name, "east/api-1");
  EXPECT_EQ(spec.layout.hosts[8].name, "east/old-2");
  std::vector<std::uint32_t> zones;
  for (int h = 0; h < 9; ++h)
    zones.push_back(spec.hosts[h].zone);
  EXPECT_EQ(zones, (std::vector<std::uint32_t>{0, 1, 2, 0, 1, 2, 0, 2, 2}));
  EXPECT_EQ(spec.layout.regions[0].hosts, 9u);
}

TEST(WorldBuilder, LinksServeBothWaysUnlessTheOtherWayHasItsOwn) {
  const auto spec = build(kThreeRegions);
  EXPECT_EQ(spec.network.baseDelay(0, 1), 30ms);
  EXPECT_EQ(spec.network.baseDelay(1, 0), 30ms);
  EXPECT_EQ(spec.network.baseDelay(0, 2), 40ms);
  EXPECT_EQ(spec.network.baseDelay(2, 0), 45ms);
}

TEST(WorldBuilder, FailsOverByLatencyByOrderOrNotAtAll) {
  auto spec = build(kThreeRegions);
  EXPECT_EQ(spec.layout.regions[0].failover_order, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(spec.layout.regions[1].failover_order, (std::vector<std::uint32_t>{1, 0, 2}));
  EXPECT_EQ(spec.layout.regions[2].failover_order, (std::vector<std::uint32_t>{2, 0, 1}));
  spec = build(kThreeRegions + R"pb(balancer {
                                      locality {
                                        failover: BY_ORDER
                                        order: [ "eu", "west", "east" ]
                                      }
                                    })pb");
  EXPECT_EQ(spec.layout.regions[0].failover_order, (std::vector<std::uint32_t>{0, 2, 1}));
  EXPECT_EQ(spec.layout.regions[1].failover_order, (std::vector<std::uint32_t>{1, 2, 0}));
  spec = build(kThreeRegions + R"pb(balancer { locality { failover: LOCAL_ONLY } })pb");
  EXPECT_EQ(spec.layout.regions[0].failover_order, (std::vector<std::uint32_t>{0}));
}

TEST(WorldBuilder, AnUnknownStrategyIsReportedAtItsField) {
  auto spec =
      buildWorldSpec(parseScenario(kThreeRegions + R"pb(balancer { strategy: "fastest" })pb"), {});
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().path, "balancer.strategy");
  EXPECT_NE(spec.error().message.find("fastest"), std::string::npos);
  EXPECT_NE(spec.error().message.find("least-request"), std::string::npos);

  RunOverrides overrides;
  overrides.strategy = "nope";
  spec = buildWorldSpec(parseScenario(kThreeRegions), overrides);
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().path, "--strategy");
}

TEST(WorldBuilder, ADurationOverrideMayNotMakeAMillionWindows) {
  RunOverrides overrides;
  overrides.duration = std::chrono::hours(24 * 30);
  auto spec = buildWorldSpec(parseScenario(kThreeRegions + "window_s: 0.001"), overrides);
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().path, "--duration");
  EXPECT_NE(spec.error().message.find("0.001 s"), std::string::npos);
  overrides.duration = std::chrono::seconds(1000);  // exactly a million windows
  EXPECT_TRUE(buildWorldSpec(parseScenario(kThreeRegions + "window_s: 0.001"), overrides));
}

TEST(WorldBuilder, AFaultEndingFarBeyondTheRunEndsWithIt) {
  const auto spec = build(kThreeRegions + R"pb(
    faults {
      host_crash { hosts { region: "west" } }
      start_s: 10
      end_s: 1e300
    })pb");
  ASSERT_EQ(spec.faults.size(), 1u);
  EXPECT_EQ(spec.faults[0].end, TimePoint{} + 100s);
}

TEST(WorldBuilder, ADurationOverrideMustOutlastTheWarmUp) {
  RunOverrides overrides;
  overrides.duration = 5s;
  auto spec = buildWorldSpec(parseScenario(kThreeRegions + "warmup_s: 10"), overrides);
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().path, "--duration");
  overrides.duration = 20s;
  EXPECT_TRUE(buildWorldSpec(parseScenario(kThreeRegions + "warmup_s: 10"), overrides));
}

const std::string kFaults = R"pb(
  faults {
    host_crash { hosts { region: "east" group: "api" count: 3 } }
    start_s: 10
    end_s: 20
  }
  faults {
    name: "eu gone"
    region_outage { region: "eu" }
    start_s: 30
  }
  faults {
    zone_outage { region: "east" zone: "c" }
    start_s: 40
    end_s: 500
  }
  faults {
    traffic_surge { region: "west" multiplier: 2 }
    start_s: 50
    end_s: 60
  }
  faults {
    traffic_surge { multiplier: 3 }
    start_s: 55
    end_s: 70
  }
  faults {
    latency {
      hosts { zone: "a" }
      latency_ms: 20
    }
    start_s: 200
  }
)pb";

TEST(WorldBuilder, ResolvesFaultTargetsAndClipsThemToTheRun) {
  const auto spec = build(kThreeRegions + kFaults);
  ASSERT_EQ(spec.faults.size(), 5u);  // the one starting after the run is dropped
  EXPECT_EQ(spec.faults[0].hosts.size(), 3u);
  for (auto h : spec.faults[0].hosts)
    EXPECT_LT(h, 7u);  // east/api only
  EXPECT_TRUE(std::is_sorted(spec.faults[0].hosts.begin(), spec.faults[0].hosts.end()));
  EXPECT_EQ(spec.faults[1].hosts, (std::vector<std::uint32_t>{12, 13, 14}));
  EXPECT_EQ(spec.faults[1].end, TimePoint{} + 100s);  // no end: to the end of the run
  EXPECT_EQ(spec.faults[2].end, TimePoint{} + 100s);  // clipped
  EXPECT_EQ(spec.faults[2].hosts, (std::vector<std::uint32_t>{2, 5, 7, 8}));
  EXPECT_EQ(spec.layout.faults[1].name, "eu gone");
  EXPECT_EQ(spec.layout.faults[0].name, "host_crash 3 hosts");
  EXPECT_EQ(spec.layout.faults[2].name, "zone_outage east/c");
  EXPECT_EQ(spec.layout.faults[2].kind, "zone_outage");
}

TEST(WorldBuilder, TheSameSeedStrikesTheSameHostsWhateverTheStrategy) {
  RunOverrides random;
  random.strategy = "random";
  const auto a = build(kThreeRegions + kFaults);
  const auto b = build(kThreeRegions + kFaults, random);
  EXPECT_EQ(a.faults[0].hosts, b.faults[0].hosts);
  RunOverrides reseeded;
  bool differs = false;
  for (std::uint64_t seed = 1; seed < 20 && !differs; ++seed) {
    reseeded.seed = seed;
    differs = build(kThreeRegions + kFaults, reseeded).faults[0].hosts != a.faults[0].hosts;
  }
  EXPECT_TRUE(differs);
}

TEST(WorldBuilder, SurgesMultiplyTheirRegionsRatesWhileTheyLast) {
  const auto spec = build(kThreeRegions + kFaults);
  const auto& east = spec.clients[0].rate;
  const auto& west = spec.clients[1].rate;
  auto rate_at = [](const std::vector<RateSegment>& schedule, double s) {
    double rate = 0;
    for (const auto& segment : schedule) {
      if (segment.start <= TimePoint{} + Duration(std::llround(s * 1e9))) rate = segment.rate_per_s;
    }
    return rate;
  };
  EXPECT_EQ(rate_at(east, 0), 100);
  EXPECT_EQ(rate_at(east, 52), 100);
  EXPECT_EQ(rate_at(east, 56), 300);
  EXPECT_EQ(rate_at(east, 71), 100);
  EXPECT_EQ(rate_at(west, 52), 100);
  EXPECT_EQ(rate_at(west, 57), 300);  // both surges: 50 x 2 x 3
  EXPECT_EQ(rate_at(west, 65), 150);
  EXPECT_EQ(rate_at(west, 99), 50);
}

TEST(WorldBuilder, AShorterRunDropsTheFaultsItNeverReaches) {
  RunOverrides overrides;
  overrides.duration = 35s;
  const auto spec = build(kThreeRegions + kFaults, overrides);
  ASSERT_EQ(spec.faults.size(), 2u);
  EXPECT_EQ(spec.faults[1].end, TimePoint{} + 35s);
}

}  // namespace
}  // namespace faultline::sim
