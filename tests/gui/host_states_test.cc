#include "gui/host_states.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace faultline::gui {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Region "a" with groups web (2 hosts) and api (2 hosts), region "b" with api (1 host).
results::RunResult twoRegions() {
  results::RunResult result;
  auto* topology = result.mutable_topology();
  auto* a = topology->add_regions();
  a->set_name("a");
  auto* web = a->add_groups();
  web->set_name("web");
  web->set_count(2);
  auto* api = a->add_groups();
  api->set_name("api");
  api->set_count(2);
  auto* b = topology->add_regions();
  b->set_name("b");
  auto* b_api = b->add_groups();
  b_api->set_name("api");
  b_api->set_count(1);
  return result;
}

void addEvent(results::RunResult& result, double time_s, results::Event::Kind kind,
              const std::string& host) {
  auto* event = result.add_events();
  event->set_time_s(time_s);
  event->set_kind(kind);
  event->set_host(host);
  event->set_balancer("a");
}

constexpr auto kServing = HostState::kServing;
constexpr auto kDegraded = HostState::kDegraded;
constexpr auto kEjected = HostState::kEjected;
constexpr auto kDown = HostState::kDown;

TEST(HostStates, EveryHostServesWithoutEvents) {
  EXPECT_THAT(hostStatesAt(twoRegions(), 10),
              ElementsAre(kServing, kServing, kServing, kServing, kServing));
}

TEST(HostStates, TheTruthAndTheBalancersVerdictsFollowTheEventsUpToTheMoment) {
  auto result = twoRegions();
  addEvent(result, 10, results::Event::HOST_DOWN, "a/api-2");
  addEvent(result, 13, results::Event::HOST_MARKED_DOWN, "a/api-2");
  addEvent(result, 14, results::Event::HOST_MARKED_DOWN, "a/web-1");  // an outlier, still up
  addEvent(result, 20, results::Event::HOST_UP, "a/api-2");
  addEvent(result, 24, results::Event::HOST_MARKED_UP, "a/api-2");
  // An event at the moment has not happened yet, as a window ending then counts it.
  EXPECT_THAT(hostStatesAt(result, 10),
              ElementsAre(kServing, kServing, kServing, kServing, kServing));
  EXPECT_THAT(hostStatesAt(result, 10.1),
              ElementsAre(kServing, kServing, kServing, kDown, kServing));
  EXPECT_THAT(hostStatesAt(result, 15), ElementsAre(kEjected, kServing, kServing, kDown, kServing));
  // Up again, but its balancer has not seen it yet.
  EXPECT_THAT(hostStatesAt(result, 21),
              ElementsAre(kEjected, kServing, kServing, kEjected, kServing));
  EXPECT_THAT(hostStatesAt(result, 30),
              ElementsAre(kEjected, kServing, kServing, kServing, kServing));
}

TEST(HostStates, AHostIsEjectedWhileAnyBalancersLastVerdictIsDown) {
  auto result = twoRegions();
  const auto add = [&](double t, results::Event::Kind kind, const char* balancer) {
    addEvent(result, t, kind, "b/api-1");
    result.mutable_events(result.events_size() - 1)->set_balancer(balancer);
  };
  add(1, results::Event::HOST_MARKED_DOWN, "a");
  add(2, results::Event::HOST_MARKED_DOWN, "b");
  add(3, results::Event::HOST_MARKED_UP, "a");
  EXPECT_EQ(hostStatesAt(result, 3.5)[4], kEjected);  // b still has it down
  add(4, results::Event::HOST_MARKED_UP, "b");
  EXPECT_EQ(hostStatesAt(result, 4.5)[4], kServing);
  // One balancer saying "down" twice (checks, then outlier detection) and "up" once: serving.
  add(5, results::Event::HOST_MARKED_DOWN, "a");
  add(6, results::Event::HOST_MARKED_DOWN, "a");
  add(7, results::Event::HOST_MARKED_UP, "a");
  EXPECT_EQ(hostStatesAt(result, 7.5)[4], kServing);
}

TEST(HostStates, AFaultThatSlowsOrFailsAHostDegradesItWhileActive) {
  auto result = twoRegions();
  auto* fault = result.mutable_topology()->add_faults();
  fault->set_name("slow web");
  fault->set_kind("gray_failure");
  fault->set_start_s(10);
  fault->set_end_s(20);
  fault->add_hosts("a/web-2");
  auto* crash = result.mutable_topology()->add_faults();  // a crash is told by HOST_DOWN instead
  crash->set_name("crash");
  crash->set_kind("host_crash");
  crash->set_start_s(0);
  crash->set_end_s(100);
  crash->add_hosts("b/api-1");
  EXPECT_THAT(hostStatesAt(result, 5),
              ElementsAre(kServing, kServing, kServing, kServing, kServing));
  EXPECT_THAT(hostStatesAt(result, 15),
              ElementsAre(kServing, kDegraded, kServing, kServing, kServing));
  EXPECT_THAT(hostStatesAt(result, 10),
              ElementsAre(kServing, kServing, kServing, kServing, kServing));
  EXPECT_THAT(hostStatesAt(result, 20),
              ElementsAre(kServing, kDegraded, kServing, kServing, kServing));
  EXPECT_THAT(hostStatesAt(result, 20.5),
              ElementsAre(kServing, kServing, kServing, kServing, kServing));
  // Ejected says more than degraded: a balancer noticed.
  addEvent(result, 12, results::Event::HOST_MARKED_DOWN, "a/web-2");
  EXPECT_EQ(hostStatesAt(result, 15)[1], kEjected);
}

TEST(HostStates, UnknownHostsAndAbsurdCountsAreIgnored) {
  auto result = twoRegions();
  addEvent(result, 1, results::Event::HOST_DOWN, "c/api-1");
  addEvent(result, 1, results::Event::HOST_DOWN, "");
  EXPECT_THAT(hostStatesAt(result, 5),
              ElementsAre(kServing, kServing, kServing, kServing, kServing));
  result.mutable_topology()->mutable_regions(0)->mutable_groups(0)->set_count(2'000'000'000);
  EXPECT_THAT(hostStatesAt(result, 5), IsEmpty());
  result.mutable_topology()->mutable_regions(0)->mutable_groups(0)->set_count(-5);
  EXPECT_EQ(hostStatesAt(result, 5).size(), 3u);
}

}  // namespace
}  // namespace faultline::gui
