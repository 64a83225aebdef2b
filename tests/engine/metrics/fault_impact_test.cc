// The per-fault figures (docs/metrics.md, "Per fault") on hand-built event and window series
// whose answers are worked out in the comments.
#include "engine/metrics/fault_impact.h"

#include <gtest/gtest.h>

#include <chrono>

namespace faultline::metrics {
namespace {

using namespace std::chrono_literals;

TimePoint at(Duration since_start) {
  return TimePoint{} + since_start;
}

// Two regions of three hosts (r0: hosts 0-2, r1: hosts 3-5), 100 s of traffic, SLO 99%.
RunLayout twoRegions(std::vector<FaultLayout> faults) {
  RunLayout layout;
  layout.duration = 100s;
  layout.window = 1s;
  layout.regions.resize(2);
  for (std::uint32_t host = 0; host < 6; ++host) {
    layout.hosts.push_back(HostLayout{.name = "h", .region = host / 3, .zone = 0});
  }
  layout.instances = {"r0/lb-1", "r1/lb-1"};
  layout.slo.availability = 0.99;
  layout.faults = std::move(faults);
  return layout;
}

FaultLayout fault(Duration start, Duration end, std::vector<std::uint32_t> hosts) {
  return FaultLayout{.name = "f",
                     .kind = "host_crash",
                     .start = at(start),
                     .end = at(end),
                     .hosts = std::move(hosts),
                     .instances = {}};
}

// One-second windows over [from, to): 100 requests each, `failed_in(second)` of them failed.
template <typename Failed>
void windows(FaultImpactTracker& tracker, int from, int to, Failed failed_in) {
  for (int second = from; second < to; ++second) {
    const std::uint64_t failed = failed_in(second);
    tracker.onWindow(at(std::chrono::seconds(second)), at(std::chrono::seconds(second + 1)), 100,
                     100, 100 - failed);
  }
}

TEST(FaultImpact, DetectionIsTheFirstMarkOfAStruckHostAndFailoverTheMarkThatCompletesThem) {
  const RunLayout layout = twoRegions({fault(10s, 40s, {1, 2})});
  FaultImpactTracker tracker(layout);
  tracker.onHostMarked(at(9s), 1, false);   // before the fault: not its doing
  tracker.onHostMarked(at(12s), 4, false);  // a host it does not strike
  tracker.onHostMarked(at(13s), 1, false);  // detected at +3 s
  tracker.onHostMarked(at(14s), 1, true);   // back up: marks only count going down
  tracker.onHostMarked(at(15s), 1, false);  // the same host again: still one of two
  tracker.onHostMarked(at(17s), 2, false);  // both marked: failed over at +7 s
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_detect, 3s);
  EXPECT_EQ(impact.time_to_fail_over, 7s);
}

TEST(FaultImpact, AStruckHostMarkedOnlyAfterTheFaultEndedIsNoFailover) {
  const RunLayout layout = twoRegions({fault(10s, 20s, {1, 2})});
  FaultImpactTracker tracker(layout);
  tracker.onHostMarked(at(12s), 1, false);
  tracker.onHostMarked(at(25s), 2, false);  // after the end: the fault was never failed over
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_detect, 2s);
  EXPECT_EQ(impact.time_to_fail_over, std::nullopt);
}

TEST(FaultImpact, EvacuatingAStruckRegionIsAFailoverAndOtherRegionsAreNot) {
  const RunLayout layout = twoRegions({fault(10s, 40s, {0, 1, 2})});
  FaultImpactTracker tracker(layout);
  tracker.onFailover(at(11s), 1, 1u, 0u);  // r1's traffic moving is not about r0's hosts
  tracker.onFailover(at(16s), 0, 0u, 1u);
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_detect, 6s);
  EXPECT_EQ(impact.time_to_fail_over, 6s);
}

TEST(FaultImpact, ABalancerReturningHomeIsAFailbackNotAReaction) {
  // r1 goes dark at 10 s; at 11 s r0's balancer comes home from r1 (after an earlier fault on r0):
  // that is not r1's fault being handled.
  const RunLayout layout = twoRegions({fault(10s, 40s, {3, 4, 5})});
  FaultImpactTracker tracker(layout);
  tracker.onFailover(at(11s), 0, 1u, 0u);
  EXPECT_EQ(tracker.impacts().at(0).time_to_detect, std::nullopt);
  tracker.onFailover(at(14s), 1, 1u, 0u);  // r1's own balancer leaving r1
  EXPECT_EQ(tracker.impacts().at(0).time_to_detect, 4s);
}

TEST(FaultImpact, AFaultThatStrikesNoHostIsDetectedByAnyReaction) {
  const RunLayout layout = twoRegions({fault(10s, 40s, {})});
  FaultImpactTracker tracker(layout);
  tracker.onHostMarked(at(12s), 4, false);  // detected
  tracker.onFailover(at(15s), 1, 1u, 0u);   // failed over
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_detect, 2s);
  EXPECT_EQ(impact.time_to_fail_over, 5s);
}

TEST(FaultImpact, TierInstancesAreMarkedLikeHosts) {
  FaultLayout crash = fault(10s, 40s, {});
  crash.instances = {1};
  const RunLayout layout = twoRegions({crash});
  FaultImpactTracker tracker(layout);
  tracker.onInstanceMarked(at(11s), 0, false);  // not the crashed one
  tracker.onInstanceMarked(at(19s), 1, false);
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_detect, 9s);
  EXPECT_EQ(impact.time_to_fail_over, 9s);
}

TEST(FaultImpact, RecoveryIsTheEndOfTheLastWindowBelowTheSlo) {
  // Fault from 10 s to 20 s. Windows 10-13 fail 50 each, 14 fails 1 (99%: within), 15 fails 2
  // (below), then clean: the last window below the SLO ends at 16 s, 6 s after the start. Lost:
  // the windows from 10 s to the end of the fault (20 s), which lies after the recovery:
  // 4 x 50 + 1 + 2 = 203.
  const RunLayout layout = twoRegions({fault(10s, 20s, {0})});
  FaultImpactTracker tracker(layout);
  windows(tracker, 0, 100, [](int s) -> std::uint64_t {
    if (s >= 10 && s < 14) return 50;
    if (s == 14) return 1;
    if (s == 15) return 2;
    if (s == 5) return 30;  // before it: not its loss
    if (s == 60) return 1;  // after its end and recovery, within the SLO: not its loss either
    return 0;
  });
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_recover, 6s);
  EXPECT_EQ(impact.requests_lost, 203u);
}

TEST(FaultImpact, LossesPastTheFaultsEndCountUntilItRecovers) {
  // Fault 10-12 s, but windows stay below the SLO until 30 s: lost = 20 windows x 10.
  const RunLayout layout = twoRegions({fault(10s, 12s, {0})});
  FaultImpactTracker tracker(layout);
  windows(tracker, 0, 100, [](int s) -> std::uint64_t { return s >= 10 && s < 30 ? 10 : 0; });
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_recover, 20s);
  EXPECT_EQ(impact.requests_lost, 200u);
}

TEST(FaultImpact, AFaultStillBelowTheSloAtItsHorizonHasNotRecovered) {
  // The first fault's horizon ends where the second (starting after it ended) begins, at 50 s;
  // its windows are below the SLO up to there. The second one never recovers before traffic ends.
  const RunLayout layout = twoRegions({fault(10s, 20s, {0}), fault(50s, 60s, {3})});
  FaultImpactTracker tracker(layout);
  windows(tracker, 0, 100, [](int s) -> std::uint64_t { return s >= 10 ? 5 : 0; });
  const auto impacts = tracker.impacts();
  EXPECT_EQ(impacts[0].time_to_recover, std::nullopt);
  EXPECT_EQ(impacts[0].requests_lost, 40u * 5u);
  EXPECT_EQ(impacts[1].time_to_recover, std::nullopt);
  EXPECT_EQ(impacts[1].requests_lost, 50u * 5u);
  EXPECT_EQ(impacts[0].horizon_end, at(50s));
  EXPECT_EQ(impacts[1].horizon_end, at(100s));
}

TEST(FaultImpact, AFaultThatNeverBreachesTheSloRecoversAtOnceAndLosesWhatFailedMeanwhile) {
  const RunLayout layout = twoRegions({fault(10s, 20s, {0})});
  FaultImpactTracker tracker(layout);
  windows(tracker, 0, 100, [](int s) -> std::uint64_t { return s >= 10 && s < 20 ? 1 : 0; });
  const FaultImpact impact = tracker.impacts().at(0);
  EXPECT_EQ(impact.time_to_recover, 0s);
  EXPECT_EQ(impact.requests_lost, 10u);
  EXPECT_EQ(impact.time_to_detect, std::nullopt);
  EXPECT_EQ(impact.time_to_fail_over, std::nullopt);
}

TEST(FaultImpact, AWindowThatCompletesNothingOfWhatArrivedIsBelowTheSlo) {
  const RunLayout layout = twoRegions({fault(10s, 20s, {0})});
  FaultImpactTracker tracker(layout);
  for (int s = 0; s < 100; ++s) {
    const bool silent = s >= 10 && s < 13;  // requests arrive, none completes (a blackhole)
    tracker.onWindow(at(std::chrono::seconds(s)), at(std::chrono::seconds(s + 1)), 100,
                     silent ? 0 : 100, silent ? 0 : 100);
  }
  EXPECT_EQ(tracker.impacts().at(0).time_to_recover, 3s);
}

}  // namespace
}  // namespace faultline::metrics
