#include "reports/metric_text.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

// Means of counts: one decimal, with the separators of the counts themselves.
std::string tenthsWithThousands(double x) {
  const auto tenths = static_cast<std::int64_t>(std::llround(std::abs(x) * 10));
  std::string whole(x < 0 && tenths > 0 ? "-" : "");
  whole += withThousands(tenths / 10);
  return tenths % 10 == 0 ? whole : fmt::format("{}.{}", whole, tenths % 10);
}

}  // namespace

std::string metricValue(const std::string& metric, double x, MetricText style) {
  const bool terminal = style == MetricText::kTerminal;
  if (metric == "availability") return fmt::format("{:.4f}%", x * 100);
  if (metric == "requests_lost") {
    return terminal ? tenthsWithThousands(x) : withThousands(std::llround(x));
  }
  if (metric == "time_to_recover_s") return fmt::format("{:.1f} s", x);
  if (metric.ends_with("_usd")) return fmt::format("${:.2f}", x);
  return terminal ? fmt::format("{:.3f} ms", x) : fmt::format("{:.3f}", x);
}

std::string metricDifference(const std::string& metric, double x, MetricText style) {
  if (metric == "availability") return fmt::format("{:+.4f} pp", x * 100);
  std::string signed_value(x < 0 ? "-" : "+");
  signed_value += metricValue(metric, std::abs(x), style);
  return signed_value;
}

std::string metricInterval(const std::string& metric, const results::Interval& interval,
                           MetricText style) {
  std::string out = metricValue(metric, interval.mean(), style);
  out += " [";
  out += metricValue(metric, interval.low(), style);
  out += ", ";
  out += metricValue(metric, interval.high(), style);
  out += ']';
  return out;
}

const results::StrategyComparison* strategyNamed(const results::ComparisonResult& comparison,
                                                 const std::string& name) {
  for (const auto& strategy : comparison.strategies()) {
    if (strategy.strategy() == name) return &strategy;
  }
  return nullptr;
}

}  // namespace faultline::reports
