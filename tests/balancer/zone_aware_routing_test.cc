// Zone-aware and locality-weighted routing: Envoy's arithmetic, worked by hand for each case, and
// the balancer choosing among a zone's hosts with it.
#include "balancer/zone_aware_routing.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/locality_weighted_routing.h"
#include "balancer/round_robin.h"
#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using testing::FakeRuntime;
using Mode = ZoneAwareRouting::Mode;

// Level 0: `per_zone[z]` hosts in zone z of region 0, numbered zone by zone. Level 1: two hosts
// of region 1, zone 0.
PrioritySet zonedHosts(const std::vector<std::uint32_t>& per_zone) {
  std::vector<HostDescriptor> hosts;
  std::vector<HostIndex> level0;
  for (std::uint32_t zone = 0; zone < per_zone.size(); ++zone) {
    for (std::uint32_t i = 0; i < per_zone[zone]; ++i) {
      HostDescriptor host;
      host.locality = Locality{0, zone};
      level0.push_back(static_cast<HostIndex>(hosts.size()));
      hosts.push_back(host);
    }
  }
  std::vector<HostIndex> level1;
  for (int i = 0; i < 2; ++i) {
    HostDescriptor host;
    host.locality = Locality{1, 0};
    level1.push_back(static_cast<HostIndex>(hosts.size()));
    hosts.push_back(host);
  }
  return PrioritySet(std::move(hosts), {level0, level1});
}

ZoneAwareConfig clientsIn(std::vector<double> shares) {
  ZoneAwareConfig config;
  config.local_region = 0;
  config.local_zone_shares = std::move(shares);
  return config;
}

TEST(ZoneAwareRouting, EvenClientsAndEvenHostsStayInTheirZone) {
  PrioritySet hosts = zonedHosts({3, 3, 3});
  ZoneAwareRouting routing(hosts, clientsIn({1, 1, 1}));
  FakeRuntime runtime;
  for (std::uint32_t zone = 0; zone < 3; ++zone) {
    EXPECT_EQ(routing.state(zone).mode, Mode::kDirect);
    EXPECT_EQ(routing.chooseLocality(zone, runtime), zone);  // no random draw
  }
}

TEST(ZoneAwareRouting, AZoneShortOfHostsKeepsItsShareAndSpillsTheRestByResidualCapacity) {
  // Zone 0 loses one of its three hosts: upstream% = 2/8, 3/8, 3/8 = 2500, 3750, 3750 against
  // local% = 3333 each. Zone 0 keeps 2500 x 10000 / 3333 = 7500 (integer division) and sends the
  // rest to zones 1 and 2, whose residual capacities are 3750 - 3333 = 417 each.
  PrioritySet hosts = zonedHosts({3, 3, 3});
  hosts.setFlag(0, kFailedActiveHealthCheck, true);
  ZoneAwareRouting routing(hosts, clientsIn({1, 1, 1}));
  const auto& zone0 = routing.state(0);
  EXPECT_EQ(zone0.mode, Mode::kResidual);
  EXPECT_EQ(zone0.local_percent_to_route, 7500u);
  EXPECT_EQ(zone0.residual, (std::vector<std::uint64_t>{0, 417, 834}));
  EXPECT_EQ(routing.state(1).mode, Mode::kDirect);  // zones 1 and 2 have more than their share

  FakeRuntime runtime;
  runtime.scriptRandom({7499});  // below 7500: stay
  EXPECT_EQ(routing.chooseLocality(0, runtime), 0u);
  runtime.scriptRandom({7500, 416});  // spill; 416 < 417: zone 1
  EXPECT_EQ(routing.chooseLocality(0, runtime), 1u);
  runtime.scriptRandom({9999, 417});  // spill; 417 falls in zone 2's part
  EXPECT_EQ(routing.chooseLocality(0, runtime), 2u);
}

TEST(ZoneAwareRouting, MoreClientsInAZoneThanItsHostsCanTakeSpillTheExcess) {
  // Clients 50/25/25 over even hosts (3333 each): zone 0 keeps 3333 / 5000 = 6666 of its
  // requests; zones 1 and 2 take the rest at 3333 - 2500 = 833 each and keep all of their own.
  PrioritySet hosts = zonedHosts({2, 2, 2});
  ZoneAwareRouting routing(hosts, clientsIn({2, 1, 1}));
  EXPECT_EQ(routing.state(0).local_percent_to_route, 6666u);
  EXPECT_EQ(routing.state(0).residual, (std::vector<std::uint64_t>{0, 833, 1666}));
  EXPECT_EQ(routing.state(1).mode, Mode::kDirect);
  EXPECT_EQ(routing.state(2).mode, Mode::kDirect);
}

TEST(ZoneAwareRouting, SmallClustersAndASingleZoneAreNotRoutedByZone) {
  FakeRuntime runtime;
  PrioritySet small = zonedHosts({2, 2, 1});  // 5 healthy < min_cluster_size 6
  ZoneAwareRouting too_small(small, clientsIn({1, 1, 1}));
  EXPECT_EQ(too_small.state(0).mode, Mode::kNoRouting);
  EXPECT_EQ(too_small.chooseLocality(0, runtime), std::nullopt);

  ZoneAwareConfig config = clientsIn({1, 1, 1});
  config.min_cluster_size = 5;
  ZoneAwareRouting allowed(small, config);
  EXPECT_NE(allowed.state(0).mode, Mode::kNoRouting);

  PrioritySet one_zone = zonedHosts({8});
  ZoneAwareRouting single(one_zone, clientsIn({1}));
  EXPECT_EQ(single.state(0).mode, Mode::kNoRouting);
}

TEST(ZoneAwareRouting, AClientZoneWithoutHealthyHostsUsesTheWholeLevel) {
  PrioritySet hosts = zonedHosts({3, 3, 3});
  for (HostIndex h = 3; h < 6; ++h)
    hosts.setFlag(h, kFailedActiveHealthCheck, true);        // zone 1 is dark
  ZoneAwareRouting routing(hosts, clientsIn({1, 1, 1, 1}));  // zone 3 has clients, no hosts
  EXPECT_EQ(routing.state(1).mode, Mode::kNoRouting);        // Envoy: lb_local_cluster_not_ok
  EXPECT_EQ(routing.state(3).mode, Mode::kNoRouting);
  // Zones 0 and 2: 3/6 of the healthy hosts each against 2500 of the clients: direct.
  EXPECT_EQ(routing.state(0).mode, Mode::kDirect);
  EXPECT_EQ(routing.state(2).mode, Mode::kDirect);
}

TEST(ZoneAwareRouting, FollowsHealthChangesThroughTheLevelVersion) {
  PrioritySet hosts = zonedHosts({3, 3, 3});
  ZoneAwareRouting routing(hosts, clientsIn({1, 1, 1}));
  EXPECT_EQ(routing.state(0).mode, Mode::kDirect);
  hosts.setFlag(1, kFailedActiveHealthCheck, true);
  EXPECT_EQ(routing.state(0).mode, Mode::kResidual);
  hosts.setFlag(1, kFailedActiveHealthCheck, false);
  EXPECT_EQ(routing.state(0).mode, Mode::kDirect);
}

TEST(ZoneAwareRouting, RoutingEnabledPercentLetsTheRestIgnoreZones) {
  PrioritySet hosts = zonedHosts({3, 3, 3});
  ZoneAwareConfig config = clientsIn({1, 1, 1});
  config.routing_enabled_percent = 30;
  ZoneAwareRouting routing(hosts, config);
  FakeRuntime runtime;
  runtime.scriptRandom({29});
  EXPECT_EQ(routing.chooseLocality(2, runtime), 2u);
  runtime.scriptRandom({30});
  EXPECT_EQ(routing.chooseLocality(2, runtime), std::nullopt);
}

// --- Locality-weighted --------------------------------------------------------------------------

TEST(LocalityWeightedRouting, EnvoysExampleHalfHealthyLocalityAtWeightTwo) {
  // Envoy's locality_weight doc: X weight 1, Y weight 2 with half its hosts healthy, factor 1.4:
  // Y's effective weight is 2 x min(1, 1.4 x 0.5) = 1.4, so X takes 1 / 2.4 of the picks.
  PrioritySet hosts = zonedHosts({2, 2});
  hosts.setFlag(2, kFailedActiveHealthCheck, true);
  LocalityWeightedRouting routing(hosts, {LocalityWeight{Locality{0, 1}, 2}}, 140);
  EXPECT_DOUBLE_EQ(routing.effectiveWeight(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(routing.effectiveWeight(0, 1), 1.4);
  std::map<std::uint32_t, int> picks;
  for (int i = 0; i < 2400; ++i)
    ++picks[*routing.chooseLocality(0)];
  // EDF gives each locality its share with at most one pick of lag.
  EXPECT_NEAR(picks[0], 1000, 1);
  EXPECT_NEAR(picks[1], 1400, 1);
}

TEST(LocalityWeightedRouting, ALocalityWithNoHealthyHostDropsOutAndNoneLeftMeansTheWholeLevel) {
  PrioritySet hosts = zonedHosts({2, 2});
  LocalityWeightedRouting routing(hosts, {}, 140);
  hosts.setFlag(0, kFailedActiveHealthCheck, true);
  hosts.setFlag(1, kFailedActiveHealthCheck, true);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(routing.chooseLocality(0), 1u);
  hosts.setFlag(2, kFailedActiveHealthCheck, true);
  hosts.setFlag(3, kFailedActiveHealthCheck, true);
  EXPECT_EQ(routing.chooseLocality(0), std::nullopt);
  EXPECT_EQ(routing.chooseLocality(1), 0u);  // level 1's single locality
}

// --- Through the balancer
// -------------------------------------------------------------------------

struct IdleProber final : Prober {
  void probe(HostIndex, std::uint64_t) override {}
};

std::unique_ptr<LoadBalancer> zoneAwareBalancer(FakeRuntime& runtime, IdleProber& prober,
                                                PrioritySet hosts) {
  LoadBalancerConfig config;
  config.health_check.enabled = false;
  config.zone_aware = clientsIn({1, 1, 1});
  runtime.scriptRandom({0});  // round robin's seed
  return std::make_unique<LoadBalancer>(runtime, prober, std::move(hosts),
                                        std::make_unique<RoundRobin>(runtime), config, nullptr);
}

TEST(ZoneAwareBalancer, PicksAmongTheClientZonesHostsAndRoundRobinsWithinIt) {
  FakeRuntime runtime;
  IdleProber prober;
  auto lb = zoneAwareBalancer(runtime, prober, zonedHosts({3, 3, 3}));
  Request request;
  request.zone = 1;
  std::vector<HostIndex> picked;
  for (int i = 0; i < 6; ++i)
    picked.push_back(lb->choose(request).host());
  EXPECT_EQ(picked, (std::vector<HostIndex>{3, 4, 5, 3, 4, 5}));  // zone 1's own round robin
}

TEST(ZoneAwareBalancer, PanicRoutingComesBeforeZones) {
  // Five of level 0's nine hosts fail (all of zone 0 and two of zone 1), and level 1 is down: 44%
  // healthy is below the 50% panic threshold and no level can make up for it, so level 0's share
  // goes over all nine of its hosts, zones or not, as in Envoy.
  FakeRuntime runtime;
  IdleProber prober;
  PrioritySet hosts = zonedHosts({3, 3, 3});
  for (HostIndex h : {0u, 1u, 2u, 3u, 4u, 9u, 10u})
    hosts.setFlag(h, kFailedActiveHealthCheck, true);
  auto lb = zoneAwareBalancer(runtime, prober, std::move(hosts));
  ASSERT_TRUE(lb->priorityLoad().panic[0]);
  Request request;
  request.zone = 2;
  std::vector<HostIndex> picked;
  for (int i = 0; i < 4; ++i) {
    runtime.scriptRandom({0});  // the priority draw: level 0
    picked.push_back(lb->choose(request).host());
  }
  EXPECT_EQ(picked, (std::vector<HostIndex>{0, 1, 2, 3}));  // round robin over all nine
}

}  // namespace
}  // namespace faultline::balancer
