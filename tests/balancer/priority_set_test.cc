#include "balancer/priority_set.h"

#include <gtest/gtest.h>

#include <vector>

namespace faultline::balancer {
namespace {

PrioritySet twoLevels() {
  std::vector<HostDescriptor> hosts(5);
  for (std::uint32_t h = 0; h < 5; ++h)
    hosts[h].address = 100 + h;
  return PrioritySet(std::move(hosts), {{0, 1, 2}, {3, 4}});
}

std::vector<HostIndex> list(std::span<const HostIndex> span) {
  return {span.begin(), span.end()};
}

TEST(PrioritySet, StartsWithEveryHostHealthy) {
  const auto set = twoLevels();
  EXPECT_EQ(set.levelCount(), 2u);
  EXPECT_EQ(list(set.healthyHosts(0)), (std::vector<HostIndex>{0, 1, 2}));
  EXPECT_EQ(list(set.healthyHosts(1)), (std::vector<HostIndex>{3, 4}));
  EXPECT_EQ(set.firstHealthyLevel(), 0u);
  EXPECT_EQ(set.host(4).address, 104u);
}

TEST(PrioritySet, AFlaggedHostLeavesItsLevelsHealthyListInOrder) {
  auto set = twoLevels();
  EXPECT_TRUE(set.setFlag(1, kFailedActiveHealthCheck, true));
  EXPECT_FALSE(set.isHealthy(1));
  EXPECT_EQ(list(set.healthyHosts(0)), (std::vector<HostIndex>{0, 2}));
  EXPECT_FALSE(set.setFlag(1, kFailedActiveHealthCheck, true));  // no change the second time
  EXPECT_TRUE(set.setFlag(1, kFailedActiveHealthCheck, false));
  EXPECT_EQ(list(set.healthyHosts(0)), (std::vector<HostIndex>{0, 1, 2}));
}

TEST(PrioritySet, TheFirstHealthyLevelMovesWhenALevelEmpties) {
  auto set = twoLevels();
  for (HostIndex h : {0u, 1u, 2u})
    set.setFlag(h, kFailedActiveHealthCheck, true);
  EXPECT_EQ(set.firstHealthyLevel(), 1u);
  for (HostIndex h : {3u, 4u})
    set.setFlag(h, kFailedActiveHealthCheck, true);
  EXPECT_EQ(set.firstHealthyLevel(), std::nullopt);
  set.setFlag(2, kFailedActiveHealthCheck, false);
  EXPECT_EQ(set.firstHealthyLevel(), 0u);
}

TEST(PrioritySet, AnEmptyLevelIsSkipped) {
  PrioritySet set(std::vector<HostDescriptor>(2), {{}, {0, 1}});
  EXPECT_EQ(set.firstHealthyLevel(), 1u);
}

}  // namespace
}  // namespace faultline::balancer
