// A live run's network (engine/live/live_links.cc): the scenario's links, their jitter and the
// cross-zone delay, and the link faults in force, drawn as the simulator draws a trip.
#include "engine/live/live_links.h"

#include <gtest/gtest.h>

#include "engine/sim/world_builder.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/engine/sim/world_test_support.h"

namespace faultline::live {
namespace {

using namespace std::chrono_literals;

// r0 (zones a and b) and r1, 20 ms ± 5 ms apart; inside r0, 1 ms between zones, 0.5 ms within.
constexpr const char* kTwoRegions = R"(
  name: "links"
  duration_s: 10
  regions {
    name: "r0"
    zones: ["a", "b"]
    backends { group: "api" count: 2 service_time { constant { value_ms: 1 } } }
    clients { rate_rps: 10 }
  }
  regions {
    name: "r1"
    backends { group: "api" count: 1 service_time { constant { value_ms: 1 } } }
  }
  network { cross_zone_ms: 1  links { from: "r0" to: "r1" one_way_ms: 20 jitter_ms: 5 } }
  faults { name: "slow" link_degradation { from: "r0" to: "r1" latency_ms: 100 }
           start_s: 2 end_s: 4 }
  faults { name: "cut" network_partition { from: "r1" to: "r0" } start_s: 6 end_s: 8 }
)";

class LiveLinksTest : public ::testing::Test {
 protected:
  LiveLinksTest()
      : spec_(*sim::buildWorldSpec(sim::testing::parseScenario(kTwoRegions), {})),
        faults_(spec_.faults, spec_.network.regionCount()) {}

  // The proxy of r0 in front of hosts 0 and 1 (r0, zones a and b) and 2 (r1).
  LiveLinks links() { return LiveLinks(spec_, faults_, clock_, 0, hostEnds(spec_, {0, 1, 2}), 7); }

  sim::WorldSpec spec_;
  sim::LinkFaults faults_;
  balancer::testing::FakeRuntime clock_;
};

TEST_F(LiveLinksTest, TripsTakeTheLinksDelayWithinItsJitterAndTheCrossZoneDelay) {
  ASSERT_EQ(spec_.hosts[0].zone, 0u);
  ASSERT_EQ(spec_.hosts[1].zone, 1u);
  LiveLinks paths = links();
  balancer::Duration least = 1h;
  balancer::Duration most{};
  for (int i = 0; i < 1000; ++i) {
    const auto trip = paths.trip(2, 0, i % 2 == 0);
    ASSERT_TRUE(trip);
    least = std::min(least, *trip);
    most = std::max(most, *trip);
  }
  EXPECT_GE(least, 15ms);
  EXPECT_LT(least, 16ms);  // a thousand uniform draws reach the ends
  EXPECT_LE(most, 25ms);
  EXPECT_GT(most, 24ms);
  EXPECT_EQ(paths.trip(0, 0, false), 500us);             // same zone
  EXPECT_EQ(paths.trip(1, 0, true), 1ms);                // zone a to b
  EXPECT_EQ(paths.trip(1, 1, false), 500us);             // a request from zone b
  EXPECT_EQ(paths.trip(1, std::nullopt, false), 500us);  // a probe takes the region's link
}

TEST_F(LiveLinksTest, LinkFaultsSlowOrCutTheirDirectionWhileActive) {
  LiveLinks paths = links();
  const auto slow = 0u;
  const auto cut = 1u;
  clock_.advance(3s);
  faults_.set(slow, true);
  const auto slowed = paths.trip(2, 0, /*back=*/false);
  ASSERT_TRUE(slowed);
  EXPECT_GE(*slowed, 115ms);
  EXPECT_LE(*slowed, 125ms);
  EXPECT_LE(*paths.trip(2, 0, /*back=*/true), 25ms);  // r1 to r0 is untouched
  faults_.set(slow, false);
  faults_.set(cut, true);
  EXPECT_FALSE(paths.trip(2, 0, /*back=*/true));             // r1 to r0 is cut
  EXPECT_FALSE(paths.trip(2, std::nullopt, /*back=*/true));  // probes' answers too
  EXPECT_TRUE(paths.trip(2, 0, /*back=*/false));
  EXPECT_TRUE(paths.trip(0, 0, /*back=*/true));  // inside r0
  faults_.set(cut, false);
  EXPECT_TRUE(paths.trip(2, 0, /*back=*/true));
}

}  // namespace
}  // namespace faultline::live
