#include "reports/chart.h"

#include <algorithm>

namespace faultline::reports {
namespace {

bool hasData(const TimeChart& chart) {
  return std::any_of(chart.series.begin(), chart.series.end(),
                     [](const ChartSeries& series) { return !series.x.empty(); });
}

bool hasData(const BarChart& chart) {
  return !chart.bars.empty();
}

}  // namespace

bool hasData(const Chart& chart) {
  return std::visit([](const auto& c) { return hasData(c); }, chart);
}

const std::string& chartTitle(const Chart& chart) {
  return std::visit([](const auto& c) -> const std::string& { return c.title; }, chart);
}

}  // namespace faultline::reports
