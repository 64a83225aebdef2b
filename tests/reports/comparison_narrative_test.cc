// The sentences a comparison report says: only significant differences, in the metric's words.
#include "reports/comparison_narrative.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/comparison.h"

namespace faultline::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

RunMetrics run(double availability, double lost, double p99) {
  RunMetrics metrics;
  metrics.values[static_cast<std::size_t>(Metric::kAvailability)] = availability;
  metrics.values[static_cast<std::size_t>(Metric::kRequestsLost)] = lost;
  metrics.values[static_cast<std::size_t>(Metric::kP99Ms)] = p99;
  return metrics;
}

results::ComparisonResult comparisonOf(std::vector<std::vector<RunMetrics>> runs) {
  ComparisonInput input;
  input.seeds = {1, 2, 3};
  input.strategies = {"round-robin", "maglev"};
  input.runs = std::move(runs);
  return compare(std::move(input));
}

TEST(ComparisonNarrative, SaysEachSignificantDifferenceWithItsInterval) {
  // Maglev loses 400, 420 and 380 fewer requests of a baseline averaging 1,000: 40% fewer, the
  // interval 400 +- t(0.975, 2) x 20 / sqrt(3) = 400 +- 49.7, i.e. 35% to 45%. Its p99 differs
  // by +1, -1, 0 ms: not significant, so not said. Availability moves by exactly 0.04 pp.
  const auto comparison =
      comparisonOf({{run(0.9990, 1000, 80), run(0.9980, 1100, 81), run(0.9985, 900, 79)},
                    {run(0.9994, 600, 81), run(0.9984, 680, 80), run(0.9989, 520, 79)}});
  const auto findings = significantFindings(comparison);
  EXPECT_THAT(findings,
              ElementsAre("maglev was available 0.0400 percentage points more than round-robin "
                          "(95% CI 0.0400 to 0.0400)",
                          "maglev lost 400 requests fewer than round-robin: 40% fewer (95% CI "
                          "35% to 45%)"));
}

TEST(ComparisonNarrative, ClaimsNothingWhenNothingIsSignificant) {
  const auto comparison = comparisonOf({{run(0.99, 10, 80), run(0.98, 20, 81), run(0.97, 30, 82)},
                                        {run(0.98, 11, 81), run(0.99, 19, 80), run(0.97, 31, 82)}});
  EXPECT_THAT(significantFindings(comparison),
              ElementsAre("No difference from round-robin is significant at 95% with 3 seeds"));
}

}  // namespace
}  // namespace faultline::reports
