// Tests of the parts faults are made of: their steps and strength over time, the delays they
// add, and the arrival rate surges give.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "engine/sim/arrival_process.h"
#include "engine/sim/fault_delay.h"
#include "engine/sim/fault_spec.h"
#include "engine/sim/rate_schedule.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;

constexpr TimePoint at(Duration d) {
  return TimePoint{} + d;
}

FaultSpec fault(FaultKind kind, Duration start, Duration end, Duration up, Duration down) {
  FaultSpec spec;
  spec.kind = kind;
  spec.start = at(start);
  spec.end = at(end);
  spec.ramp_up = up;
  spec.ramp_down = down;
  return spec;
}

TEST(FaultSteps, WithoutARampAFaultStrikesEveryHostAtItsStartAndFreesThemAtItsEnd) {
  const auto steps = faultSteps(fault(FaultKind::kHostCrash, 10s, 20s, 0s, 0s), 3);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].at, at(10s));
  EXPECT_EQ(steps[0].first_struck, 0u);
  EXPECT_EQ(steps[0].end_struck, 3u);
  EXPECT_EQ(steps[1].at, at(20s));
  EXPECT_EQ(steps[1].first_struck, steps[1].end_struck);
}

TEST(FaultSteps, ARampStrikesHostsOneByOneAndFreesThemInTheSameOrder) {
  const auto steps = faultSteps(fault(FaultKind::kHostPause, 10s, 40s, 10s, 4s), 3);
  ASSERT_EQ(steps.size(), 6u);
  const std::vector<TimePoint> times{at(10s), at(15s), at(20s), at(36s), at(38s), at(40s)};
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> struck{{0, 1}, {0, 2}, {0, 3},
                                                                    {1, 3}, {2, 3}, {3, 3}};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].at, times[i]) << i;
    EXPECT_EQ(steps[i].first_struck, struck[i].first) << i;
    EXPECT_EQ(steps[i].end_struck, struck[i].second) << i;
  }
}

TEST(FaultSteps, ARampUpAloneFreesEveryHostAtTheEnd) {
  const auto steps = faultSteps(fault(FaultKind::kZoneOutage, 0s, 10s, 2s, 0s), 3);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[2].at, at(2s));
  EXPECT_EQ(steps[2].end_struck, 3u);
  EXPECT_EQ(steps[3].at, at(10s));
  EXPECT_EQ(steps[3].first_struck, 3u);
}

TEST(FaultSteps, AFaultWithAStrengthRampsItsStrengthNotItsHosts) {
  const auto spec = fault(FaultKind::kLatency, 10s, 30s, 10s, 5s);
  EXPECT_EQ(faultSteps(spec, 4).size(), 2u);
  EXPECT_DOUBLE_EQ(spec.intensityAt(at(10s)), 0.0);
  EXPECT_DOUBLE_EQ(spec.intensityAt(at(12500ms)), 0.25);
  EXPECT_DOUBLE_EQ(spec.intensityAt(at(20s)), 1.0);
  EXPECT_DOUBLE_EQ(spec.intensityAt(at(25s)), 1.0);
  EXPECT_DOUBLE_EQ(spec.intensityAt(at(29s)), 0.2);
}

// Midpoint sums over a fine grid of uniforms: the moments of the quantile function itself, with
// no sampling noise. The Pareto's variance converges slowly (its tail beyond the grid's last
// point holds a few per cent of it), hence the looser bound.
template <typename Quantile>
std::pair<double, double> gridMoments(Quantile quantile, int points) {
  double sum = 0;
  double squares = 0;
  for (int i = 0; i < points; ++i) {
    const double z = quantile((i + 0.5) / points);
    sum += z;
    squares += z * z;
  }
  const double mean = sum / points;
  return {mean, squares / points - mean * mean};
}

TEST(AddedDelay, TheStandardShapesHaveMeanZeroAndUnitVariance) {
  const auto [normal_mean, normal_variance] = gridMoments(standardNormal, 1'000'000);
  EXPECT_NEAR(normal_mean, 0.0, 1e-9);
  EXPECT_NEAR(normal_variance, 1.0, 1e-3);
  const auto [pareto_mean, pareto_variance] = gridMoments(standardPareto, 1'000'000);
  EXPECT_NEAR(pareto_mean, 0.0, 0.01);
  EXPECT_NEAR(pareto_variance, 1.0, 0.05);
  EXPECT_NEAR(standardPareto(1 - 1e-12), -1 / std::sqrt(3.0), 1e-6);  // its lower bound
}

TEST(AddedDelay, UniformJitterSpansPlusMinusItsJitter) {
  const AddedDelay delay{100ms, 20ms, JitterDistribution::kUniform};
  EXPECT_EQ(delay.sample(1.0, 0.5, 0.5), 100ms);
  EXPECT_NEAR(static_cast<double>(delay.sample(1.0, 1e-9, 0.5).count()), 80e6, 1e3);
  EXPECT_NEAR(static_cast<double>(delay.sample(1.0, 1 - 1e-9, 0.5).count()), 120e6, 1e3);
  EXPECT_EQ(delay.sample(0.5, 0.5, 0.5), 50ms);  // half strength halves latency and jitter
}

TEST(AddedDelay, NormalJitterIsItsStandardDeviationAndNeverGoesBelowZero) {
  const AddedDelay delay{100ms, 30ms, JitterDistribution::kNormal};
  // The 84.13th percentile of a normal is one standard deviation above the mean.
  EXPECT_NEAR(static_cast<double>(delay.sample(1.0, 0.841345, 0.5).count()), 130e6, 1e4);
  const AddedDelay wide{10ms, 100ms, JitterDistribution::kNormal};
  EXPECT_EQ(wide.sample(1.0, 0.01, 0.5), Duration::zero());
}

TEST(AddedDelay, ParetoNormalMixesAQuarterOfParetoWithThreeQuartersOfNormal) {
  const AddedDelay delay{100ms, 10ms, JitterDistribution::kParetoNormal};
  const double z = 0.25 * standardPareto(0.3) + 0.75 * standardNormal(0.7);
  EXPECT_NEAR(static_cast<double>(delay.sample(1.0, 0.3, 0.7).count()), 100e6 + 10e6 * z, 1.0);
}

TEST(RateSchedule, WithoutSurgesTheRateIsTheBaseRate) {
  const auto schedule = rateSchedule({{TimePoint{}, 100, 0}}, 0, {}, at(60s));
  ASSERT_EQ(schedule.size(), 1u);
  EXPECT_EQ(schedule[0].rate_per_s, 100);
  EXPECT_EQ(schedule[0].slope_per_s2, 0);
}

TEST(RateSchedule, ARampedSurgeRisesAndFallsLinearly) {
  auto surge = fault(FaultKind::kTrafficSurge, 10s, 40s, 10s, 10s);
  surge.multiplier = 3;
  const auto schedule = rateSchedule({{TimePoint{}, 100, 0}}, 0, {surge}, at(60s));
  // Knots every second along the ramps; each segment a chord of the exact line.
  auto rateAt = [&](TimePoint t) {
    std::size_t k = 0;
    while (k + 1 < schedule.size() && schedule[k + 1].start <= t)
      ++k;
    const double seconds = std::chrono::duration<double>(t - schedule[k].start).count();
    return schedule[k].rate_per_s + schedule[k].slope_per_s2 * seconds;
  };
  EXPECT_DOUBLE_EQ(rateAt(at(5s)), 100);
  EXPECT_NEAR(rateAt(at(15500ms)), 100 * (1 + 2 * 0.55), 1e-9);
  EXPECT_DOUBLE_EQ(rateAt(at(25s)), 300);
  EXPECT_NEAR(rateAt(at(35s)), 200, 1e-9);
  EXPECT_DOUBLE_EQ(rateAt(at(50s)), 100);
}

TEST(RateSchedule, ASurgeOnAnotherRegionLeavesThisOneAlone) {
  auto surge = fault(FaultKind::kTrafficSurge, 10s, 40s, 0s, 0s);
  surge.multiplier = 3;
  surge.region = 1;
  const auto schedule = rateSchedule({{TimePoint{}, 100, 0}}, 0, {surge}, at(60s));
  for (const auto& segment : schedule)
    EXPECT_EQ(segment.rate_per_s, 100);
}

std::vector<TimePoint> allArrivals(ArrivalProcess& process) {
  std::vector<TimePoint> times;
  while (auto t = process.next())
    times.push_back(*t);
  return times;
}

// A rate rising linearly from 0 by 100/s each second accumulates L(t) = 50 t^2 arrivals: the
// ramp's arrival k is the unit-rate process's arrival k, S_k, moved to sqrt(S_k / 50).
TEST(ArrivalProcess, ARampIsATimeChangeOfTheSameUnderlyingProcess) {
  auto unit = ArrivalProcess({{TimePoint{}, 1.0, 0.0}}, RandomStream(4, Component::kArrivals, 0),
                             at(5000s));
  auto ramp = ArrivalProcess({{TimePoint{}, 0.0, 100.0}}, RandomStream(4, Component::kArrivals, 0),
                             at(10s));
  const auto s = allArrivals(unit);
  const auto r = allArrivals(ramp);
  ASSERT_GT(r.size(), 4000u);
  for (std::size_t k = 0; k < r.size(); ++k) {
    const double unit_s = std::chrono::duration<double>(s[k].time_since_epoch()).count();
    const double expected_ns = std::sqrt(unit_s / 50) * 1e9;
    ASSERT_NEAR(static_cast<double>(r[k].time_since_epoch().count()), expected_ns,
                2.0 + expected_ns * 1e-12)
        << k;
  }
}

}  // namespace
}  // namespace faultline::sim
