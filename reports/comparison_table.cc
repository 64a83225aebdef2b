#include "reports/comparison_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/comparison_narrative.h"
#include "reports/metric_text.h"
#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

std::string value(const std::string& metric, double x) {
  return metricValue(metric, x, MetricText::kTerminal);
}

std::string difference(const std::string& metric, double x) {
  return metricDifference(metric, x, MetricText::kTerminal);
}

std::string title(const results::MetricInfo& info) {
  std::string name = info.name();
  std::replace(name.begin(), name.end(), '_', ' ');
  return name + (info.higher_is_better() ? " (higher is better)" : " (lower is better)");
}

void renderMetric(const results::ComparisonResult& comparison, int index, std::size_t width,
                  std::string& out) {
  const auto& info = comparison.metric_info(index);
  out += fmt::format("  {}\n", title(info));
  for (int s = 0; s < comparison.strategies_size(); ++s) {
    const auto& strategy = comparison.strategies(s);
    const auto& metric = strategy.metrics(index);
    const auto& v = metric.value();
    out += fmt::format("    {:<{}} {:>14}  [{}, {}]", strategy.strategy(), width,
                       value(info.name(), v.mean()), value(info.name(), v.low()),
                       value(info.name(), v.high()));
    if (s > 0) {
      const auto& d = metric.difference();
      out += fmt::format("   {} [{}, {}]{}", difference(info.name(), d.mean()),
                         difference(info.name(), d.low()), difference(info.name(), d.high()),
                         metric.significant() ? "  significant" : "");
    }
    out += "\n";
  }
}

void renderRanking(const results::ComparisonResult& comparison, std::size_t width,
                   std::string& out) {
  out += "  ranking (availability, then requests lost, then p99)\n";
  for (const auto& ranked : comparison.ranking()) {
    out += fmt::format("    {}. ", ranked.rank());
    if (ranked.tied_with_previous()) {
      out += fmt::format("{:<{}}  tied with {}: the seeds cannot tell them apart",
                         ranked.strategy(), width, ranked.rank() - 1);
    } else {
      out += ranked.strategy();
    }
    out += "\n";
  }
}

}  // namespace

std::string renderComparison(const results::ComparisonResult& comparison) {
  std::string out;
  const auto seeds = comparison.seeds_size();
  out += fmt::format("{}: {}\n", comparison.scenario(), comparison.description());
  out += fmt::format(
      "{} strategies x {} seed{} ({}) · {:g} s simulated each · means with {:g}% confidence "
      "intervals (Student t); differences against {}, paired by seed\n\n",
      comparison.strategies_size(), seeds, seeds == 1 ? "" : "s",
      seeds == 0 ? std::string("none")
                 : fmt::format("{} to {}", comparison.seeds(0), comparison.seeds(seeds - 1)),
      comparison.duration_s(), comparison.confidence() * 100,
      comparison.strategies_size() > 0 ? comparison.strategies(0).strategy() : "");
  std::size_t width = 14;
  for (const auto& strategy : comparison.strategies())
    width = std::max(width, strategy.strategy().size());
  for (int m = 0; m < comparison.metric_info_size(); ++m)
    renderMetric(comparison, m, width, out);
  out += "\n";
  renderRanking(comparison, width, out);
  out += "\n  what the seeds show\n";
  for (const auto& finding : significantFindings(comparison))
    out += fmt::format("    {}\n", finding);
  for (const auto& strategy : comparison.strategies()) {
    if (strategy.unrecovered_faults() == 0) continue;
    out += fmt::format(
        "  {}: {} fault{} still below the SLO at the end of {} horizon (time to recover counted to "
        "the horizon's end)\n",
        strategy.strategy(), strategy.unrecovered_faults(),
        strategy.unrecovered_faults() == 1 ? "" : "s",
        strategy.unrecovered_faults() == 1 ? "its" : "their");
  }
  return out;
}

}  // namespace faultline::reports
