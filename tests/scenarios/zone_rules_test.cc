// The rules of client zones, cross-zone latency and the balancer's zone routing.
#include "scenarios/zone_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using scenario::Scenario;
using scenario::ZoneRouting;
using testing::check;
using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::validScenario;

TEST(ZoneRulesTest, ZonesOfTheRegionWithPositiveSharesAreValid) {
  Scenario s = validScenario();
  auto* clients = s.mutable_regions(0)->mutable_clients();
  auto* a = clients->add_zones();
  a->set_zone("a");
  a->set_share(3);
  s.mutable_network()->set_cross_zone_ms(1.5);
  s.mutable_balancer()->mutable_zone_routing()->set_mode(ZoneRouting::ZONE_AWARE);
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ZoneRulesTest, ClientZonesMustBeZonesOfTheRegionOnceWithAPositiveShare) {
  Scenario s = validScenario();
  auto* clients = s.mutable_regions(0)->mutable_clients();
  for (const char* zone : {"a", "c", "a"}) {
    auto* entry = clients->add_zones();
    entry->set_zone(zone);
    entry->set_share(1);
  }
  clients->mutable_zones(0)->set_share(0);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].clients.zones[0].share", "must be > 0 (got 0)"),
                          diagnosticAt("regions[0].clients.zones[1].zone",
                                       "region \"east\" has no zone \"c\" (zones: a, b)"),
                          diagnosticAt("regions[0].clients.zones[2].zone",
                                       "zone \"a\" is listed twice (also zones[0])")));
}

TEST(ZoneRulesTest, CrossZoneLatencyIsBounded) {
  Scenario s = validScenario();
  s.mutable_network()->set_cross_zone_ms(-1);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("network.cross_zone_ms", "must be >= 0 (got -1)")));
}

TEST(ZoneRulesTest, ZoneAwareSettingsAreBoundedAndBelongToTheirMode) {
  Scenario s = validScenario();
  auto* routing = s.mutable_balancer()->mutable_zone_routing();
  routing->set_mode(ZoneRouting::ZONE_AWARE);
  routing->set_min_cluster_size(0);
  routing->set_routing_enabled_percent(101);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.zone_routing.min_cluster_size",
                                                 "must be >= 1 (got 0)"),
                                    diagnosticAt("balancer.zone_routing.routing_enabled_percent",
                                                 "must be <= 100 (got 101)")));
  routing->set_mode(ZoneRouting::LOCALITY_WEIGHTED);
  routing->set_min_cluster_size(6);
  routing->clear_routing_enabled_percent();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.zone_routing",
                                                 "min_cluster_size and routing_enabled_percent "
                                                 "are for mode ZONE_AWARE")));
}

TEST(ZoneRulesTest, ZoneWeightsNameRealZonesOnceAndBelongToLocalityWeighted) {
  Scenario s = validScenario();
  auto* routing = s.mutable_balancer()->mutable_zone_routing();
  routing->set_mode(ZoneRouting::LOCALITY_WEIGHTED);
  const auto add = [&](const char* region, const char* zone, std::uint32_t weight) {
    auto* entry = routing->add_zone_weights();
    entry->set_region(region);
    entry->set_zone(zone);
    entry->set_weight(weight);
  };
  add("east", "a", 3);
  add("north", "a", 1);
  add("west", "b", 1);
  add("east", "a", 1001);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.zone_routing.zone_weights[1].region",
                                       "no region \"north\""),
                          diagnosticAt("balancer.zone_routing.zone_weights[2].zone",
                                       "region \"west\" has no zone \"b\" (zones: a)"),
                          diagnosticAt("balancer.zone_routing.zone_weights[3].weight",
                                       "must be <= 1000 (got 1001)"),
                          diagnosticAt("balancer.zone_routing.zone_weights[3]",
                                       "zone \"a\" of region \"east\" is listed twice (also "
                                       "zone_weights[0])")));
  routing->set_mode(ZoneRouting::ZONE_AWARE);
  routing->mutable_zone_weights()->DeleteSubrange(1, 3);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.zone_routing.zone_weights",
                                                 "is for mode LOCALITY_WEIGHTED")));
}

TEST(ZoneRulesTest, HashingStrategiesDoNotRouteByZone) {
  Scenario s = validScenario();
  s.mutable_balancer()->set_strategy("maglev");
  s.mutable_balancer()->mutable_zone_routing()->set_mode(ZoneRouting::ZONE_AWARE);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.zone_routing.mode",
                                                 "Envoy's hashing balancers do not route by "
                                                 "zone: not with \"maglev\"")));
}

}  // namespace
}  // namespace faultline::scenarios
