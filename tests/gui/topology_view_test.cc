#include "gui/topology_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <QImage>
#include <QPixmap>
#include <cstdlib>
#include <string>
#include <vector>

#include "reports/render/qt_session.h"

namespace faultline::gui {
namespace {

using ::testing::ElementsAre;

constexpr int kHosts = 10;
const std::vector<std::string> kNames = {"us-east",  "us-west", "eu-west", "eu-central",
                                         "ap-south", "ap-east", "sa-east", "af-south"};

// `count` regions of kHosts hosts each, named after kNames.
results::Topology topology(int count) {
  results::Topology topology;
  for (int r = 0; r < count; ++r) {
    auto* region = topology.add_regions();
    region->set_name(kNames[static_cast<std::size_t>(r)]);
    for (const char* zone : {"a", "b", "c"})
      region->add_zones(zone);
    auto* group = region->add_groups();
    group->set_name("api");
    group->set_count(kHosts);
    group->set_workers(8);
    region->set_hosts(kHosts);
    region->set_client_rate_rps(1000);
  }
  return topology;
}

// A quiet 10 s window: every host up and routed to, each region serving its own clients.
results::Window healthyWindow(int count) {
  results::Window window;
  window.set_start_s(10);
  window.set_end_s(20);
  for (int r = 0; r < count; ++r) {
    auto* region = window.add_regions();
    region->set_region(kNames[static_cast<std::size_t>(r)]);
    region->set_requests_from(10000);
    region->set_ok_from(10000);
    region->set_requests_to(10000);
    region->set_ok_to(10000);
    region->set_hosts(kHosts);
    region->set_hosts_up(kHosts);
  }
  for (int r = 0; r < count; ++r) {
    auto* balancer = window.add_balancers();
    balancer->set_region(kNames[static_cast<std::size_t>(r)]);
    balancer->set_active_region(kNames[static_cast<std::size_t>(r)]);
    for (int to = 0; to < count; ++to) {
      balancer->add_healthy_hosts(kHosts);
      balancer->add_load_percent(to == r ? 100 : 0);
    }
  }
  return window;
}

// us-east dark: its hosts down, its balancer sending everything to us-west, which serves both.
results::Window failoverWindow() {
  results::Window window = healthyWindow(3);
  window.mutable_regions(0)->set_hosts_up(0);
  window.mutable_regions(0)->set_requests_to(0);
  window.mutable_regions(0)->set_ok_to(0);
  window.mutable_regions(1)->set_requests_to(20000);
  window.mutable_regions(1)->set_ok_to(19900);
  for (auto& balancer : *window.mutable_balancers())
    balancer.set_healthy_hosts(0, 0);
  auto* east = window.mutable_balancers(0);
  east->set_active_region("us-west");
  east->set_load_percent(0, 0);
  east->set_load_percent(1, 100);
  window.add_active_faults("us-east dark");
  return window;
}

void addFault(results::Topology& topology, const std::string& name,
              const std::vector<std::string>& hosts) {
  auto* fault = topology.add_faults();
  fault->set_name(name);
  fault->set_kind("host_crash");
  for (const auto& host : hosts)
    fault->add_hosts(host);
}

// Pixels of the map (the legend, with its own swatches, left out) close to `colour`.
int pixelsNear(const QImage& image, QRgb colour) {
  constexpr int kLegendHeight = 30;
  const QColor target(colour);
  int count = 0;
  for (int y = 0; y < image.height() - kLegendHeight; ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const QColor c = image.pixelColor(x, y);
      if (std::abs(c.red() - target.red()) + std::abs(c.green() - target.green()) +
              std::abs(c.blue() - target.blue()) <
          60) {
        ++count;
      }
    }
  }
  return count;
}

// Close to the "down" red.
int redPixels(const QImage& image) {
  return pixelsNear(image, 0xffd62728);
}

class TopologyViewTest : public ::testing::Test {
 protected:
  QImage render(int width, int height) {
    view_.resize(width, height);
    return view_.grab().toImage();
  }

  reports::render::QtSession qt_;  // before the view: it needs the application
  TopologyView view_;
};

TEST_F(TopologyViewTest, RegionsAreIdleBeforeTheFirstWindow) {
  view_.setTopology(topology(3));
  EXPECT_EQ(view_.regionHealth(0), Health::kIdle);
  const results::Window window = healthyWindow(3);
  view_.setWindow(&window);
  EXPECT_EQ(view_.regionHealth(0), Health::kHealthy);
  view_.setWindow(nullptr);
  EXPECT_EQ(view_.regionHealth(0), Health::kIdle);
  EXPECT_EQ(view_.trafficRate(0, 0), 0.0);
}

TEST_F(TopologyViewTest, RegionIsHealthyWhenEveryHostServes) {
  view_.setTopology(topology(3));
  const results::Window window = healthyWindow(3);
  view_.setWindow(&window);
  for (int r = 0; r < 3; ++r)
    EXPECT_EQ(view_.regionHealth(r), Health::kHealthy) << r;
}

TEST_F(TopologyViewTest, RegionIsDegradedWhenSomeHostsAreDown) {
  view_.setTopology(topology(3));
  results::Window window = healthyWindow(3);
  window.mutable_regions(1)->set_hosts_up(7);
  view_.setWindow(&window);
  EXPECT_EQ(view_.regionHealth(0), Health::kHealthy);
  EXPECT_EQ(view_.regionHealth(1), Health::kDegraded);
}

TEST_F(TopologyViewTest, RegionIsDegradedWhenOneBalancerEjectsHosts) {
  view_.setTopology(topology(3));
  results::Window window = healthyWindow(3);
  // us-west's balancer ejected two hosts of us-east that are up: the others still see all ten.
  window.mutable_balancers(1)->set_healthy_hosts(0, kHosts - 2);
  view_.setWindow(&window);
  EXPECT_EQ(view_.regionHealth(0), Health::kDegraded);
  EXPECT_EQ(view_.regionHealth(1), Health::kHealthy);
}

TEST_F(TopologyViewTest, RegionIsDownWhenNoHostCanServe) {
  view_.setTopology(topology(3));
  const results::Window window = failoverWindow();
  view_.setWindow(&window);
  EXPECT_EQ(view_.regionHealth(0), Health::kDown);
  EXPECT_EQ(view_.regionHealth(1), Health::kHealthy);
}

TEST_F(TopologyViewTest, RegionOutOfRangeIsIdle) {
  view_.setTopology(topology(3));
  const results::Window window = healthyWindow(3);
  view_.setWindow(&window);
  EXPECT_EQ(view_.regionHealth(-1), Health::kIdle);
  EXPECT_EQ(view_.regionHealth(3), Health::kIdle);
}

TEST_F(TopologyViewTest, TrafficRateAveragesTheLoadOfTheRegionsBalancers) {
  view_.setTopology(topology(3));
  results::Window window = healthyWindow(3);
  // A tier of two us-east instances: one keeps everything home, one spills half to us-west.
  auto* second = window.add_balancers();
  *second = window.balancers(0);
  second->set_instance("us-east/lb-2");
  second->set_load_percent(0, 50);
  second->set_load_percent(1, 50);
  view_.setWindow(&window);
  // 10,000 requests in 10 s from us-east's clients: 1000 rps, 75% home and 25% to us-west.
  EXPECT_DOUBLE_EQ(view_.trafficRate(0, 0), 750.0);
  EXPECT_DOUBLE_EQ(view_.trafficRate(0, 1), 250.0);
  EXPECT_DOUBLE_EQ(view_.trafficRate(0, 2), 0.0);
  EXPECT_DOUBLE_EQ(view_.trafficRate(1, 1), 1000.0);
  EXPECT_DOUBLE_EQ(view_.trafficRate(1, 0), 0.0);
}

TEST_F(TopologyViewTest, TrafficRateIsZeroWhenUnknown) {
  view_.setTopology(topology(2));
  EXPECT_EQ(view_.trafficRate(0, 0), 0.0);
  results::Window window = healthyWindow(2);
  view_.setWindow(&window);
  EXPECT_EQ(view_.trafficRate(-1, 0), 0.0);
  EXPECT_EQ(view_.trafficRate(0, 2), 0.0);
  window.set_end_s(window.start_s());
  view_.setWindow(&window);
  EXPECT_EQ(view_.trafficRate(0, 0), 0.0);
  const results::Window empty;
  view_.setWindow(&empty);
  EXPECT_EQ(view_.trafficRate(0, 0), 0.0);
}

TEST_F(TopologyViewTest, FaultsOnMarksOnlyStruckRegionsAndActiveFaults) {
  results::Topology shape = topology(3);
  shape.mutable_regions(1)->set_name("us-east-2");  // a name that starts with another's
  addFault(shape, "east crash", {"us-east/api-3"});
  addFault(shape, "east-2 crash", {"us-east-2/api-1"});
  addFault(shape, "surge", {});
  addFault(shape, "east dark", {"us-east/api-0", "us-east/api-1"});
  addFault(shape, "eu crash later", {"eu-west/api-0"});
  view_.setTopology(shape);
  results::Window window = healthyWindow(3);
  for (const char* name : {"east dark", "surge", "east crash", "east-2 crash"}) {
    window.add_active_faults(name);
  }
  view_.setWindow(&window);
  EXPECT_THAT(view_.faultsOn(0), ElementsAre("east crash", "east dark"));
  EXPECT_THAT(view_.faultsOn(1), ElementsAre("east-2 crash"));
  EXPECT_TRUE(view_.faultsOn(2).empty());
  EXPECT_TRUE(view_.faultsOn(3).empty());
  view_.setWindow(nullptr);
  EXPECT_TRUE(view_.faultsOn(0).empty());
}

void addServed(results::RegionWindow& clients, const std::string& region, std::int64_t requests,
               std::int64_t ok) {
  auto& served = *clients.add_traffic();
  served.set_region(region);
  served.set_requests(requests);
  served.set_ok(ok);
}

TEST_F(TopologyViewTest, TrafficIsWhatTheResultsCountedBetweenRegionsWhenTheyHaveIt) {
  results::Topology counted = topology(2);
  counted.set_counts_traffic(true);
  view_.setTopology(counted);
  results::Window window = healthyWindow(2);  // 10 s long
  auto& east = *window.mutable_regions(0);
  addServed(east, "us-east", 2000, 2000);  // whatever the balancers' shares say
  addServed(east, "us-west", 8000, 6000);
  view_.setWindow(&window);
  EXPECT_DOUBLE_EQ(view_.trafficRate(0, 0), 200);
  EXPECT_DOUBLE_EQ(view_.trafficRate(0, 1), 800);
  EXPECT_DOUBLE_EQ(view_.unservedRate(0), 0);  // 10,000 sent, all served
  east.set_requests_from(12000);
  east.set_unserved(2000);
  view_.setWindow(&window);
  EXPECT_DOUBLE_EQ(view_.unservedRate(0), 200);  // 2,000 no backend saw, over 10 s
  // Only the pairs that carried traffic are listed: us-west's clients sent nothing to us-east,
  // whatever the balancers' shares say.
  EXPECT_DOUBLE_EQ(view_.trafficRate(1, 0), 0);
  auto& shares = *window.mutable_balancers(1);
  shares.set_load_percent(0, 50);
  view_.setWindow(&window);
  EXPECT_DOUBLE_EQ(view_.trafficRate(1, 0), 0);
  // Older results count no traffic: the balancers' shares stand in.
  view_.setTopology(topology(2));
  view_.setWindow(&window);
  EXPECT_DOUBLE_EQ(view_.trafficRate(1, 0), 500);
}

TEST_F(TopologyViewTest, ABalancerCrashIsOnItsRegionAndItsInstanceIsDrawnDown) {
  results::Topology shape = topology(2);
  auto& crash = *shape.add_faults();
  crash.set_name("lb dies");
  crash.set_kind("balancer_crash");
  crash.add_instances("us-west/lb-1");
  view_.setTopology(shape);
  results::Window window = healthyWindow(2);
  window.add_active_faults("lb dies");
  for (const char* instance : {"us-west/lb-1", "us-west/lb-2"}) {
    auto& view = *window.add_balancers();
    view.set_region("us-west");
    view.set_instance(instance);
    view.set_active_region("us-west");
    view.add_healthy_hosts(kHosts);
    view.add_healthy_hosts(kHosts);
  }
  view_.setWindow(&window);
  EXPECT_TRUE(view_.faultsOn(0).empty());
  EXPECT_THAT(view_.faultsOn(1), ElementsAre("lb dies"));
  // The dead instance's circle is the dark "instance down" colour.
  const auto darkPixels = [&](const QImage& image) {
    int dark = 0;
    for (int y = 0; y < image.height() - 30; ++y) {  // above the legend, which has the swatch
      for (int x = 0; x < image.width(); ++x) {
        const QColor c = image.pixelColor(x, y);
        dark += std::abs(c.red() - 0x3a) <= 2 && std::abs(c.green() - 0x3a) <= 2 &&
                std::abs(c.blue() - 0x3a) <= 2;
      }
    }
    return dark;
  };
  const int alive = darkPixels(render(900, 420));
  window.mutable_balancers(0)->set_down(true);
  view_.setWindow(&window);
  EXPECT_GT(darkPixels(render(900, 420)), alive + 20);
}

TEST_F(TopologyViewTest, PaintsAnyNumberOfRegionsAtAnySize) {
  for (int count : {0, 1, 8}) {
    results::Topology shape = topology(count);
    if (count > 0) addFault(shape, "a fault with a rather long name indeed", {"us-east/api-0"});
    view_.setTopology(shape);
    results::Window full = healthyWindow(count);
    full.add_active_faults("a fault with a rather long name indeed");
    results::Window zero_length = healthyWindow(count);
    zero_length.set_end_s(zero_length.start_s());
    const results::Window empty;
    const std::vector<const results::Window*> windows = {nullptr, &empty, &zero_length, &full};
    for (const results::Window* window : windows) {
      view_.setWindow(window);
      for (const QSize size : {QSize(900, 420), QSize(400, 240), QSize(1600, 900), QSize(40, 20)}) {
        EXPECT_FALSE(render(size.width(), size.height()).isNull())
            << count << " regions at " << size.width() << "x" << size.height();
      }
    }
  }
}

TEST_F(TopologyViewTest, DownRegionIsDrawnRed) {
  view_.setTopology(topology(3));
  const results::Window healthy = healthyWindow(3);
  view_.setWindow(&healthy);
  EXPECT_LT(redPixels(render(900, 420)), 20);
  const results::Window failover = failoverWindow();
  view_.setWindow(&failover);
  // The box's border and its ten hosts, at the least.
  EXPECT_GT(redPixels(render(900, 420)), 1000);
}

// us-east as two groups: web (hosts 0-4) and api (5-9); api-2 (host 6) down, web-1 ejected.
TEST_F(TopologyViewTest, EachHostIsDrawnInItsOwnStateWhenTheStatesAgreeWithTheCounts) {
  results::Topology two_groups = topology(2);
  auto* east = two_groups.mutable_regions(0);
  east->mutable_groups(0)->set_name("web");
  east->mutable_groups(0)->set_count(5);
  auto* api = east->add_groups();
  api->set_name("api");
  api->set_count(5);
  view_.setTopology(two_groups);
  results::Window window = healthyWindow(2);
  window.mutable_regions(0)->set_hosts_up(kHosts - 1);
  std::vector<HostState> states(2 * kHosts, HostState::kServing);
  states[6] = HostState::kDown;
  states[0] = HostState::kEjected;
  states[kHosts + 3] = HostState::kDegraded;
  view_.setWindow(&window, states);
  EXPECT_EQ(view_.hostState(0, 6), HostState::kDown);
  EXPECT_EQ(view_.hostState(0, 0), HostState::kEjected);
  EXPECT_EQ(view_.hostState(0, 9), HostState::kServing);
  EXPECT_EQ(view_.hostState(1, 3), HostState::kDegraded);
  EXPECT_EQ(view_.regionHealth(1), Health::kDegraded);  // a slow host, though all serve
  const QImage drawn = render(900, 420);
  EXPECT_GT(pixelsNear(drawn, 0xff9467bd), 20);  // the degraded host's violet square
  EXPECT_GT(redPixels(drawn), 20);               // the down host's red one
  // States that disagree with the window's count (two down, one counted): the counts decide,
  // the last hosts drawn down.
  states[2] = HostState::kDown;
  view_.setWindow(&window, states);
  EXPECT_TRUE(view_.regionHosts(0).empty());
  EXPECT_EQ(view_.hostState(0, 6), HostState::kServing);
  EXPECT_EQ(view_.hostState(0, 9), HostState::kDown);
  EXPECT_EQ(view_.regionHosts(1).size(), static_cast<std::size_t>(kHosts));
  // Too few states (another run's): counts alone.
  view_.setWindow(&window, std::vector<HostState>(3, HostState::kDown));
  EXPECT_TRUE(view_.regionHosts(1).empty());
  EXPECT_EQ(view_.hostState(1, 0), HostState::kServing);
  EXPECT_EQ(pixelsNear(render(900, 420), 0xff9467bd), 0);  // no state known host by host
}

TEST_F(TopologyViewTest, SizeHintsFitTheMap) {
  EXPECT_EQ(view_.sizeHint(), QSize(900, 420));
  EXPECT_EQ(view_.minimumSizeHint(), QSize(400, 240));
}

}  // namespace
}  // namespace faultline::gui
