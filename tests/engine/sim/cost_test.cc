// What a run costs, through the path a user takes: prices in the scenario, figures in the results.
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// r0: 4 hosts at 0.10 USD an hour, clients at 50/s; r1: 2 hosts at 0.20, no clients. Client-side
// balancing: one balancer (r0's) at 0.05 an hour. r0's hosts go dark from 120 s to 240 s, and its
// traffic fails over to r1 once the checks see it.
const std::string kPriced = R"pb(
  name: "priced"
  duration_s: 360
  seed: 8
  window_s: 10
  regions {
    name: "r0"
    backends {
      group: "api"
      count: 4
      service_time { constant { value_ms: 5 } }
    }
    clients { rate_rps: 50 timeout_ms: 500 request_bytes: 2000 response_bytes: 50000 }
  }
  regions {
    name: "r1"
    backends {
      group: "api"
      count: 2
      service_time { constant { value_ms: 5 } }
    }
  }
  network { links { from: "r0" to: "r1" one_way_ms: 20 } }
  balancer { health_check { interval_ms: 1000 timeout_ms: 200 } }
  faults {
    region_outage { region: "r0" }
    start_s: 120
    end_s: 240
  }
  cost {
    instance_hour_usd { region: "r0" usd: 0.10 }
    default_instance_hour_usd: 0.20
    balancer_hour_usd: 0.05
    cross_region_gb_usd: 0.02
    internet_gb_usd: 0.09
    downtime_minute_usd: 1000
  }
)pb";

TEST(Cost, ARunReportsWhatItsHostsBalancersEgressAndDowntimeCost) {
  const auto result = simulateText(kPriced);
  const auto& s = result.summary();
  const auto& cost = s.cost();
  // (4 x 0.10 + 2 x 0.20 + 0.05) USD an hour for a tenth of an hour.
  EXPECT_NEAR(cost.infrastructure_usd(), 0.085, 1e-12);
  // Every successful response leaves for the internet; the requests served by r1 cross regions.
  const double gib = 1024.0 * 1024 * 1024;
  EXPECT_NEAR(cost.internet_gb(), static_cast<double>(s.requests_ok()) * 50000 / gib, 1e-12);
  EXPECT_GT(s.cross_region_requests(), 0);
  EXPECT_GE(cost.cross_region_gb(),
            static_cast<double>(s.cross_region_requests()) * 2000 / gib - 1e-12);
  EXPECT_NEAR(cost.cross_region_usd(), cost.cross_region_gb() * 0.02, 1e-12);
  // Downtime: the 10 s windows that missed the SLO (99.9%) while the checks caught up.
  EXPECT_GT(s.slo().windows_violating(), 0);
  EXPECT_NEAR(cost.downtime_minutes(), static_cast<double>(s.slo().windows_violating()) * 10 / 60,
              1e-12);
  EXPECT_NEAR(cost.downtime_usd(), cost.downtime_minutes() * 1000, 1e-9);
  EXPECT_NEAR(cost.total_usd(),
              cost.infrastructure_usd() + cost.cross_region_usd() + cost.internet_usd() +
                  cost.downtime_usd(),
              1e-9);
}

TEST(Cost, TheWindowsAddUpToTheRun) {
  const auto result = simulateText(kPriced);
  double infrastructure = 0;
  double downtime = 0;
  for (const auto& window : result.windows()) {
    if (window.end_s() <= 360) infrastructure += window.cost().infrastructure_usd();
    downtime += window.cost().downtime_minutes();
    EXPECT_EQ(window.cost().downtime_minutes() > 0, window.slo_violated());
  }
  EXPECT_NEAR(infrastructure, result.summary().cost().infrastructure_usd(), 1e-12);
  EXPECT_NEAR(downtime, result.summary().cost().downtime_minutes(), 1e-12);
}

TEST(Cost, DowntimeIsPricedAtTheIbmFigureByDefault) {
  std::string text = kPriced;
  text.replace(text.find("downtime_minute_usd: 1000"), 25, "");
  const auto result = simulateText(text);
  const auto& cost = result.summary().cost();
  EXPECT_NEAR(cost.downtime_usd(), cost.downtime_minutes() * 5600, 1e-9);
}

}  // namespace
}  // namespace faultline::sim
