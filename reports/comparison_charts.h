#pragma once

#include <vector>

#include "reports/chart.h"
#include "reports/results.pb.h"

namespace faultline::reports {

// One bar chart per compared metric: each strategy's mean with its confidence interval as
// whiskers, strategies in command-line order and colour.
std::vector<Chart> comparisonBarCharts(const results::ComparisonResult& comparison);

// The example runs (first seed) overlaid, one colour per strategy: success rate, failed requests
// per second and p99 latency, with the faults shaded. Empty without example runs.
std::vector<Chart> comparisonOverlays(const results::ComparisonResult& comparison);

}  // namespace faultline::reports
