// A run's events told briefly: bursts of host events by one balancer become one line.
#include "reports/event_timeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::reports {
namespace {

using ::testing::SizeIs;

void add(results::RunResult& result, double time_s, results::Event::Kind kind,
         const std::string& balancer = "", const std::string& host = "") {
  auto& event = *result.add_events();
  event.set_time_s(time_s);
  event.set_kind(kind);
  event.set_balancer(balancer);
  event.set_host(host);
  event.set_fault("cut");
  event.set_from_region("east");
  event.set_to_region("west");
}

TEST(EventTimeline, BurstsOfHostEventsByOneBalancerAreOneLine) {
  results::RunResult result;
  add(result, 10, results::Event::FAULT_STARTED);
  add(result, 12, results::Event::HOST_MARKED_DOWN, "east", "east/api-1");
  add(result, 12.5, results::Event::HOST_MARKED_DOWN, "west", "east/api-1");
  add(result, 13, results::Event::HOST_MARKED_DOWN, "east", "east/api-2");
  add(result, 14, results::Event::FAILOVER, "east");
  add(result, 16.9, results::Event::HOST_MARKED_DOWN, "east", "east/api-3");
  add(result, 17.5, results::Event::HOST_MARKED_DOWN, "east", "east/api-4");  // a new burst
  add(result, 30, results::Event::FAULT_ENDED);
  add(result, 31, results::Event::INSTANCE_MARKED_UP, "east/lb-1");
  const auto timeline = eventTimeline(result);
  ASSERT_THAT(timeline, SizeIs(7));
  EXPECT_EQ(timeline[0].what, "fault \"cut\" starts");
  EXPECT_EQ(timeline[1].time_s, 12);
  EXPECT_EQ(timeline[1].what, "east balancer marks 3 hosts down (until 16.900 s)");
  EXPECT_EQ(timeline[2].what, "west balancer marks east/api-1 down");
  EXPECT_EQ(timeline[3].what, "east balancer fails over: east → west");
  EXPECT_EQ(timeline[4].what, "east balancer marks east/api-4 down");
  EXPECT_EQ(timeline[5].what, "fault \"cut\" ends");
  EXPECT_EQ(timeline[6].what, "balancer instance east/lb-1 marked up");
}

TEST(EventTimeline, ALongStoryIsCutWithACount) {
  results::RunResult result;
  for (int i = 0; i < 10; ++i)
    add(result, i, results::Event::FAILOVER, "east");
  const auto timeline = eventTimeline(result, 5, 4);
  ASSERT_THAT(timeline, SizeIs(5));
  EXPECT_EQ(timeline[4].time_s, 4);
  EXPECT_EQ(timeline[4].what, "… and 6 more events from here on");
  EXPECT_TRUE(eventTimeline(results::RunResult()).empty());
}

TEST(EventTimeline, UntoldHostEventsAreCountedOneByOne) {
  results::RunResult result;
  add(result, 1, results::Event::FAILOVER, "east");
  for (int i = 0; i < 5; ++i)
    add(result, 2 + i * 0.1, results::Event::HOST_MARKED_DOWN, "west", "h");
  const auto timeline = eventTimeline(result, 5, 1);
  ASSERT_THAT(timeline, SizeIs(2));
  EXPECT_EQ(timeline[1].what, "… and 5 more events from here on");
  EXPECT_EQ(timeline[1].time_s, 2);
}

}  // namespace
}  // namespace faultline::reports
