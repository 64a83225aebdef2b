// markdownReport(ComparisonResult): the comparison half of markdown_report.h.
#include <fmt/format.h>

#include "reports/comparison_narrative.h"
#include "reports/markdown_report.h"
#include "reports/markdown_scenario.h"
#include "reports/metric_text.h"
#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

// Scenario text on a line of its own: a newline would end the heading or the quote.
std::string oneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

const results::StrategyComparison* strategyNamed(const results::ComparisonResult& comparison,
                                                 const std::string& name) {
  for (const auto& strategy : comparison.strategies()) {
    if (strategy.strategy() == name) return &strategy;
  }
  return nullptr;
}

std::string formatted(const std::string& metric, double x) {
  return metricValue(metric, x, MetricText::kMarkdown);
}

std::string interval(const std::string& metric, const results::Interval& i) {
  return fmt::format("{} [{}, {}]", formatted(metric, i.mean()), formatted(metric, i.low()),
                     formatted(metric, i.high()));
}

std::string difference(const std::string& metric, double x) {
  return metricDifference(metric, x, MetricText::kMarkdown);
}

void ranking(const results::ComparisonResult& comparison, std::string& out) {
  out += "## Ranking\n\n| rank | strategy |";
  for (const auto& info : comparison.metric_info())
    out += fmt::format(" {} |", info.name());
  out += "\n|---:|---|";
  for (int m = 0; m < comparison.metric_info_size(); ++m)
    out += "---:|";
  out += "\n";
  for (const auto& ranked : comparison.ranking()) {
    const auto* strategy = strategyNamed(comparison, ranked.strategy());
    if (strategy == nullptr) continue;
    out += fmt::format("| {}{} | {} |", ranked.rank(), ranked.tied_with_previous() ? " (tied)" : "",
                       ranked.strategy());
    for (const auto& metric : strategy->metrics())
      out += fmt::format(" {} |", interval(metric.metric(), metric.value()));
    out += "\n";
  }
  out +=
      "\n(tied): the paired differences of availability and lost requests to the strategy "
      "ranked above include zero.\n\n";
}

void differences(const results::ComparisonResult& comparison, std::string& out) {
  if (comparison.strategies_size() < 2) return;
  out += fmt::format("## Differences against {}, paired by seed\n\n",
                     comparison.strategies(0).strategy());
  out += "| strategy | metric | difference | interval | significant |\n|---|---|---:|---:|---|\n";
  for (int s = 1; s < comparison.strategies_size(); ++s) {
    const auto& strategy = comparison.strategies(s);
    for (const auto& metric : strategy.metrics()) {
      const auto& d = metric.difference();
      out +=
          fmt::format("| {} | {} | {} | [{}, {}] | {} |\n", strategy.strategy(), metric.metric(),
                      difference(metric.metric(), d.mean()), difference(metric.metric(), d.low()),
                      difference(metric.metric(), d.high()), metric.significant() ? "yes" : "no");
    }
  }
  out += "\n";
}

}  // namespace

std::string markdownReport(const results::ComparisonResult& comparison) {
  std::string out = fmt::format("# Comparison: {}\n\n", oneLine(comparison.scenario()));
  if (!comparison.description().empty()) {
    out += fmt::format("> {}\n\n", oneLine(comparison.description()));
  }
  const int seeds = comparison.seeds_size();
  out += fmt::format(
      "{} strategies x {} seed{}{}, {:g} s simulated each; means with {:g}% confidence intervals "
      "(Student t); differences paired by seed (common random numbers).\n\n",
      comparison.strategies_size(), seeds, seeds == 1 ? "" : "s",
      seeds == 0 ? std::string()
                 : fmt::format(" ({} to {})", comparison.seeds(0), comparison.seeds(seeds - 1)),
      comparison.duration_s(), comparison.confidence() * 100);
  if (comparison.example_runs_size() > 0) {
    out += "## Scenario\n\n";
    appendScenarioSummary(comparison.example_runs(0).topology(), out);
  }
  ranking(comparison, out);
  out += "## What the seeds show\n\n";
  for (const auto& finding : significantFindings(comparison))
    out += fmt::format("- {}.\n", finding);
  out += "\n";
  differences(comparison, out);
  return out;
}

}  // namespace faultline::reports
