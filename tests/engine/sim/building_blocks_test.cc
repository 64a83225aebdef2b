// Tests of the simulator's small parts: random streams, distributions, arrivals, the network,
// and the containers the hot path relies on.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "engine/sim/arrival_process.h"
#include "engine/sim/network.h"
#include "engine/sim/random_streams.h"
#include "engine/sim/ring_queue.h"
#include "engine/sim/service_time.h"
#include "engine/sim/slot_pool.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;

TEST(RandomStreams, ADrawIsAPureFunctionOfKeyAndCounter) {
  const CounterRng a(1, Component::kRequestDemand, 0);
  const CounterRng b(1, Component::kRequestDemand, 0);
  EXPECT_EQ(a.draw(12345), b.draw(12345));
  EXPECT_NE(a.draw(12345), a.draw(12346));
  EXPECT_NE(a.draw(7), CounterRng(2, Component::kRequestDemand, 0).draw(7));
  EXPECT_NE(a.draw(7), CounterRng(1, Component::kArrivals, 0).draw(7));
  EXPECT_NE(a.draw(7), CounterRng(1, Component::kRequestDemand, 1).draw(7));
  EXPECT_NE(a.draw(7, 0), a.draw(7, 1));
}

TEST(RandomStreams, AStreamReplaysTheCounterDraws) {
  RandomStream stream(9, Component::kBalancer, 2);
  const CounterRng rng(9, Component::kBalancer, 2);
  for (std::uint64_t block = 0; block < 3; ++block) {
    for (auto expected : rng.draw(block))
      EXPECT_EQ(stream.next(), expected);
  }
}

TEST(RandomStreams, UniformOpenNeverReachesZeroOrOne) {
  EXPECT_GT(uniformOpen(0), 0.0);
  EXPECT_LT(uniformOpen(~std::uint64_t{0}), 1.0);
  EXPECT_NEAR(uniformOpen(std::uint64_t{1} << 63), 0.5, 1e-15);
}

// Moments from 200,000 quantiles on an even grid: the grid stands in for draws without sampling
// noise, so the tolerance only covers the grid's discretisation of the tail (0.5%).
double gridMean(const ServiceTime& d) {
  const int n = 200'000;
  double sum = 0;
  for (int i = 0; i < n; ++i)
    sum += static_cast<double>(d.sample((i + 0.5) / n).count());
  return sum / n;
}

TEST(ServiceTime, ExponentialHasItsMeanAndMedian) {
  const auto d = ServiceTime::exponential(10ms);
  EXPECT_NEAR(gridMean(d), 10e6, 10e6 * 0.005);
  EXPECT_NEAR(static_cast<double>(d.sample(0.5).count()), 10e6 * std::log(2.0), 1.0);
  EXPECT_EQ(d.mean(), 10ms);
}

TEST(ServiceTime, LogNormalHasTheMeanAndDeviationItWasGiven) {
  const auto d = ServiceTime::logNormal(10ms, 8ms);
  const int n = 200'000;
  double sum = 0;
  double sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(d.sample((i + 0.5) / n).count());
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 10e6, 10e6 * 0.005);
  EXPECT_NEAR(std::sqrt(sum2 / n - mean * mean), 8e6, 8e6 * 0.02);
  // The median of a log-normal is exp(mu) = mean / sqrt(1 + cv^2).
  EXPECT_NEAR(static_cast<double>(d.sample(0.5).count()), 10e6 / std::sqrt(1 + 0.64), 10.0);
}

TEST(ServiceTime, ConstantAndUniform) {
  EXPECT_EQ(ServiceTime::constant(7ms).sample(0.123), 7ms);
  const auto u = ServiceTime::uniform(2ms, 6ms);
  EXPECT_EQ(u.sample(0.5), 4ms);
  EXPECT_EQ(u.mean(), 4ms);
  EXPECT_NEAR(static_cast<double>(u.sample(0.25).count()), 3e6, 1.0);
}

TEST(ServiceTime, AHigherUniformGivesALongerTime) {
  const auto d = ServiceTime::logNormal(5ms, 20ms);
  EXPECT_LT(d.sample(0.1), d.sample(0.2));
  EXPECT_LT(d.sample(0.9), d.sample(0.999999));
}

std::vector<TimePoint> allArrivals(ArrivalProcess& process) {
  std::vector<TimePoint> times;
  while (auto t = process.next())
    times.push_back(*t);
  return times;
}

TEST(ArrivalProcess, APoissonStreamHasTheRateItWasGiven) {
  ArrivalProcess process({{TimePoint{}, 1000.0}}, RandomStream(1, Component::kArrivals, 0),
                         TimePoint{} + 100s);
  const auto times = allArrivals(process);
  // 100,000 expected; Poisson sd 316: 5 sd.
  EXPECT_NEAR(static_cast<double>(times.size()), 100'000, 1'600);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_LT(times.back(), TimePoint{} + 100s);
}

TEST(ArrivalProcess, ASurgeCompressesTheSameUnderlyingProcess) {
  auto plain = ArrivalProcess({{TimePoint{}, 100.0}}, RandomStream(3, Component::kArrivals, 0),
                              TimePoint{} + 10s);
  auto surged = ArrivalProcess({{TimePoint{}, 100.0}, {TimePoint{} + 5s, 200.0}},
                               RandomStream(3, Component::kArrivals, 0), TimePoint{} + 10s);
  const auto a = allArrivals(plain);
  const auto b = allArrivals(surged);
  // Before the surge the two are identical; after it, the surged stream's arrival k is where
  // the plain one had it, compressed twice towards the surge start.
  std::size_t before = 0;
  while (before < a.size() && a[before] < TimePoint{} + 5s) {
    ASSERT_EQ(a[before], b[before]);
    ++before;
  }
  for (std::size_t k = before; k < a.size() && k < b.size(); ++k) {
    const auto expected = 5s + (a[k] - (TimePoint{} + 5s)) / 2;
    ASSERT_NEAR(static_cast<double>(b[k].time_since_epoch().count()),
                static_cast<double>(expected.count()), 1.0);
  }
  EXPECT_GT(b.size(), a.size());
}

TEST(ArrivalProcess, AZeroRateSegmentSendsNothing) {
  auto process =
      ArrivalProcess({{TimePoint{}, 50.0}, {TimePoint{} + 2s, 0.0}, {TimePoint{} + 4s, 50.0}},
                     RandomStream(5, Component::kArrivals, 0), TimePoint{} + 6s);
  for (auto t : allArrivals(process)) {
    EXPECT_FALSE(t >= TimePoint{} + 2s && t < TimePoint{} + 4s);
  }
}

TEST(Network, JitterStaysWithinItsBoundsAndNeverGoesNegative) {
  Network network(2);
  network.setLink(0, 1, 10ms, 2ms);
  network.setLink(1, 0, 1ms, 5ms);
  RandomStream bits(1, Component::kProbes, 0);
  Duration low = 1h;
  Duration high = Duration::zero();
  for (int i = 0; i < 10'000; ++i) {
    const auto d = network.delay(0, 1, bits.next());
    low = std::min(low, d);
    high = std::max(high, d);
    EXPECT_GE(network.delay(1, 0, bits.next()), Duration::zero());
  }
  EXPECT_GE(low, 8ms);
  EXPECT_LE(high, 12ms);
  EXPECT_LT(low, 8100us);  // the whole range is used
  EXPECT_GT(high, 11900us);
  EXPECT_EQ(network.baseDelay(0, 1), 10ms);
}

TEST(RingQueue, IsAFifoThatGrows) {
  RingQueue<int> queue;
  for (int i = 0; i < 100; ++i)
    queue.push(i);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(queue.front(), i);
    queue.pop();
  }
  for (int i = 100; i < 200; ++i)
    queue.push(i);  // wraps around, then grows
  for (int i = 50; i < 200; ++i) {
    ASSERT_EQ(queue.front(), i);
    queue.pop();
  }
  EXPECT_TRUE(queue.empty());
}

TEST(SlotPool, ReusesSlotsAndTellsStaleHandlesApart) {
  SlotPool<int> pool;
  const auto a = pool.acquire();
  pool[a.slot] = 7;
  pool.release(a.slot);
  EXPECT_FALSE(pool.holds(a.slot, a.generation));
  const auto b = pool.acquire();
  EXPECT_EQ(b.slot, a.slot);
  EXPECT_NE(b.generation, a.generation);
  EXPECT_TRUE(pool.holds(b.slot, b.generation));
  EXPECT_EQ(pool.liveCount(), 1u);
  EXPECT_EQ(pool.capacity(), 1u);
}

}  // namespace
}  // namespace faultline::sim
