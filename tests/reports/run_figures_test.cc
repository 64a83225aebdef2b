// The report's headline figures on hand-built results whose answers are worked out here.
#include "reports/run_figures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace faultline::reports {
namespace {

// 120 one-second windows of 1,000 requests; `failed(second)` of each failed. SLO 99.9%.
template <typename Failed>
results::RunResult run(Failed failed, double duration_s = 120) {
  results::RunResult result;
  result.mutable_run()->set_duration_s(duration_s);
  result.mutable_run()->set_window_s(1);
  std::int64_t requests = 0;
  std::int64_t ok = 0;
  for (int s = 0; s < static_cast<int>(duration_s) + 1; ++s) {  // and one drain window
    auto* w = result.add_windows();
    w->set_start_s(s);
    w->set_end_s(s + 1);
    const std::int64_t n = s < duration_s ? 1000 : 3;
    w->set_requests(n);
    w->set_ok(n - (s < duration_s ? failed(s) : 3));  // the drain's stragglers all fail
    requests += w->requests();
    ok += w->ok();
  }
  auto* summary = result.mutable_summary();
  summary->set_requests_total(requests);
  summary->set_requests_ok(ok);
  summary->set_availability(static_cast<double>(ok) / static_cast<double>(requests));
  summary->mutable_slo()->set_availability_target(0.999);
  return result;
}

TEST(RunFigures, BurnRateIsTheErrorRateOverTheBudget) {
  EXPECT_DOUBLE_EQ(burnRate(0.999, 0.999), 1.0);
  EXPECT_NEAR(burnRate(0.99, 0.999), 10.0, 1e-9);  // 1% errors against a 0.1% budget
  EXPECT_DOUBLE_EQ(burnRate(1.0, 0.999), 0.0);
  EXPECT_EQ(burnRate(0.5, 1.0), std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(burnRate(1.0, 1.0), 0.0);
}

TEST(RunFigures, DowntimeMinutesAndAttainmentComeFromTheViolatingWindows) {
  auto result = run([](int) { return 0; });
  result.mutable_summary()->mutable_slo()->set_windows(120);
  result.mutable_summary()->mutable_slo()->set_windows_violating(30);  // 30 one-second windows
  const RunFigures figures = runFigures(result);
  EXPECT_DOUBLE_EQ(figures.downtime_minutes, 0.5);
  EXPECT_DOUBLE_EQ(figures.slo_attainment, 0.75);
}

TEST(RunFigures, TheWorstMinuteIsTheLeastAvailableSpanOfSixtySeconds) {
  // Failures 100 a second from 70 s to 79 s and 50 a second from 20 s to 24 s. Any 60 s span
  // holding all of 70-79 fails 1,000 of 60,000; the earliest such span is 20-80 s, which also
  // holds 20-24: 1,250 of 60,000.
  const RunFigures figures = runFigures(run([](int s) -> std::int64_t {
    if (s >= 70 && s < 80) return 100;
    if (s >= 20 && s < 25) return 50;
    return 0;
  }));
  ASSERT_TRUE(figures.worst_minute);
  EXPECT_DOUBLE_EQ(figures.worst_minute->start_s, 20);
  EXPECT_DOUBLE_EQ(figures.worst_minute->end_s, 80);
  EXPECT_EQ(figures.worst_minute->requests, 60'000);
  EXPECT_EQ(figures.worst_minute->failed, 1'250);
  EXPECT_DOUBLE_EQ(figures.worst_minute->availability, 1.0 - 1'250.0 / 60'000.0);
}

TEST(RunFigures, ARunShorterThanAMinuteIsItsOwnWorstMinuteAndTheDrainIsLeftOut) {
  const RunFigures figures = runFigures(run([](int s) { return s == 3 ? 10 : 0; }, 10));
  ASSERT_TRUE(figures.worst_minute);
  EXPECT_DOUBLE_EQ(figures.worst_minute->start_s, 0);
  EXPECT_DOUBLE_EQ(figures.worst_minute->end_s, 10);
  EXPECT_EQ(figures.worst_minute->failed, 10);  // not the drain window's 3
}

TEST(RunFigures, CrossRegionShareAndNoWindows) {
  results::RunResult result;
  result.mutable_summary()->set_requests_total(400);
  result.mutable_summary()->set_cross_region_requests(100);
  result.mutable_summary()->set_availability(1);
  const RunFigures figures = runFigures(result);
  EXPECT_DOUBLE_EQ(figures.cross_region_share, 0.25);
  EXPECT_FALSE(figures.worst_minute);
  EXPECT_DOUBLE_EQ(figures.slo_attainment, 1.0);
}

}  // namespace
}  // namespace faultline::reports
