// The fault rules (scenarios/fault_rules.cc), through the validator as a scenario reaches them.
#include "scenarios/fault_rules.h"

#include <cmath>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using scenario::Scenario;
using testing::check;
using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::validScenario;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(FaultRules, FaultTimesAreInsideTheRun) {
  Scenario s = validScenario();
  auto* fault = s.mutable_faults(0);
  fault->set_start_s(100);
  fault->set_end_s(200);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].start_s",
                                                 "must be < duration_s (100) (got 100)")));
  fault->set_start_s(-1);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].start_s", "must be >= 0 (got -1)")));
  fault->set_start_s(50);
  fault->set_end_s(50);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[0].end_s", "must be > start_s (50) (got 50)")));
  fault->set_end_s(1e9);  // past the end is clipped, not an error
  EXPECT_THAT(check(s), IsEmpty());
  fault->set_end_s(kInf);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[0].end_s", "must be a finite number (got inf)")));
}

TEST(FaultRules, FaultNeedsAKind) {
  Scenario s = validScenario();
  s.add_faults()->set_start_s(1);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[1]", "no fault kind set")));
}

TEST(FaultRules, FaultNamesAreUniqueAndBounded) {
  Scenario s = validScenario();
  *s.add_faults() = s.faults(0);
  auto* long_name = s.add_faults();
  *long_name = s.faults(0);
  long_name->set_name(std::string(201, 'n'));
  auto* unnamed = s.add_faults();  // default names may repeat
  *unnamed = s.faults(0);
  unnamed->clear_name();
  *s.add_faults() = *unnamed;
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("faults[1].name", "duplicate fault name \"crash\" (also faults[0])"),
                  diagnosticAt("faults[2].name", "at most 200 characters (got 201)")));
}

TEST(FaultRules, HostSelectorNamesMustExist) {
  Scenario s = validScenario();
  auto* hosts = s.mutable_faults(0)->mutable_host_crash()->mutable_hosts();
  hosts->set_region("mars");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].host_crash.hosts.region",
                                                 "unknown region \"mars\"")));
  hosts->set_region("west");
  hosts->set_zone("b");
  hosts->set_group("cache");
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[0].host_crash.hosts.zone",
                                       "region \"west\" has no zone \"b\" (zones: a)"),
                          diagnosticAt(
                              "faults[0].host_crash.hosts.group",
                              "region \"west\" has no backend group \"cache\" (groups: api, db)")));
  // Without a region a zone or group matches in any region, but must exist in one.
  hosts->clear_region();
  hosts->set_zone("b");
  hosts->set_group("db");
  hosts->set_count(0);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[0].host_crash.hosts",
                                       "selects no host (region any, zone \"b\", group \"db\")")));
  hosts->set_zone("z");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].host_crash.hosts.zone",
                                                 "no region has a zone \"z\"")));
  hosts->clear_zone();
  hosts->set_group("cache");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].host_crash.hosts.group",
                                                 "no region has a backend group \"cache\"")));
}

TEST(FaultRules, HostSelectorCountIsAtMostTheHostsSelected) {
  Scenario s = validScenario();
  auto* hosts = s.mutable_faults(0)->mutable_host_crash()->mutable_hosts();
  // east/api: 4 hosts dealt over zones a and b, so zone a holds 2.
  hosts->set_count(2);
  EXPECT_THAT(check(s), IsEmpty());
  hosts->set_count(3);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "faults[0].host_crash.hosts.count",
                            "must be <= 2, the number of hosts the selector matches (got 3)")));
  // Group "api" in any region and zone: 4 in east, 2 in west.
  hosts->clear_region();
  hosts->clear_zone();
  hosts->set_group("api");
  hosts->set_count(7);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "faults[0].host_crash.hosts.count",
                            "must be <= 6, the number of hosts the selector matches (got 7)")));
}

TEST(FaultRules, HostsDealtRoundRobinCanLeaveAZoneEmpty) {
  Scenario s = validScenario();
  s.mutable_regions(0)->mutable_backends(0)->set_count(1);  // only zone a gets a host
  auto* hosts = s.mutable_faults(0)->mutable_host_crash()->mutable_hosts();
  hosts->set_zone("b");
  hosts->set_count(0);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].host_crash.hosts", "selects no host")));
}

TEST(FaultRules, OutagesNameTheirTargets) {
  Scenario s = validScenario();
  s.add_faults()->mutable_zone_outage()->set_region("east");
  auto* wrong_zone = s.add_faults()->mutable_zone_outage();
  wrong_zone->set_region("west");
  wrong_zone->set_zone("b");
  s.add_faults()->mutable_region_outage();
  s.add_faults()->mutable_region_outage()->set_region("mars");
  s.add_faults()->mutable_region_outage()->set_region("west");
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("faults[1].zone_outage.zone", "is required"),
                  diagnosticAt("faults[2].zone_outage.zone", "region \"west\" has no zone \"b\""),
                  diagnosticAt("faults[3].region_outage.region", "is required"),
                  diagnosticAt("faults[4].region_outage.region", "unknown region \"mars\"")));
}

TEST(FaultRules, LatencyAndErrorFaultsAreInRange) {
  Scenario s = validScenario();
  auto* latency = s.add_faults()->mutable_latency();
  latency->set_latency_ms(100);
  latency->set_jitter_ms(150);
  s.add_faults()->mutable_latency()->set_latency_ms(3'600'001);
  s.add_faults()->mutable_errors()->set_probability(1.01);
  s.add_faults()->mutable_errors()->set_probability(kNaN);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("faults[1].latency.jitter_ms", "must be <= latency_ms (100) (got 150)"),
          diagnosticAt("faults[2].latency.latency_ms", "must be <= 3600000 (got 3600001)"),
          diagnosticAt("faults[3].errors.probability", "must be <= 1 (got 1.01)"),
          diagnosticAt("faults[4].errors.probability", "must be a finite number (got nan)")));
}

TEST(FaultRules, TrafficSurgeIsBounded) {
  Scenario s = validScenario();
  s.add_faults()->mutable_traffic_surge()->set_multiplier(2);  // all regions
  s.add_faults()->mutable_traffic_surge()->set_multiplier(0);
  auto* surge = s.add_faults()->mutable_traffic_surge();
  surge->set_multiplier(1001);
  surge->set_region("mars");
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("faults[2].traffic_surge.multiplier", "must be > 0 (got 0)"),
                  diagnosticAt("faults[3].traffic_surge.multiplier", "must be <= 1000 (got 1001)"),
                  diagnosticAt("faults[3].traffic_surge.region", "unknown region \"mars\"")));
}

TEST(FaultRules, TheNewKindsNameTheirTargetsAndStayInRange) {
  Scenario s = validScenario();
  s.add_faults()->mutable_brownout()->set_capacity_loss(1);
  s.add_faults()->mutable_gray_failure();
  auto* gray = s.add_faults()->mutable_gray_failure();
  gray->set_slowdown(0.5);
  gray->set_status(600);
  s.add_faults()->mutable_connection_reset()->set_probability(0);
  auto* refused = s.add_faults()->mutable_connection_refused();
  refused->set_probability(0.5);
  refused->mutable_hosts()->set_region("mars");
  s.add_faults()->mutable_errors()->set_status(399);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("faults[1].brownout.capacity_loss", "must be < 1 (got 1)"),
          diagnosticAt("faults[2].gray_failure", "does nothing"),
          diagnosticAt("faults[3].gray_failure.slowdown", "must be >= 1 (got 0.5)"),
          diagnosticAt("faults[3].gray_failure.status", "must be <= 599 (got 600)"),
          diagnosticAt("faults[4].connection_reset.probability", "must be > 0 (got 0)"),
          diagnosticAt("faults[5].connection_refused.hosts.region", "unknown region \"mars\""),
          diagnosticAt("faults[6].errors.status", "must be >= 400 (got 399)")));
}

TEST(FaultRules, LinksJoinTwoDifferentRegionsThatExist) {
  Scenario s = validScenario();
  auto* same = s.add_faults()->mutable_network_partition();
  same->set_from("east");
  same->set_to("east");
  s.add_faults()->mutable_network_partition()->set_from("west");
  auto* degraded = s.add_faults()->mutable_link_degradation();
  degraded->set_from("east");
  degraded->set_to("mars");
  degraded->set_loss_probability(0.95);
  degraded->set_latency_ms(10);
  degraded->set_jitter_ms(20);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("faults[1].network_partition.to", "must be another region than from"),
          diagnosticAt("faults[2].network_partition.to", "is required: a region name"),
          diagnosticAt("faults[3].link_degradation.to", "unknown region \"mars\""),
          diagnosticAt("faults[3].link_degradation.jitter_ms", "must be <= latency_ms (10)"),
          diagnosticAt("faults[3].link_degradation.loss_probability",
                       "must be <= 0.9 (got 0.95)")));
}

TEST(FaultRules, AnAddedLatencysDistributionAndShareAreChecked) {
  Scenario s = validScenario();
  auto* normal = s.add_faults()->mutable_latency();
  normal->set_latency_ms(10);
  normal->set_jitter_ms(50);  // a normal spread may exceed the mean: it is clamped at zero
  normal->set_jitter_distribution(scenario::NORMAL);
  EXPECT_THAT(check(s), IsEmpty());
  normal->set_probability(0);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[1].latency.probability", "must be > 0 (got 0)")));
}

TEST(FaultRules, ABlastRadiusIsACountOrAPercentNotBoth) {
  Scenario s = validScenario();
  auto* hosts = s.mutable_faults(0)->mutable_host_crash()->mutable_hosts();
  hosts->set_percent(50);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].host_crash.hosts.percent",
                                                 "count and percent cannot both be set")));
  hosts->set_count(0);
  EXPECT_THAT(check(s), IsEmpty());
  hosts->set_percent(101);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].host_crash.hosts.percent",
                                                 "must be <= 100 (got 101)")));
}

TEST(FaultRules, RampsFitInsideTheFault) {
  Scenario s = validScenario();
  auto* fault = s.mutable_faults(0);  // 10 s to 20 s
  fault->set_ramp_up_s(4);
  fault->set_ramp_down_s(6);
  EXPECT_THAT(check(s), IsEmpty());
  fault->set_ramp_down_s(7);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[0].ramp_up_s",
                                       "must be <= the fault's length, 10 s (got 4 + 7)")));
  fault->set_ramp_down_s(-1);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[0].ramp_down_s", "must be >= 0 (got -1)")));
  fault->set_ramp_down_s(1);
  fault->clear_end_s();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("faults[0].ramp_down_s", "needs end_s")));
  auto* partition = s.add_faults();
  partition->mutable_network_partition()->set_from("east");
  partition->mutable_network_partition()->set_to("west");
  partition->set_ramp_up_s(1);
  fault->set_ramp_down_s(0);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[1].ramp_up_s", "a network partition cannot ramp")));
}

}  // namespace
}  // namespace faultline::scenarios
