// Zones end to end: where requests come from, what crossing a zone costs, and the balancer's zone
// routing (Envoy's zone-aware and locality-weighted), each on a scenario whose outcome is known.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// Ten hosts over three zones: four in a, four in b, two in c. Clients evenly over the zones
// unless `client_zones` says otherwise.
std::string threeZones(const std::string& routing, const std::string& strategy = "round-robin",
                       const std::string& client_zones = "") {
  std::string text = R"(
    name: "zones"
    duration_s: 20
    seed: 4
    regions {
      name: "r0"
      zones: ["a", "b", "c"]
      backends {
        group: "ab"
        count: 8
        zones: ["a", "b"]
        workers: 16
        service_time { exponential { mean_ms: 2 } }
      }
      backends {
        group: "c"
        count: 2
        zones: ["c"]
        workers: 16
        service_time { exponential { mean_ms: 2 } }
      }
      clients { rate_rps: 1000 CLIENT_ZONES }
    }
    balancer { strategy: "STRATEGY" locality { failover: LOCAL_ONLY } ROUTING }
  )";
  const auto fill = [&text](std::string_view placeholder, const std::string& value) {
    text.replace(text.find(placeholder), placeholder.size(), value);
  };
  fill("CLIENT_ZONES", client_zones);
  fill("STRATEGY", strategy);
  fill("ROUTING", routing);
  return text;
}

double crossZoneShare(const results::RunResult& result) {
  return static_cast<double>(result.summary().cross_zone_requests()) /
         static_cast<double>(result.summary().requests_total());
}

// Five standard errors of a proportion p over n requests.
double fiveSigma(double p, const results::RunResult& result) {
  return 5 * std::sqrt(p * (1 - p) / static_cast<double>(result.summary().requests_total()));
}

TEST(ZoneRouting, WithoutRoutingRequestsLandInAnyZone) {
  // Round robin over all ten hosts: a client in a or b crosses zones for 6 of 10 hosts, one in c
  // for 8 of 10: (0.6 + 0.6 + 0.8) / 3.
  const auto result = simulateText(threeZones(""));
  EXPECT_NEAR(crossZoneShare(result), 2.0 / 3, fiveSigma(2.0 / 3, result));
}

TEST(ZoneRouting, ZoneAwareKeepsRequestsInZoneAndSpillsOnlyTheExcess) {
  // Envoy's arithmetic: upstream% a, b, c = 4000, 4000, 2000 against 3333 each from the clients.
  // a and b route directly; c keeps 2000 x 10000 / 3333 = 6000 of its requests and spills the
  // other 40%: 0.4 / 3 of all requests cross a zone.
  const auto result = simulateText(threeZones("zone_routing { mode: ZONE_AWARE }"));
  const double expected = 0.4 / 3;
  EXPECT_NEAR(crossZoneShare(result), expected, fiveSigma(expected, result));
  EXPECT_EQ(result.summary().requests_ok(), result.summary().requests_total());
}

TEST(ZoneRouting, ZoneAwareIgnoresZonesBelowTheMinimumClusterSize) {
  const auto result =
      simulateText(threeZones("zone_routing { mode: ZONE_AWARE min_cluster_size: 11 }"));
  EXPECT_NEAR(crossZoneShare(result), 2.0 / 3, fiveSigma(2.0 / 3, result));
}

TEST(ZoneRouting, HashingStrategiesDoNotRouteByZone) {
  // As in Envoy: the hashing balancers pick over the whole level; maglev spreads evenly.
  const auto result = simulateText(threeZones("zone_routing { mode: ZONE_AWARE }", "maglev"));
  EXPECT_NEAR(crossZoneShare(result), 2.0 / 3, fiveSigma(2.0 / 3, result));
}

TEST(ZoneRouting, LocalityWeightsSplitTrafficOverZonesByWeight) {
  // Clients a 50%, b 25%, c 25%. Weights a 3, b 1, c 0: a takes 3/4 of every client's requests,
  // b 1/4, c nothing. A client in a crosses for 1/4, in b for 3/4, in c always:
  // 0.5 x 0.25 + 0.25 x 0.75 + 0.25 = 0.5625. Without weights, round robin over the hosts:
  // 0.5 x 0.6 + 0.25 x 0.6 + 0.25 x 0.8 = 0.65.
  const std::string clients = R"pb(zones { zone: "a" share: 2 }
                                   zones { zone: "b" share: 1 }
                                   zones { zone: "c" share: 1 })pb";
  const auto plain = simulateText(threeZones("", "round-robin", clients));
  const auto weighted =
      simulateText(threeZones(R"pb(
                                zone_routing {
                                  mode: LOCALITY_WEIGHTED
                                  zone_weights { region: "r0" zone: "a" weight: 3 }
                                  zone_weights { region: "r0" zone: "c" weight: 0 }
                                })pb",
                              "round-robin", clients));
  EXPECT_NEAR(crossZoneShare(plain), 0.65, fiveSigma(0.65, plain));
  EXPECT_NEAR(crossZoneShare(weighted), 0.5625, fiveSigma(0.5625, weighted));
}

TEST(ZoneRouting, ClientZoneSharesAndCrossZoneLatencyPriceTheTrip) {
  // All clients in zone a; hosts half in a, half in b; a constant 1 ms of service. Crossing zones
  // costs 2 ms each way instead of 0.5. Without routing half the requests cross: mean
  // 1 + 0.5 x 1 + 0.5 x 4 = 3.5 ms. With zone b weighted 0, none do: 2 ms.
  const std::string scenario = R"pb(
    name: "cross-zone-latency"
    duration_s: 10
    seed: 1
    regions {
      name: "r0"
      zones: [ "a", "b" ]
      backends {
        group: "api"
        count: 4
        workers: 64
        service_time { constant { value_ms: 1 } }
      }
      clients {
        rate_rps: 500
        zones { zone: "a" share: 1 }
      }
    }
    network { intra_region_ms: 0.5 cross_zone_ms: 2 }
    balancer { locality { failover: LOCAL_ONLY } ROUTING }
  )pb";
  const auto plain = simulateText(std::string(scenario).replace(scenario.find("ROUTING"), 7, ""));
  const auto local = simulateText(
      std::string(scenario).replace(scenario.find("ROUTING"), 7,
                                    R"pb(zone_routing {
                                           mode: LOCALITY_WEIGHTED
                                           zone_weights { region: "r0" zone: "b" weight: 0 }
                                         })pb"));
  // Round robin alternates exactly between the zones' hosts (a, b, a, b).
  EXPECT_NEAR(plain.summary().latency_ms().mean(), 3.5, 0.01);
  EXPECT_NEAR(crossZoneShare(plain), 0.5, 0.001);
  EXPECT_NEAR(local.summary().latency_ms().mean(), 2.0, 1e-9);
  EXPECT_EQ(local.summary().cross_zone_requests(), 0);
}

}  // namespace
}  // namespace faultline::sim
