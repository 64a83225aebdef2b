#include "engine/live/live_runtime.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <vector>

namespace faultline::live {
namespace {

using namespace std::chrono_literals;

// Real time: the bounds below are generous because the machine is shared; what is checked is
// order and that nothing fires early, never how punctual a timer is.
TEST(LiveRuntime, TimersFireInDeadlineOrderAndNotBeforeTheirDelay) {
  boost::asio::io_context io;
  LiveRuntime runtime(io, 1);
  const balancer::TimePoint start = runtime.now();
  std::vector<int> fired;
  std::vector<balancer::Duration> at;
  auto late = runtime.createTimer([&] {
    fired.push_back(2);
    at.push_back(runtime.now() - start);
  });
  auto early = runtime.createTimer([&] {
    fired.push_back(1);
    at.push_back(runtime.now() - start);
  });
  late->enable(30ms);
  early->enable(10ms);
  EXPECT_TRUE(late->enabled());
  io.run_for(5s);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  ASSERT_EQ(at.size(), 2u);
  EXPECT_GE(at[0], 10ms);
  EXPECT_GE(at[1], 30ms);
  EXPECT_FALSE(late->enabled());
}

TEST(LiveRuntime, ADisabledOrReArmedTimerFiresOnlyForItsLastDeadline) {
  boost::asio::io_context io;
  LiveRuntime runtime(io, 1);
  int fired = 0;
  auto timer = runtime.createTimer([&] { ++fired; });
  timer->enable(5ms);
  timer->disable();
  EXPECT_FALSE(timer->enabled());
  io.run_for(50ms);
  EXPECT_EQ(fired, 0);
  io.restart();
  timer->enable(1ms);
  timer->enable(20ms);  // replaces the first deadline
  io.run_for(5s);
  EXPECT_EQ(fired, 1);
}

TEST(LiveRuntime, ATimerDestroyedWithAWaitPendingNeverCallsBack) {
  boost::asio::io_context io;
  LiveRuntime runtime(io, 1);
  int fired = 0;
  {
    auto timer = runtime.createTimer([&] { ++fired; });
    timer->enable(1ms);
  }
  io.run_for(100ms);
  EXPECT_EQ(fired, 0);
}

TEST(LiveRuntime, ATimerCanReArmItselfFromItsCallback) {
  boost::asio::io_context io;
  LiveRuntime runtime(io, 1);
  int fired = 0;
  std::unique_ptr<balancer::Timer> timer;
  timer = runtime.createTimer([&] {
    if (++fired < 3) timer->enable(1ms);
  });
  timer->enable(1ms);
  io.run_for(5s);
  EXPECT_EQ(fired, 3);
}

TEST(LiveRuntime, TheSameSeedGivesTheSameDrawsAndUsesHaveStreamsOfTheirOwn) {
  boost::asio::io_context io;
  LiveRuntime a(io, 42);
  LiveRuntime b(io, 42);
  LiveRuntime other(io, 43);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t draw = a.random();
    EXPECT_EQ(draw, b.random());
    seen.insert(draw);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_NE(a.random(), other.random());
  // Health-check draws do not move the picks' stream.
  LiveRuntime c(io, 7);
  LiveRuntime d(io, 7);
  for (int i = 0; i < 10; ++i)
    c.randomFor(balancer::RandomUse::kHealthChecks);
  EXPECT_EQ(c.random(), d.random());
}

// At time scale 20, a 400 ms scenario timer takes 20 ms of real time, and the clock says 400 ms.
TEST(LiveRuntime, AScaledClockRunsFasterAndItsTimersWaitTheShrunkTime) {
  boost::asio::io_context io;
  const auto epoch = std::chrono::steady_clock::now();
  LiveRuntime runtime(io, 1, TimeScale(20), epoch);
  balancer::TimePoint fired_at{};
  auto timer = runtime.createTimer([&] { fired_at = runtime.now(); });
  timer->enable(400ms);
  io.run_for(5s);
  const auto real = std::chrono::steady_clock::now() - epoch;
  EXPECT_GE(fired_at - balancer::kRunStart, 400ms);  // never early in scenario time
  EXPECT_LT(real, 5s);
  EXPECT_GE(real, 20ms);
  EXPECT_EQ(TimeScale(20).toReal(1s), 50ms);
  EXPECT_EQ(TimeScale(20).toScenario(50ms), 1s);
  EXPECT_EQ(TimeScale(-3).factor(), 1);  // nonsense is no scale
}

TEST(LiveRuntime, TimeStartsAtTheRunStartAndMovesForward) {
  boost::asio::io_context io;
  LiveRuntime runtime(io, 1);
  const auto first = runtime.now();
  EXPECT_GE(first, balancer::kRunStart);
  EXPECT_LT(first - balancer::kRunStart, 1s);
  EXPECT_GE(runtime.now(), first);
}

}  // namespace
}  // namespace faultline::live
