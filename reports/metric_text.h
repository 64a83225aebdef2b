#pragma once

#include <string>

#include "reports/results.pb.h"

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

// "99.0000% [98.5000%, 99.5000%]": a mean with its interval.
std::string metricInterval(const std::string& metric, const results::Interval& interval,
                           MetricText style);

// The strategy of that name in a comparison; nullptr when there is none.
const results::StrategyComparison* strategyNamed(const results::ComparisonResult& comparison,
                                                 const std::string& name);

}  // namespace faultline::reports
