#include "scenarios/validator.h"

#include <cmath>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using scenario::Locality;
using scenario::Scenario;
using testing::check;
using ::testing::Contains;
using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::validScenario;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// "g7". (Appended, not "g" + std::to_string(i): GCC 12 at -O2 warns falsely on that.)
std::string numbered(std::string_view prefix, int i) {
  std::string out(prefix);
  out += std::to_string(i);
  return out;
}

TEST(ScenarioValidatorTest, ValidScenarioHasNoDiagnostics) {
  EXPECT_THAT(check(validScenario()), IsEmpty());
}

TEST(ScenarioValidatorTest, DefaultsNeedNotBeSpelledOut) {
  Scenario s;
  s.set_name("minimal");
  s.set_duration_s(1);
  auto* region = s.add_regions();
  region->set_name("r");
  auto* backend = region->add_backends();
  backend->set_group("g");
  backend->set_count(1);
  backend->mutable_service_time()->mutable_constant()->set_value_ms(0);
  region->mutable_clients()->set_rate_rps(1);
  EXPECT_THAT(check(s), IsEmpty());
}

// --- name and description ---

TEST(ScenarioValidatorTest, NameIsRequired) {
  Scenario s = validScenario();
  s.clear_name();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("name", "is required")));
}

TEST(ScenarioValidatorTest, BackendAddressesAreOnePerInstanceAndHostPort) {
  Scenario s = validScenario();
  auto& group = *s.mutable_regions(0)->mutable_backends(0);
  group.set_count(2);
  group.add_addresses("10.0.0.7:8080");
  group.add_addresses("[::1]:80");
  EXPECT_THAT(check(s), IsEmpty());
  group.add_addresses("api.internal:70000");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].backends[0].addresses",
                                                 "must give one address per instance: 3 for "
                                                 "count 2"),
                                    diagnosticAt("regions[0].backends[0].addresses[2]",
                                                 "\"api.internal:70000\" is not HOST:PORT: the "
                                                 "port must be a number from 1 to 65535")));
}

TEST(ScenarioValidatorTest, NameMustBeLowercaseIdentifier) {
  Scenario s = validScenario();
  s.set_name("Region_Outage");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "name", "must match [a-z0-9][a-z0-9-]* (got \"Region_Outage\")")));
  s.set_name("-leading-dash");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("name", "must match [a-z0-9][a-z0-9-]*")));
  s.set_name(std::string(65, 'a'));
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("name", "at most 64 characters (got 65)")));
  s.set_name(std::string(64, 'a'));
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ScenarioValidatorTest, DescriptionIsBoundedUtf8) {
  Scenario s = validScenario();
  s.set_description(std::string(2001, 'x'));
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("description", "at most 2000 characters (got 2001)")));
  // 2000 characters of two bytes each are still 2000 characters.
  std::string accented;
  for (int i = 0; i < 2000; ++i)
    accented += "\xC3\xA9";
  s.set_description(accented);
  EXPECT_THAT(check(s), IsEmpty());
  s.set_description("bad \xFF byte");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("description",
                                                 "must be valid UTF-8 (got \"bad \\xff byte\")")));
}

// --- timing ---

TEST(ScenarioValidatorTest, DurationMustBePositiveFiniteAndAtMostThirtyDays) {
  Scenario s = validScenario();
  s.set_duration_s(0);
  // Relations to duration_s are not judged against an invalid duration.
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("duration_s", "must be > 0 (got 0)")));
  s.set_duration_s(kNaN);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("duration_s", "must be a finite number (got nan)")));
  s.set_duration_s(kInf);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("duration_s", "must be a finite number (got inf)")));
  s.set_duration_s(2'592'001);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("duration_s", "must be <= 2592000 (got 2592001)")));
}

TEST(ScenarioValidatorTest, WarmupMustBeBelowDuration) {
  Scenario s = validScenario();
  s.set_warmup_s(-1);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("warmup_s", "must be >= 0 (got -1)")));
  s.set_warmup_s(100);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("warmup_s", "must be < duration_s (100) (got 100)")));
}

TEST(ScenarioValidatorTest, WindowMustFitDuration) {
  Scenario s = validScenario();
  s.set_window_s(0);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("window_s", "must be > 0 (got 0)")));
  s.set_window_s(0.0005);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("window_s", "must be >= 0.001 (got 0.0005)")));
  s.set_window_s(101);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("window_s", "must be <= duration_s (100) (got 101)")));
  s.set_duration_s(2'000'000);
  s.set_window_s(1);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("window_s", "must be <= 1000000 windows (got 2000000)")));
  s.set_window_s(2);
  EXPECT_THAT(check(s), IsEmpty());
}

// --- regions and zones ---

TEST(ScenarioValidatorTest, AtLeastOneRegion) {
  Scenario s = validScenario();
  s.clear_regions();
  s.clear_network();
  s.clear_faults();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions", "at least one region is required")));
}

TEST(ScenarioValidatorTest, RegionNamesAreNonEmptyUniqueLabels) {
  Scenario s = validScenario();
  s.mutable_regions(1)->set_name("east");
  EXPECT_THAT(check(s), Contains(diagnosticAt("regions[1].name",
                                              "duplicate region name \"east\" (also regions[0])")));
  s.mutable_regions(1)->set_name("we st");
  EXPECT_THAT(check(s), Contains(diagnosticAt("regions[1].name",
                                              "must match [A-Za-z0-9._-]+ (got \"we st\")")));
  s.mutable_regions(1)->set_name("");
  EXPECT_THAT(check(s), Contains(diagnosticAt("regions[1].name", "must not be empty")));
}

TEST(ScenarioValidatorTest, ZonesAreUniqueLabels) {
  Scenario s = validScenario();
  s.mutable_regions(0)->add_zones("a");
  s.mutable_regions(0)->add_zones("");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].zones[2]",
                                                 "duplicate zone \"a\" (also zones[0])"),
                                    diagnosticAt("regions[0].zones[3]", "must not be empty")));
}

// --- backends ---

TEST(ScenarioValidatorTest, BackendGroupsAreUniqueWithinTheirRegion) {
  Scenario s = validScenario();
  s.mutable_regions(1)->mutable_backends(1)->set_group("api");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "regions[1].backends[1].group",
                            "duplicate group \"api\" in region \"west\" (also backends[0])")));
  s.mutable_regions(1)->mutable_backends(1)->set_group("");
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[1].backends[1].group", "must not be empty")));
}

TEST(ScenarioValidatorTest, BackendCountsAreBounded) {
  Scenario s = validScenario();
  s.clear_faults();  // the fault's hosts would vanish with them
  auto* backend = s.mutable_regions(0)->mutable_backends(0);
  backend->set_count(0);
  backend->set_workers(0);
  backend->set_queue_limit(10'000'001);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].count", "must be >= 1 (got 0)"),
                          diagnosticAt("regions[0].backends[0].workers", "must be >= 1 (got 0)"),
                          diagnosticAt("regions[0].backends[0].queue_limit",
                                       "must be <= 10000000 (got 10000001)")));
  backend->set_count(100'001);
  backend->set_workers(100'001);
  backend->set_queue_limit(0);  // a loss system is fine
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("regions[0].backends[0].count", "must be <= 100000 (got 100001)"),
          diagnosticAt("regions[0].backends[0].workers", "must be <= 100000 (got 100001)")));
}

TEST(ScenarioValidatorTest, ServiceTimeIsRequired) {
  Scenario s = validScenario();
  s.mutable_regions(0)->mutable_backends(0)->clear_service_time();
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time", "is required")));
  s.mutable_regions(0)->mutable_backends(0)->mutable_service_time();  // present, no kind
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "regions[0].backends[0].service_time",
                            "exactly one of exponential, lognormal, constant or uniform")));
}

TEST(ScenarioValidatorTest, DistributionParametersAreInRange) {
  Scenario s = validScenario();
  auto* service = s.mutable_regions(0)->mutable_backends(0)->mutable_service_time();
  service->mutable_exponential()->set_mean_ms(0);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time.exponential.mean_ms",
                                       "must be > 0 (got 0)")));
  service->mutable_lognormal()->set_mean_ms(3'600'001);
  service->mutable_lognormal()->set_stddev_ms(-1);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time.lognormal.mean_ms",
                                       "must be <= 3600000 (got 3600001)"),
                          diagnosticAt("regions[0].backends[0].service_time.lognormal.stddev_ms",
                                       "must be >= 0 (got -1)")));
  service->mutable_constant()->set_value_ms(kNaN);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time.constant.value_ms",
                                       "must be a finite number")));
  service->mutable_uniform()->set_min_ms(5);
  service->mutable_uniform()->set_max_ms(3);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time.uniform.max_ms",
                                       "must be >= min_ms (5) (got 3)")));
  service->mutable_uniform()->set_min_ms(-1);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time.uniform.min_ms",
                                       "must be >= 0 (got -1)")));
}

TEST(ScenarioValidatorTest, ErrorProbabilityIsAProbability) {
  Scenario s = validScenario();
  s.mutable_regions(0)->mutable_backends(0)->set_error_probability(1.5);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].backends[0].error_probability",
                                                 "must be <= 1 (got 1.5)")));
}

TEST(ScenarioValidatorTest, BackendZonesMustBeZonesOfTheRegion) {
  Scenario s = validScenario();
  s.clear_faults();  // the fault's zone would lose its hosts
  auto* east = s.mutable_regions(0)->mutable_backends(0);
  east->add_zones("b");
  east->add_zones("c");
  east->add_zones("b");
  // west declares no zones, so it has the one default zone "a".
  auto* west = s.mutable_regions(1)->mutable_backends(0);
  west->add_zones("a");
  west->add_zones("b");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].backends[0].zones[1]",
                                                 "region \"east\" has no zone \"c\" (zones: a, b)"),
                                    diagnosticAt("regions[0].backends[0].zones[2]",
                                                 "zone \"b\" is listed twice (also zones[0])"),
                                    diagnosticAt("regions[1].backends[0].zones[1]",
                                                 "region \"west\" has no zone \"b\" (zones: a)")));
}

TEST(ScenarioValidatorTest, TotalHostsAreBounded) {
  Scenario s = validScenario();
  for (int i = 0; i < 10; ++i) {
    auto* backend = s.mutable_regions(1)->add_backends();
    *backend = s.regions(1).backends(0);
    backend->set_group(numbered("g", i));
    backend->set_count(100'000);
  }
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "regions", "at most 1000000 hosts over all regions (got 1000007)")));
}

// --- clients and traffic ---

TEST(ScenarioValidatorTest, ClientRatesAndTimeoutsAreBounded) {
  Scenario s = validScenario();
  s.mutable_regions(0)->mutable_clients()->set_rate_rps(-1);
  s.mutable_regions(0)->mutable_clients()->set_timeout_ms(86'400'001);
  s.mutable_regions(1)->mutable_clients()->set_rate_rps(100'000'001);
  s.mutable_regions(1)->mutable_clients()->set_timeout_ms(0);  // no timeout
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("regions[0].clients.rate_rps", "must be >= 0 (got -1)"),
          diagnosticAt("regions[0].clients.timeout_ms", "must be <= 86400000 (got 86400001)"),
          diagnosticAt("regions[1].clients.rate_rps", "must be <= 100000000 (got 100000001)")));
}

TEST(ScenarioValidatorTest, SomeRegionMustSendTraffic) {
  Scenario s = validScenario();
  s.mutable_regions(0)->mutable_clients()->set_rate_rps(0);
  s.mutable_regions(1)->clear_clients();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions", "no client traffic")));
}

TEST(ScenarioValidatorTest, SomeRegionMustHaveBackends) {
  Scenario s = validScenario();
  s.mutable_regions(0)->clear_backends();
  s.mutable_regions(1)->clear_backends();
  s.clear_faults();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions", "no backends")));
}

TEST(ScenarioValidatorTest, ClientsWithoutLocalBackendsNeedFailover) {
  Scenario s = validScenario();
  s.mutable_regions(1)->clear_backends();
  EXPECT_THAT(check(s), IsEmpty()) << "BY_LATENCY fails over to east";
  s.mutable_balancer()->mutable_locality()->set_failover(Locality::LOCAL_ONLY);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "regions[1].clients",
                            "its clients have no backend to reach with failover LOCAL_ONLY")));
}

// --- network ---

TEST(ScenarioValidatorTest, IntraRegionLatencyIsBounded) {
  Scenario s = validScenario();
  s.mutable_network()->set_intra_region_ms(-0.5);
  s.mutable_network()->set_intra_region_jitter_ms(60'001);
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("network.intra_region_ms", "must be >= 0 (got -0.5)"),
                  diagnosticAt("network.intra_region_jitter_ms", "must be <= 60000 (got 60001)")));
}

TEST(ScenarioValidatorTest, LinksJoinTwoDeclaredRegions) {
  Scenario s = validScenario();
  auto* links = s.mutable_network()->mutable_links();
  auto* unknown = links->Add();
  unknown->set_from("mars");
  unknown->set_to("east");
  auto* loop = links->Add();
  loop->set_from("west");
  loop->set_to("west");
  auto* duplicate = links->Add();
  *duplicate = s.network().links(0);
  auto* reverse = links->Add();  // the opposite direction may have its own link
  reverse->set_from("west");
  reverse->set_to("east");
  links->Add()->set_one_way_ms(-1);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("network.links[1].from", "unknown region \"mars\" (regions: east, west)"),
          diagnosticAt("network.links[2].to", "must differ from `from`"),
          diagnosticAt("network.links[3]",
                       "duplicate link from \"east\" to \"west\" (also network.links[0])"),
          diagnosticAt("network.links[5].one_way_ms", "must be >= 0 (got -1)"),
          diagnosticAt("network.links[5].from", "is required"),
          diagnosticAt("network.links[5].to", "is required")));
}

TEST(ScenarioValidatorTest, EveryPairOfRegionsNeedsALinkUnlessLocalOnly) {
  Scenario s = validScenario();
  auto* north = s.add_regions();
  north->set_name("north");
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("network.links", "no link between regions \"east\" and \"north\""),
                  diagnosticAt("network.links", "no link between regions \"west\" and \"north\"")));
  auto* link = s.mutable_network()->add_links();
  link->set_from("north");  // one direction serves both
  link->set_to("west");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("network.links", "\"east\" and \"north\"")));
  s.mutable_balancer()->mutable_locality()->set_failover(Locality::LOCAL_ONLY);
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ScenarioValidatorTest, ManyUnlinkedRegionsAreSummarised) {
  Scenario s = validScenario();
  s.clear_network();
  for (int i = 0; i < 2000; ++i)
    s.add_regions()->set_name(numbered("r", i));
  const auto diagnostics = check(s);
  // 2002 regions, more than allowed; 2,003,001 pairs: ten named, then one count.
  ASSERT_THAT(diagnostics, SizeIs(12));
  EXPECT_THAT(diagnostics.front(), diagnosticAt("regions", "at most 100 regions (got 2002)"));
  EXPECT_THAT(diagnostics.back(), diagnosticAt("network.links", "and 2002991 more pairs"));
}

// --- balancer ---

TEST(ScenarioValidatorTest, StrategyIsAnIdentifierButNotCheckedAgainstTheRegistry) {
  Scenario s = validScenario();
  s.mutable_balancer()->set_strategy("no-such-strategy");
  EXPECT_THAT(check(s), IsEmpty());
  s.mutable_balancer()->set_strategy("Least_Request");
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.strategy",
                                                 "must match [a-z0-9-]+ (got \"Least_Request\")")));
}

TEST(ScenarioValidatorTest, BalancerSettingsAreBounded) {
  Scenario s = validScenario();
  auto* balancer = s.mutable_balancer();
  balancer->mutable_least_request()->set_choice_count(101);
  balancer->mutable_health_check()->set_interval_ms(0);
  balancer->mutable_health_check()->set_timeout_ms(3'600'001);
  balancer->mutable_health_check()->set_unhealthy_threshold(0);
  balancer->mutable_health_check()->set_healthy_threshold(1001);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("balancer.least_request.choice_count", "must be <= 100 (got 101)"),
          diagnosticAt("balancer.health_check.interval_ms", "must be > 0 (got 0)"),
          diagnosticAt("balancer.health_check.timeout_ms", "must be <= 3600000 (got 3600001)"),
          diagnosticAt("balancer.health_check.unhealthy_threshold", "must be >= 1 (got 0)"),
          diagnosticAt("balancer.health_check.healthy_threshold", "must be <= 1000 (got 1001)")));
  balancer->mutable_least_request()->set_choice_count(0);
  EXPECT_THAT(check(s), Contains(diagnosticAt("balancer.least_request.choice_count",
                                              "must be >= 1 (got 0)")));
}

TEST(ScenarioValidatorTest, RingsAndTablesOfAllBalancersStayWithinAMemoryBudget) {
  Scenario s = validScenario();  // two regions with clients
  s.mutable_balancer()->mutable_ring_hash()->set_minimum_ring_size(8'388'608);
  EXPECT_THAT(check(s), IsEmpty());  // 2 x 8,388,608: the budget exactly
  auto* third = s.add_regions();
  *third = s.regions(1);
  third->set_name("north");
  s.mutable_balancer()->mutable_locality()->set_failover(Locality::LOCAL_ONLY);
  s.mutable_network()->clear_links();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.ring_hash.minimum_ring_size",
                                                 "3 balancers (regions with clients, or tier "
                                                 "instances) x 8388608 must stay within 16777216 "
                                                 "entries in all")));
  s.mutable_balancer()->clear_ring_hash();
  s.mutable_balancer()->mutable_maglev()->set_table_size(5'000'011);
  EXPECT_THAT(check(s), IsEmpty());  // 15,000,033 entries
  // Behind a tier every instance builds its own: 20 of them are too many for this table.
  auto* site = s.mutable_balancer()->mutable_tier()->add_sites();
  site->set_region("east");
  site->set_instances(20);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.maglev.table_size",
                                                 "20 balancers (regions with clients, or tier "
                                                 "instances) x 5000011")));
}

TEST(ScenarioValidatorTest, UnderLocalOnlyATierSiteNeedsBackends) {
  Scenario s = validScenario();
  s.mutable_balancer()->mutable_locality()->set_failover(Locality::LOCAL_ONLY);
  auto* north = s.add_regions();
  north->set_name("north");
  s.mutable_network()->clear_links();
  auto* site = s.mutable_balancer()->mutable_tier()->add_sites();
  site->set_region("north");
  site->set_instances(1);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.tier.sites[0].region",
                                                 "its instances have no backend to reach")));
}

// The engine counts integer nanoseconds: a positive value must not round to nothing, and a probe
// interval of a few nanoseconds would never let simulated time move on.
TEST(ScenarioValidatorTest, TinyDurationsThatWouldRoundAwayAreRefused) {
  Scenario s = validScenario();
  s.set_duration_s(1e-10);
  s.mutable_regions(0)
      ->mutable_backends(0)
      ->mutable_service_time()
      ->mutable_lognormal()
      ->set_mean_ms(1e-7);
  s.mutable_regions(0)->mutable_clients()->set_timeout_ms(1e-7);
  s.mutable_balancer()->mutable_health_check()->set_interval_ms(0.5);
  EXPECT_THAT(
      check(s),
      AllOf(Contains(diagnosticAt("duration_s", "must be >= 0.001 (got 1e-10)")),
            Contains(diagnosticAt("regions[0].backends[0].service_time.lognormal.mean_ms",
                                  "must be >= 0.001 (got 1e-07)")),
            Contains(diagnosticAt("regions[0].clients.timeout_ms",
                                  "must be 0 (no timeout) or >= 0.001 (got 1e-07)")),
            Contains(diagnosticAt("balancer.health_check.interval_ms", "must be >= 1 (got 0.5)"))));
  s = validScenario();
  s.mutable_regions(0)->mutable_clients()->set_timeout_ms(0);  // off, not too small
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ScenarioValidatorTest, FailoverOrderListsEveryRegionOnce) {
  Scenario s = validScenario();
  auto* locality = s.mutable_balancer()->mutable_locality();
  locality->set_failover(Locality::BY_ORDER);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.locality.order", "misses region \"east\""),
                          diagnosticAt("balancer.locality.order", "misses region \"west\"")));
  locality->add_order("west");
  locality->add_order("moon");
  locality->add_order("west");
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.locality.order[1]", "unknown region \"moon\""),
                          diagnosticAt("balancer.locality.order[2]",
                                       "region \"west\" is listed twice (also order[0])"),
                          diagnosticAt("balancer.locality.order", "misses region \"east\"")));
  locality->clear_order();
  locality->add_order("west");
  locality->add_order("east");
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ScenarioValidatorTest, OrderIsOnlyForByOrder) {
  Scenario s = validScenario();
  s.mutable_balancer()->mutable_locality()->add_order("east");
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt(
                  "balancer.locality.order",
                  "order is only read with failover: BY_ORDER (failover is BY_LATENCY)")));
}

TEST(ScenarioValidatorTest, FailoverOutOfRangeIsReported) {
  Scenario s = validScenario();
  s.mutable_balancer()->mutable_locality()->set_failover(static_cast<Locality::Failover>(7));
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.locality.failover",
                                       "must be BY_LATENCY, BY_ORDER or LOCAL_ONLY (got 7)")));
}

// --- slo ---

TEST(ScenarioValidatorTest, SloIsInRange) {
  Scenario s = validScenario();
  s.mutable_slo()->set_availability(0);
  s.mutable_slo()->set_latency_ms(-1);
  s.mutable_slo()->set_latency_percentile(100);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("slo.availability", "must be > 0 (got 0)"),
                          diagnosticAt("slo.latency_ms", "must be >= 0 (got -1)"),
                          diagnosticAt("slo.latency_percentile", "must be < 100 (got 100)")));
  s.mutable_slo()->set_availability(1.0001);
  s.mutable_slo()->set_latency_ms(0);
  s.mutable_slo()->set_latency_percentile(99.99);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("slo.availability", "must be <= 1 (got 1.0001)")));
}

// --- cost ---

TEST(ScenarioValidatorTest, PricesAndSizesAreInRange) {
  Scenario s = validScenario();
  auto* cost = s.mutable_cost();
  auto* east = cost->add_instance_hour_usd();
  east->set_region("east");
  east->set_usd(0.1);
  EXPECT_THAT(check(s), IsEmpty());
  *cost->add_instance_hour_usd() = *east;
  cost->set_internet_gb_usd(-1);
  cost->set_downtime_minute_usd(kInf);
  s.mutable_regions(0)->mutable_clients()->set_response_bytes(100'000'001);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("cost.instance_hour_usd[1].region", "region \"east\" has a price already"),
          diagnosticAt("cost.internet_gb_usd", "must be >= 0 (got -1)"),
          diagnosticAt("cost.downtime_minute_usd", "must be a finite number"),
          diagnosticAt("regions[0].clients.response_bytes", "must be <= 100000000")));
}

// --- all at once ---

TEST(ScenarioValidatorTest, ReportsEveryViolationNotJustTheFirst) {
  Scenario s = validScenario();
  s.set_name("Bad Name");
  s.set_duration_s(-5);
  s.mutable_regions(0)->mutable_backends(0)->set_workers(0);
  s.mutable_network()->mutable_links(0)->set_to("nowhere");
  s.mutable_slo()->set_latency_percentile(0);
  const auto diagnostics = check(s);
  EXPECT_THAT(
      diagnostics,
      ElementsAre(diagnosticAt("name", "must match"), diagnosticAt("duration_s", "must be > 0"),
                  diagnosticAt("regions[0].backends[0].workers", "must be >= 1 (got 0)"),
                  diagnosticAt("network.links[0].to", "unknown region \"nowhere\""),
                  diagnosticAt("network.links", "no link between regions \"east\" and \"west\""),
                  diagnosticAt("slo.latency_percentile", "must be > 0 (got 0)")));
  for (const Diagnostic& diagnostic : diagnostics)
    EXPECT_EQ(diagnostic.location, "t.textproto");
}

}  // namespace
}  // namespace faultline::scenarios
