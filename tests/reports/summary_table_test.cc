#include "reports/summary_table.h"

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/reports/reports_test_support.h"

namespace faultline::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::quietResult;
using testing::sampleResult;
using ::testing::StartsWith;

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// The line that starts with `prefix`, or "" when there is none.
std::string lineStartingWith(const std::string& text, const std::string& prefix) {
  for (const auto& line : linesOf(text)) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

TEST(ReportsThousandsTest, GroupsDigitsInThrees) {
  EXPECT_EQ(withThousands(0), "0");
  EXPECT_EQ(withThousands(7), "7");
  EXPECT_EQ(withThousands(999), "999");
  EXPECT_EQ(withThousands(1000), "1,000");
  EXPECT_EQ(withThousands(100000), "100,000");
  EXPECT_EQ(withThousands(999999), "999,999");
  EXPECT_EQ(withThousands(1234567), "1,234,567");
  EXPECT_EQ(withThousands(-1), "-1");
  EXPECT_EQ(withThousands(-999), "-999");
  EXPECT_EQ(withThousands(-1000), "-1,000");
  EXPECT_EQ(withThousands(-1234567), "-1,234,567");
  EXPECT_EQ(withThousands(std::numeric_limits<std::int64_t>::max()), "9,223,372,036,854,775,807");
  EXPECT_EQ(withThousands(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(ReportsSummaryTest, HeaderNamesTheRun) {
  const auto lines = linesOf(renderSummary(sampleResult()));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "sample: a hand-built result");
  EXPECT_EQ(lines[1],
            "strategy least-request · seed 42 · 600 s simulated, drained at 600.123 s · "
            "warm-up 30 s left out");
  EXPECT_EQ(lines[2], "");
}

TEST(ReportsSummaryTest, TableShowsRequestsAvailabilityAndLatency) {
  const std::string text = renderSummary(sampleResult());
  EXPECT_EQ(lineStartingWith(text, "  clients"),
            "  clients          requests           ok     failed availability      p50      p90"
            "      p99    p99.9    max ms");
  // Thousands separators, failed = requests - ok, availability as a percentage with 4 decimals,
  // latency with 2.
  EXPECT_EQ(lineStartingWith(text, "  all "),
            "  all             1,234,567    1,233,024      1,543     99.8750%     8.50    20.25"
            "    99.12   250.50   1234.50");
  EXPECT_EQ(lineStartingWith(text, "  us-east "),
            "  us-east           800,000      798,500      1,500     99.8125%     8.00    20.00"
            "    90.00   200.00   1000.00");
  EXPECT_EQ(lineStartingWith(text, "  us-west "),
            "  us-west           434,567      434,524         43     99.9900%     8.00    20.00"
            "    90.00   200.00   1000.00");
  // A region whose clients sent nothing gets no row.
  EXPECT_EQ(lineStartingWith(text, "  eu-west"), "");
  EXPECT_EQ(lineStartingWith(text, "  mean latency"),
            "  mean latency 12.346 ms · mean queue wait 0.750 ms");
}

TEST(ReportsSummaryTest, FailuresByCauseListOnlyCausesThatHappened) {
  const std::string text = renderSummary(sampleResult());
  EXPECT_EQ(lineStartingWith(text, "  failed by cause"),
            "  failed by cause   timeout 1,000 · rejected 500 · no_healthy_host 43");
  EXPECT_EQ(lineStartingWith(text, "  cross-region"), "  cross-region      4,321 requests (0.35%)");
}

TEST(ReportsSummaryTest, EveryCauseHasAName) {
  results::RunResult result = quietResult();
  auto& f = *result.mutable_summary()->mutable_failures();
  f.set_timeout(1);
  f.set_rejected(2);
  f.set_backend_error(3);
  f.set_injected_error(4);
  f.set_connection_refused(5);
  f.set_connection_reset(6);
  f.set_no_healthy_host(7);
  f.set_unfinished(1000);
  EXPECT_EQ(lineStartingWith(renderSummary(result), "  failed by cause"),
            "  failed by cause   timeout 1 · rejected 2 · backend_error 3 · injected_error 4 · "
            "connection_refused 5 · connection_reset 6 · no_healthy_host 7 · unfinished 1,000");
}

TEST(ReportsSummaryTest, FaultsShowTheirWindowRequestsAvailabilityAndP99) {
  const std::string text = renderSummary(sampleResult());
  EXPECT_THAT(text, HasSubstr("\n  faults\n"));
  EXPECT_EQ(lineStartingWith(text, "    us-east dark"),
            "    us-east dark             region_outage    120.0 s →   240.0 s      250,000 "
            "requests    99.5000%  p99 150.25 ms");
  // No successful request during the fault: no latency to show.
  EXPECT_EQ(lineStartingWith(text, "    db crash"),
            "    db crash                 host_crash       300.0 s →   300.5 s           12 "
            "requests     0.0000%");
}

TEST(ReportsSummaryTest, FailoversAreListedWithTheirBalancer) {
  const std::string text = renderSummary(sampleResult());
  EXPECT_EQ(lineStartingWith(text, "  balancer events"),
            "  balancer events   3 failovers · 1 host marked down · 1 host marked up");
  EXPECT_THAT(text, HasSubstr("\n      127.694 s  us-east balancer: us-east → us-west\n"
                              "      130.250 s  eu-west balancer: eu-west → (no healthy host)\n"
                              "      242.062 s  us-east balancer: us-west → us-east\n"));
  // Fault and health events are counted, not listed.
  EXPECT_THAT(text, Not(HasSubstr("120.000 s")));
}

TEST(ReportsSummaryTest, FailoverFromNoRegionSaysSo) {
  results::RunResult result = quietResult();
  auto& event = *result.add_events();
  event.set_time_s(3.5);
  event.set_kind(results::Event::FAILOVER);
  event.set_balancer("only");
  event.set_to_region("only");
  EXPECT_THAT(renderSummary(result), HasSubstr("      3.500 s  only balancer: (none) → only\n"));
}

TEST(ReportsSummaryTest, LongListsOfFailoversAreCut) {
  results::RunResult result = quietResult();
  for (int i = 0; i < 15; ++i) {
    auto& event = *result.add_events();
    event.set_time_s(10 + i);
    event.set_kind(results::Event::FAILOVER);
    event.set_balancer("only");
    event.set_from_region(i % 2 == 0 ? "a" : "b");
    event.set_to_region(i % 2 == 0 ? "b" : "a");
  }
  const std::string text = renderSummary(result);
  EXPECT_EQ(lineStartingWith(text, "  balancer events"),
            "  balancer events   15 failovers · 0 hosts marked down · 0 hosts marked up");
  EXPECT_THAT(text, HasSubstr("       21.000 s  only balancer: b → a\n"));  // the 12th
  EXPECT_THAT(text, Not(HasSubstr("22.000 s")));                            // the 13th
  EXPECT_THAT(text, HasSubstr("    ... and 3 more in the results file\n"));
}

TEST(ReportsSummaryTest, MissedSloSaysWhy) {
  EXPECT_EQ(lineStartingWith(renderSummary(sampleResult()), "  SLO"),
            "  SLO availability ≥ 99.9000%, p99 ≤ 250 ms: MISSED (availability 99.8750%) · 121 of "
            "570 windows violated it");
}

TEST(ReportsSummaryTest, MissedLatencyObjectiveIsNamed) {
  results::RunResult result = quietResult();
  auto& slo = *result.mutable_summary()->mutable_slo();
  slo.set_latency_target_ms(10);
  slo.set_latency_percentile(99.9);
  slo.set_latency_met(false);
  slo.set_latency_ms(12.5);
  slo.set_met(false);
  slo.set_windows_violating(1234);
  slo.set_windows(5000);
  EXPECT_EQ(lineStartingWith(renderSummary(result), "  SLO"),
            "  SLO availability ≥ 99.0000%, p99.9 ≤ 10 ms: MISSED (p99.9 12.50 ms) · "
            "1,234 of 5,000 windows violated it");
}

TEST(ReportsSummaryTest, QuietRunReadsInFull) {
  EXPECT_EQ(renderSummary(quietResult()),
            "quiet: nothing happens\n"
            "strategy round-robin · seed 7 · 60 s simulated, drained at 60.004 s\n"
            "\n"
            "  clients          requests           ok     failed availability      p50      p90"
            "      p99    p99.9    max ms\n"
            "  all                   999          999          0    100.0000%     4.00     8.00"
            "    12.00    15.00     16.00\n"
            "  only                  999          999          0    100.0000%     4.00     8.00"
            "    12.00    15.00     16.00\n"
            "  mean latency 5.000 ms · mean queue wait 0.000 ms\n"
            "\n"
            "  failed by cause   none\n"
            "  cross-region      0 requests (0.00%)\n"
            "\n"
            "  SLO availability ≥ 99.0000%: MET · 0 of 61 windows violated it\n"
            "  cost              $0.00 total · $0.00 infrastructure · $0.00 egress (0.00 GB "
            "cross-region, 0.00 GB out) · 0.0 min downtime $0.00\n");
}

TEST(ReportsSummaryTest, NoRequestsShowDashesForLatency) {
  results::RunResult result = quietResult();
  result.mutable_summary()->set_requests_total(0);
  result.mutable_summary()->set_requests_ok(0);
  result.mutable_summary()->mutable_latency_ms()->Clear();
  result.mutable_summary()->clear_regions();
  EXPECT_EQ(lineStartingWith(renderSummary(result), "  all "),
            "  all                     0            0          0    100.0000%        -        -"
            "        -        -         -");
}

TEST(ReportsSummaryTest, IsPlainText) {
  const std::string text = renderSummary(sampleResult());
  EXPECT_EQ(text.find('\033'), std::string::npos);
  EXPECT_EQ(text.find('\t'), std::string::npos);
  EXPECT_THAT(text, StartsWith("sample: "));
  EXPECT_EQ(text.back(), '\n');
}

TEST(ReportsSummaryTest, LongRegionNamesKeepTheColumnsAligned) {
  results::RunResult result = quietResult();
  result.mutable_summary()->mutable_regions(0)->set_region("ap-southeast-1");
  const std::string text = renderSummary(result);
  const std::string header = lineStartingWith(text, "  clients");
  const std::string row = lineStartingWith(text, "  ap-southeast-1");
  EXPECT_EQ(row.size(), header.size());
}

}  // namespace
}  // namespace faultline::reports

namespace faultline::reports {
namespace {

TEST(ReportsSummaryTest, AvailabilityNeverRoundsAFailureAway) {
  results::RunResult result = quietResult();
  auto& summary = *result.mutable_summary();
  summary.set_requests_total(100'000'000);
  summary.set_requests_ok(99'999'999);
  summary.set_requests_failed(1);
  summary.set_availability(0.99999999);
  EXPECT_THAT(lineStartingWith(renderSummary(result), "  all "), HasSubstr(">99.9999%"));
  summary.set_requests_ok(1);
  summary.set_availability(1e-8);
  EXPECT_THAT(lineStartingWith(renderSummary(result), "  all "), HasSubstr("<0.0001%"));
}

TEST(ReportsSummaryTest, CostReadsInDollarsWithThousands) {
  auto result = quietResult();
  auto* cost = result.mutable_summary()->mutable_cost();
  cost->set_total_usd(12345.678);
  cost->set_infrastructure_usd(45.5);
  cost->set_cross_region_usd(0.25);
  cost->set_internet_usd(0.125);
  cost->set_cross_region_gb(12.5);
  cost->set_internet_gb(1.39);
  cost->set_downtime_minutes(2.17);
  cost->set_downtime_usd(12152.0);
  EXPECT_THAT(renderSummary(result),
              ::testing::HasSubstr("  cost              $12,345.68 total · $45.50 infrastructure · "
                                   "$0.38 egress (12.50 GB cross-region, 1.39 GB out) · 2.2 min "
                                   "downtime $12,152.00\n"));
}

TEST(ReportsSummaryTest, FailuresOfCraftedCountsDoNotOverflow) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(failedOf(10, 3), 7);
  EXPECT_EQ(failedOf(kMin, 1), kMin);
  EXPECT_EQ(failedOf(kMax, -1), kMax);
  EXPECT_EQ(failedOf(0, kMin), kMax);
}

}  // namespace
}  // namespace faultline::reports
