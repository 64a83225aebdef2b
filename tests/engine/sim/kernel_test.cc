#include "engine/sim/kernel.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "engine/sim/event_queue.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;

TimePoint at(Duration d) {
  return TimePoint{} + d;
}

TEST(EventQueue, OrdersByTimeThenBySchedulingOrder) {
  EventQueue queue;
  queue.push(at(5ns), Priority::kNormal, 1, 0, 0);
  queue.push(at(3ns), Priority::kNormal, 2, 1, 0);
  queue.push(at(5ns), Priority::kNormal, 3, 2, 0);
  queue.push(at(3ns), Priority::kNormal, 4, 3, 0);
  std::vector<std::uint32_t> order;
  while (!queue.empty()) {
    order.push_back(queue.top().a);
    queue.pop();
  }
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 3, 0, 2}));
}

TEST(EventQueue, BoundariesRunFirstAtTheSameInstant) {
  EventQueue queue;
  queue.push(at(5ns), Priority::kNormal, 1, 0, 0);
  queue.push(at(5ns), Priority::kBoundary, 1, 1, 0);
  queue.push(at(4ns), Priority::kNormal, 1, 2, 0);
  queue.push(at(5ns), Priority::kBoundary, 1, 3, 0);
  std::vector<std::uint32_t> order;
  while (!queue.empty()) {
    order.push_back(queue.top().a);
    queue.pop();
  }
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 1, 3, 0}));
}

TEST(EventQueue, MatchesASortOnRandomInput) {
  std::mt19937_64 rng(7);
  EventQueue queue;
  std::vector<std::pair<std::int64_t, std::uint32_t>> expected;
  for (std::uint32_t i = 0; i < 20'000; ++i) {
    const auto t = static_cast<std::int64_t>(rng() % 1000);  // many ties
    queue.push(at(Duration(t)), Priority::kNormal, 1, i, 0);
    expected.emplace_back(t, i);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](auto& x, auto& y) { return x.first < y.first; });
  for (const auto& [t, i] : expected) {
    ASSERT_EQ(queue.top().time, at(Duration(t)));
    ASSERT_EQ(queue.top().a, i);
    queue.pop();
  }
  EXPECT_TRUE(queue.empty());
}

TEST(EventQueue, KeepsKindAndOperands) {
  EventQueue queue;
  queue.push(at(1ns), Priority::kNormal, 200, 0xdeadbeef, 42);
  EXPECT_EQ(queue.top().kind(), 200);
  EXPECT_EQ(queue.top().a, 0xdeadbeefu);
  EXPECT_EQ(queue.top().b, 42u);
}

TEST(Kernel, TimeJumpsToEachEvent) {
  Kernel kernel;
  kernel.schedule(at(10ms), 1, 0, 0);
  kernel.scheduleIn(3ms, 1, 1, 0);
  Event event;
  ASSERT_TRUE(kernel.next(at(1s), event));
  EXPECT_EQ(event.a, 1u);
  EXPECT_EQ(kernel.now(), at(3ms));
  ASSERT_TRUE(kernel.next(at(1s), event));
  EXPECT_EQ(kernel.now(), at(10ms));
  EXPECT_FALSE(kernel.next(at(1s), event));
}

TEST(Kernel, StopsAtTheHorizonWithoutTakingLaterEvents) {
  Kernel kernel;
  kernel.schedule(at(2s), 1, 0, 0);
  Event event;
  EXPECT_FALSE(kernel.next(at(1s), event));
  EXPECT_EQ(kernel.pendingEvents(), 1u);
  EXPECT_TRUE(kernel.next(at(2s), event));
}

TEST(Kernel, FiresTimersInOrderWithModelEvents) {
  Kernel kernel;
  std::vector<std::string> log;
  auto timer = kernel.createTimer(
      [&] { log.push_back("timer@" + std::to_string(kernel.now().time_since_epoch().count())); });
  timer->enable(5ns);
  kernel.schedule(at(3ns), 1, 0, 0);
  kernel.schedule(at(7ns), 1, 0, 0);
  Event event;
  while (kernel.next(at(1s), event)) {
    log.push_back("event@" + std::to_string(kernel.now().time_since_epoch().count()));
  }
  EXPECT_EQ(log, (std::vector<std::string>{"event@3", "timer@5", "event@7"}));
  EXPECT_FALSE(timer->enabled());
}

TEST(Kernel, ADisabledTimerDoesNotFire) {
  Kernel kernel;
  int fired = 0;
  auto timer = kernel.createTimer([&] { ++fired; });
  timer->enable(5ns);
  timer->disable();
  Event event;
  EXPECT_FALSE(kernel.next(at(1s), event));
  EXPECT_EQ(fired, 0);
}

TEST(Kernel, ReArmingMovesTheDeadlineEitherWay) {
  Kernel kernel;
  std::vector<std::int64_t> fired_at;
  auto timer =
      kernel.createTimer([&] { fired_at.push_back(kernel.now().time_since_epoch().count()); });
  timer->enable(10ns);
  timer->enable(20ns);  // later: the queued entry is reused and re-queued when it comes up
  Event event;
  kernel.next(at(1s), event);
  timer->enable(10ns);  // from now = 20
  timer->enable(5ns);   // earlier: a fresh entry; the old one is stale
  kernel.next(at(1s), event);
  EXPECT_EQ(fired_at, (std::vector<std::int64_t>{20, 25}));
}

TEST(Kernel, PushingATimerBackRepeatedlyDoesNotFillTheQueue) {
  Kernel kernel;
  int fired = 0;
  auto timer = kernel.createTimer([&] { ++fired; });
  for (int i = 0; i < 10'000; ++i)
    timer->enable(Duration(1'000 + i));
  EXPECT_LE(kernel.pendingEvents(), 1u);
  Event event;
  kernel.next(at(1s), event);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(kernel.now(), at(Duration(1'000 + 9'999)));
}

TEST(Kernel, ATimerMayReArmItselfFromItsCallback) {
  Kernel kernel;
  int fired = 0;
  std::unique_ptr<balancer::Timer> timer;
  timer = kernel.createTimer([&] {
    if (++fired < 3) timer->enable(1ms);
  });
  timer->enable(1ms);
  Event event;
  kernel.next(at(1s), event);
  EXPECT_EQ(fired, 3);
  EXPECT_EQ(kernel.now(), at(3ms));
}

TEST(Kernel, ATimerMayBeDestroyedFromItsOwnCallbackAndItsSlotReused) {
  Kernel kernel;
  std::unique_ptr<balancer::Timer> timer;
  std::unique_ptr<balancer::Timer> replacement;
  int replacement_fired = 0;
  timer = kernel.createTimer([&] {
    timer.reset();
    replacement = kernel.createTimer([&] { ++replacement_fired; });
    replacement->enable(1ms);
  });
  timer->enable(1ms);
  Event event;
  kernel.next(at(1s), event);
  EXPECT_EQ(replacement_fired, 1);
}

TEST(Kernel, ADestroyedTimersStaleEntryNeverFiresTheSlotsNextOwner) {
  Kernel kernel;
  int first = 0;
  int second = 0;
  auto timer = kernel.createTimer([&] { ++first; });
  timer->enable(1ms);
  timer.reset();
  auto next = kernel.createTimer([&] { ++second; });  // reuses the slot
  next->enable(2ms);
  Event event;
  kernel.next(at(1s), event);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(kernel.now(), at(2ms));
}

TEST(Kernel, IndependentKernelsRunOnSeveralThreads) {
  auto run = [](std::uint32_t seed, std::uint64_t* checksum) {
    Kernel kernel;
    std::mt19937 rng(seed);
    for (std::uint32_t i = 0; i < 1000; ++i)
      kernel.schedule(at(Duration(rng() % 10'000)), 1, i, 0);
    Event event;
    std::uint64_t sum = 0;
    while (kernel.next(at(1s), event))
      sum = sum * 31 + event.a;
    *checksum = sum;
  };
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint64_t alone = 0;
  std::thread t1(run, 1, &a);
  std::thread t2(run, 1, &b);
  t1.join();
  t2.join();
  run(1, &alone);
  EXPECT_EQ(a, alone);
  EXPECT_EQ(b, alone);
}

}  // namespace
}  // namespace faultline::sim
