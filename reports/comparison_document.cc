// reportDocument(ComparisonResult): the comparison half of report_document.h.
#include <fmt/format.h>

#include <utility>

#include "reports/comparison_charts.h"
#include "reports/comparison_narrative.h"
#include "reports/metric_text.h"
#include "reports/report_document.h"
#include "reports/scenario_document.h"

namespace faultline::reports {
namespace {

std::string difference(const std::string& metric, double x) {
  return metricDifference(metric, x, MetricText::kMarkdown);
}

void method(const results::ComparisonResult& comparison, Document& document) {
  const int seeds = comparison.seeds_size();
  document.paragraph(fmt::format(
      "{} strategies x {} seed{}{}, {:g} s simulated each; means with {:g}% confidence intervals "
      "(Student t); differences paired by seed (common random numbers).",
      comparison.strategies_size(), seeds, seeds == 1 ? "" : "s",
      seeds == 0 ? std::string()
                 : fmt::format(" ({} to {})", comparison.seeds(0), comparison.seeds(seeds - 1)),
      comparison.duration_s(), comparison.confidence() * 100));
}

void ranking(const results::ComparisonResult& comparison, Document& document) {
  document.heading("Ranking");
  Table table{{{"rank", Align::kRight}, {"strategy"}}, {}};
  for (const auto& info : comparison.metric_info())
    table.columns.push_back({info.name(), Align::kRight});
  for (const auto& ranked : comparison.ranking()) {
    const auto* strategy = strategyNamed(comparison, ranked.strategy());
    if (strategy == nullptr) continue;
    std::vector<std::string> row{
        fmt::format("{}{}", ranked.rank(), ranked.tied_with_previous() ? " (tied)" : ""),
        ranked.strategy()};
    for (const auto& metric : strategy->metrics())
      row.push_back(metricInterval(metric.metric(), metric.value(), MetricText::kMarkdown));
    row.resize(table.columns.size());
    table.rows.push_back(std::move(row));
  }
  document.add(std::move(table));
  document.paragraph(
      "(tied): the paired differences of availability and lost requests to the strategy ranked "
      "above include zero.");
}

void findings(const results::ComparisonResult& comparison, Document& document) {
  document.heading("What the seeds show");
  BulletList list;
  for (const auto& finding : significantFindings(comparison))
    list.items.push_back(finding + ".");
  document.add(std::move(list));
}

void differences(const results::ComparisonResult& comparison, Document& document) {
  if (comparison.strategies_size() < 2) return;
  document.heading(
      fmt::format("Differences against {}, paired by seed", comparison.strategies(0).strategy()));
  Table table{{{"strategy"},
               {"metric"},
               {"difference", Align::kRight},
               {"interval", Align::kRight},
               {"significant"}},
              {}};
  for (int s = 1; s < comparison.strategies_size(); ++s) {
    const auto& strategy = comparison.strategies(s);
    for (const auto& metric : strategy.metrics()) {
      const auto& d = metric.difference();
      table.rows.push_back({strategy.strategy(), metric.metric(),
                            difference(metric.metric(), d.mean()),
                            fmt::format("[{}, {}]", difference(metric.metric(), d.low()),
                                        difference(metric.metric(), d.high())),
                            metric.significant() ? "yes" : "no"});
    }
  }
  document.add(std::move(table));
}

}  // namespace

Document reportDocument(const results::ComparisonResult& comparison) {
  Document document;
  document.title = "Comparison: " + comparison.scenario();
  document.colophon = fmt::format("Faultline {} · comparison of {} strategies on {}",
                                  comparison.faultline_version(), comparison.strategies_size(),
                                  comparison.scenario());
  if (!comparison.description().empty()) document.add(Quote{comparison.description()});
  method(comparison, document);
  if (comparison.example_runs_size() > 0) {
    document.heading("Scenario");
    appendScenarioSummary(comparison.example_runs(0).topology(), document);
  }
  ranking(comparison, document);
  addCharts(document,
            fmt::format("Means with {:g}% confidence intervals", comparison.confidence() * 100),
            comparisonBarCharts(comparison));
  findings(comparison, document);
  if (comparison.example_runs_size() > 0) {
    addCharts(document,
              fmt::format("Example runs, seed {}", comparison.example_runs(0).run().seed()),
              comparisonOverlays(comparison));
  }
  differences(comparison, document);
  return document;
}

}  // namespace faultline::reports
