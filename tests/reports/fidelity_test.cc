// The side-by-side of a simulated and a live run (reports/fidelity.cc): its rows, and the two
// tolerances held just inside their edges and missed just outside.
#include "reports/fidelity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::reports {
namespace {

using ::testing::HasSubstr;

results::RunResult runWith(double availability, double p50_ms) {
  results::RunResult run;
  run.mutable_run()->set_scenario("s");
  run.mutable_run()->set_strategy("p2c");
  auto& summary = *run.mutable_summary();
  summary.set_requests_total(10'000);
  summary.set_availability(availability);
  summary.set_requests_failed(static_cast<std::int64_t>(10'000 * (1 - availability) + 0.5));
  summary.mutable_latency_ms()->set_p50(p50_ms);
  summary.mutable_latency_ms()->set_p99(p50_ms * 4);
  summary.mutable_queue_wait_ms()->set_p99(2);
  auto& fault = *summary.add_faults();
  fault.set_name("dark");
  fault.set_detected(true);
  fault.set_time_to_detect_s(7.1);
  return run;
}

const FidelityRow& row(const Fidelity& fidelity, const std::string& figure) {
  for (const auto& r : fidelity.rows) {
    if (r.figure == figure) return r;
  }
  ADD_FAILURE() << "no row " << figure;
  static const FidelityRow none;
  return none;
}

TEST(Fidelity, WithinBothTolerancesItHolds) {
  const Fidelity fidelity = compareFidelity(runWith(0.99, 10), runWith(0.9801, 10.99));
  EXPECT_TRUE(fidelity.held());
  EXPECT_EQ(row(fidelity, "success rate").difference, "-0.99 pp");
  EXPECT_EQ(row(fidelity, "latency p50").difference, "+9.9%");
  EXPECT_TRUE(compareFidelity(runWith(0.99, 10), runWith(0.99, 9.01)).held());
  EXPECT_EQ(row(fidelity, "queue wait p99").sim, "2.00 ms");
  EXPECT_EQ(row(fidelity, "\"dark\" detected after").live, "7.1 s");
  EXPECT_EQ(row(fidelity, "\"dark\" detected after").difference, "+0.0 s");
}

TEST(Fidelity, ASuccessRateOffByMoreThanAPointOrAMedianOffByMoreThanTenPercentMisses) {
  const Fidelity success = compareFidelity(runWith(0.99, 10), runWith(0.9799, 10));
  EXPECT_FALSE(success.held());
  EXPECT_EQ(row(success, "success rate").difference, "-1.01 pp");
  EXPECT_FALSE(compareFidelity(runWith(0.99, 10), runWith(0.99, 11.01)).held());
  const Fidelity median = compareFidelity(runWith(0.99, 10), runWith(0.99, 8.99));
  EXPECT_FALSE(median.held());
  const std::string text = renderFidelity(runWith(0.99, 10), runWith(0.99, 8.99), median);
  EXPECT_THAT(text, HasSubstr("median latency within 10%: MISSED"));
  EXPECT_THAT(text, HasSubstr("success rate within 1 percentage point: held"));
}

TEST(Fidelity, AMedianOfZeroCannotBeHeld) {
  EXPECT_FALSE(compareFidelity(runWith(1, 0), runWith(1, 0)).held());
}

}  // namespace
}  // namespace faultline::reports
