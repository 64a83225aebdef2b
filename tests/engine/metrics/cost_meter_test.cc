// Cost arithmetic on cases computed by hand.
#include "engine/metrics/cost_meter.h"

#include <gtest/gtest.h>

#include <chrono>

namespace faultline::metrics {
namespace {

using namespace std::chrono_literals;

CostLayout prices() {
  CostLayout layout;
  layout.hosts_hour_usd = 0.8;      // say 4 hosts at 0.10 and 2 at 0.20
  layout.balancers_hour_usd = 0.1;  // 2 balancers at 0.05
  layout.cross_region_gb_usd = 0.02;
  layout.internet_gb_usd = 0.09;
  layout.downtime_minute_usd = 5600;
  layout.request_bytes = {1024, 2048};
  layout.response_bytes = {1024 * 1024, 4096};
  return layout;
}

TEST(CostMeter, InfrastructureIsPaidByTheHour) {
  const CostMeter meter(prices());
  CostFigures figures;
  meter.addTime(figures, 90min);
  EXPECT_DOUBLE_EQ(meter.report(figures).infrastructure_usd, 0.9 * 1.5);
}

TEST(CostMeter, EgressIsPaidByTheGigabyte) {
  const CostMeter meter(prices());
  CostFigures figures;
  // 1024 successful requests of region 0 served across regions: 1024 x (1 KiB + 1 MiB) crosses,
  // 1 GiB of responses leaves for the internet.
  for (int i = 0; i < 1024; ++i)
    meter.addRequest(figures, 0, true, true);
  // A failed request sends its request across, and no response anywhere.
  meter.addRequest(figures, 1, true, false);
  // A local one sends only its response out.
  meter.addRequest(figures, 1, false, true);
  const auto report = meter.report(figures);
  const double gib = 1024.0 * 1024 * 1024;
  EXPECT_DOUBLE_EQ(report.cross_region_gb, (1024.0 * (1024 + 1024 * 1024) + 2048) / gib);
  EXPECT_DOUBLE_EQ(report.cross_region_usd, report.cross_region_gb * 0.02);
  EXPECT_DOUBLE_EQ(report.internet_gb, 1.0 + 4096 / gib);
  EXPECT_DOUBLE_EQ(report.internet_usd, report.internet_gb * 0.09);
}

TEST(CostMeter, DowntimeIsPaidByTheMinute) {
  const CostMeter meter(prices());
  CostFigures figures;
  meter.addDowntime(figures, 30s);
  meter.addDowntime(figures, 2min);
  const auto report = meter.report(figures);
  EXPECT_DOUBLE_EQ(report.downtime_minutes, 2.5);
  EXPECT_DOUBLE_EQ(report.downtime_usd, 2.5 * 5600);
  EXPECT_DOUBLE_EQ(report.total_usd(), 2.5 * 5600);
}

}  // namespace
}  // namespace faultline::metrics
