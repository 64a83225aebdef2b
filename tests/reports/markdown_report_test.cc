// Markdown reports of a simulated built-in run and of a comparison: the sections are there and
// the numbers in them are those of the results.
#include "reports/markdown_report.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "engine/sim/simulation.h"
#include "reports/comparison.h"
#include "reports/summary_table.h"
#include "tests/support/builtin_runs.h"

namespace faultline::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

results::RunResult regionOutage() {
  return faultline::testing::simulateBuiltIn("region-outage", std::chrono::seconds(150));
}

TEST(MarkdownReport, ARunLeadsWithItsVerdictAndCarriesTheResultsNumbers) {
  const results::RunResult result = regionOutage();
  const std::string md = markdownReport(result);
  const auto& s = result.summary();
  EXPECT_THAT(md, HasSubstr("# region-outage: least-request, seed 1\n"));
  EXPECT_THAT(md, HasSubstr("**Verdict: SLO missed.**"));
  EXPECT_THAT(md, HasSubstr(withThousands(s.requests_failed()) + " requests failed in all."));
  EXPECT_THAT(md, HasSubstr("| all | " + withThousands(s.requests_total()) + " | " +
                            withThousands(s.requests_ok()) + " | "));
  const auto& fault = s.faults(0);
  EXPECT_THAT(md, HasSubstr("| us-east dark | region_outage | 120 s | 150 s | "));
  EXPECT_THAT(
      md, HasSubstr(fmt::format("| +{:.1f} s | +{:.1f} s | +{:.1f} s | {} |",
                                fault.time_to_detect_s(), fault.time_to_fail_over_s(),
                                fault.time_to_recover_s(), withThousands(fault.requests_lost()))));
  EXPECT_THAT(md, HasSubstr(fmt::format("| ${:.2f} |", s.cost().total_usd())));
  EXPECT_THAT(md, HasSubstr("Worst minute: "));
}

TEST(MarkdownReport, TheScenarioSummaryLetsTheReportStandAlone) {
  const std::string md = markdownReport(regionOutage());
  EXPECT_THAT(md, HasSubstr("| us-east | a, b, c | api: 20 x 8 workers, queue 64, 10 ms | 6000 rps "
                            "| us-west, eu-west |\n"));
  EXPECT_THAT(md, HasSubstr("| us-east dark | region_outage | 120 s | 150 s | 20 hosts "
                            "(us-east/api-1, ...) |\n"));
}

TEST(MarkdownReport, ScenarioTextCannotBecomeMarkupAViewerActsOn) {
  EXPECT_EQ(markdownCell("<img src=http://evil/x.png>"), "\\<img src=http://evil/x.png\\>");
  EXPECT_EQ(markdownCell("see [this](http://evil) or ![pic][ref]"),
            "see [this]\\(http://evil) or ![pic]\\[ref]");
  EXPECT_EQ(markdownLine("[ref]: http://evil"), "\\[ref]: http://evil");
  EXPECT_EQ(markdownCell("[1, 2]"), "[1, 2]");
  EXPECT_EQ(markdownCell("`code` a\\b"), "\\`code\\` a\\\\b");
  // Our own intervals and percentages read as they did.
  EXPECT_EQ(markdownCell("99.0000% [92.6469%, 105.3531%]"), "99.0000% [92.6469%, 105.3531%]");
}

TEST(MarkdownReport, TableCellsCannotBeBrokenByScenarioText) {
  results::RunResult result;
  result.mutable_run()->set_scenario("a|b");
  result.mutable_run()->set_strategy("x");
  result.mutable_topology()->add_regions()->set_name("r|1\nnext");
  const std::string md = markdownReport(result);
  EXPECT_THAT(md, HasSubstr("# a\\|b: x, seed 0"));
  EXPECT_THAT(md, HasSubstr("| r\\|1 next | - | - | 0 rps | - |"));
}

RunMetrics run(double availability, double lost) {
  RunMetrics metrics;
  metrics.values[static_cast<std::size_t>(Metric::kAvailability)] = availability;
  metrics.values[static_cast<std::size_t>(Metric::kRequestsLost)] = lost;
  return metrics;
}

TEST(MarkdownReport, AComparisonRanksExplainsAndTabulatesTheDifferences) {
  ComparisonInput input;
  input.scenario = std::string("outage");
  input.duration_s = 300;
  input.seeds = {1, 2};
  input.strategies = {"round-robin", "maglev"};
  input.runs = {{run(0.99, 12'000), run(0.98, 14'000)}, {run(0.995, 11'000), run(0.985, 13'000)}};
  const std::string md = markdownReport(compare(std::move(input)));
  EXPECT_THAT(md, HasSubstr("# Comparison: outage\n"));
  EXPECT_THAT(md, HasSubstr("2 strategies x 2 seeds (1 to 2), 300 s simulated each"));
  EXPECT_THAT(md, HasSubstr("| 1 | maglev | 99.0000% [92.6469%, 105.3531%] | 12,000 ["));
  EXPECT_THAT(md, HasSubstr("| 2 | round-robin |"));
  EXPECT_THAT(
      md,
      HasSubstr(
          "- maglev lost 1,000 requests fewer than round-robin: 7.7% fewer (95% CI 7.7% to 7.7%)"));
  EXPECT_THAT(md, HasSubstr("| maglev | requests_lost | -1,000 | [-1,000, -1,000] | yes |"));
  EXPECT_THAT(md, HasSubstr("| maglev | p99_ms | +0.000 | [+0.000, +0.000] | no |"));
  EXPECT_THAT(md, Not(HasSubstr("maglev had a p99 latency")));
}

}  // namespace
}  // namespace faultline::reports
