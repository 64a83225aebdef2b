#pragma once

#include <string>

namespace faultline::reports {

// Where a comparison's figure is printed: the terminal table writes units after latencies and a
// decimal on means of lost requests; a Markdown table names the unit in its column and rounds.
enum class MetricText { kTerminal, kMarkdown };

// A comparison metric's value in its own terms (ComparisonResult.metric_info names): availability
// as a percentage, counts with thousands separators, times and money with the decimals that
// matter.
std::string metricValue(const std::string& metric, double x, MetricText style);

// A difference: availability in percentage points, the rest in the metric's terms, signed.
std::string metricDifference(const std::string& metric, double x, MetricText style);

}  // namespace faultline::reports
