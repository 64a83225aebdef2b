// What `faultline compare` prints, from a hand-built comparison.
#include "reports/comparison_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/comparison.h"

namespace faultline::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RunMetrics run(double availability, double lost) {
  RunMetrics metrics;
  metrics.values[static_cast<std::size_t>(Metric::kAvailability)] = availability;
  metrics.values[static_cast<std::size_t>(Metric::kRequestsLost)] = lost;
  return metrics;
}

std::string rendered() {
  ComparisonInput input;
  input.scenario = "outage";
  input.description = "a region goes dark";
  input.duration_s = 300;
  input.seeds = {1, 2};
  input.strategies = {"round-robin", "maglev"};
  input.runs = {{run(0.99, 12'000), run(0.98, 14'000)}, {run(0.995, 11'000), run(0.985, 13'000)}};
  input.runs[0][1].unrecovered_faults = 1;
  return renderComparison(compare(std::move(input)));
}

TEST(ComparisonTable, ShowsEachMetricWithItsIntervalAndPairedDifference) {
  const std::string text = rendered();
  EXPECT_THAT(text, HasSubstr("outage: a region goes dark\n"));
  EXPECT_THAT(text, HasSubstr("2 strategies x 2 seeds (1 to 2) · 300 s simulated each"));
  EXPECT_THAT(text, HasSubstr("differences against round-robin, paired by seed"));
  EXPECT_THAT(text, HasSubstr("  availability (higher is better)\n"));
  // 98.5% ± t(0.975, 1) x 0.00707 / sqrt(2) = ± 6.35 pp.
  EXPECT_THAT(text, HasSubstr("    round-robin          98.5000%  [92.1469%, 104.8531%]\n"));
  // Maglev is better by exactly 0.5 pp and 1,000 requests on both seeds.
  EXPECT_THAT(text, HasSubstr("+0.5000 pp [+0.5000 pp, +0.5000 pp]  significant"));
  EXPECT_THAT(text, HasSubstr("-1,000 [-1,000, -1,000]  significant"));
  EXPECT_THAT(text, HasSubstr("requests lost (lower is better)"));
}

TEST(ComparisonTable, RanksAndReportsUnrecoveredFaults) {
  const std::string text = rendered();
  EXPECT_THAT(text, HasSubstr("    1. maglev\n    2. round-robin\n"));
  EXPECT_THAT(text, Not(HasSubstr("tied with")));
  EXPECT_THAT(text,
              HasSubstr("round-robin: 1 fault still below the SLO at the end of its horizon"));
  EXPECT_THAT(text, HasSubstr("  what the seeds show\n    maglev was available 0.5000 percentage "
                              "points more than round-robin"));
}

}  // namespace
}  // namespace faultline::reports
