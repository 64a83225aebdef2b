#include "reports/comparison_narrative.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

struct Phrase {
  std::string_view less;  // the word for a negative difference
  std::string_view more;
};

// How a difference reads for each metric; the verb goes before the magnitude.
struct MetricWording {
  std::string_view metric;
  std::string_view verb;
  Phrase direction;
  std::string_view unit;  // after the number
  int decimals;
};

constexpr MetricWording kWordings[] = {
    {"availability", "was available", {"less", "more"}, " percentage points", 4},
    {"requests_lost", "lost", {"fewer", "more"}, " requests", 0},
    {"p50_ms", "had a p50 latency", {"lower", "higher"}, " ms", 3},
    {"p99_ms", "had a p99 latency", {"lower", "higher"}, " ms", 3},
    {"time_to_recover_s", "recovered", {"sooner", "later"}, " s", 1},
    {"cost_usd", "cost", {"less", "more"}, " USD", 2},
    {"downtime_cost_usd", "cost in downtime", {"less", "more"}, " USD", 2},
};

const MetricWording* wordingOf(const std::string& metric) {
  for (const auto& wording : kWordings) {
    if (wording.metric == metric) return &wording;
  }
  return nullptr;
}

std::string number(double x, int decimals) {
  // A mean of counts below ten keeps a decimal: 0.4 requests fewer is not "0 requests".
  if (decimals == 0 && std::abs(x) < 9.95) return fmt::format("{:.1f}", x);
  if (decimals == 0) return withThousands(std::llround(x));
  return fmt::format("{:.{}f}", x, decimals);
}

// A relative figure with the precision it needs: 41%, 4.1%, 0.41%.
std::string share(double percent) {
  if (percent >= 10) return fmt::format("{:.0f}%", percent);
  if (percent >= 1) return fmt::format("{:.1f}%", percent);
  if (percent >= 0.01) return fmt::format("{:.2f}%", percent);
  return "<0.01%";
}

std::string sentence(const std::string& strategy, const std::string& baseline,
                     const results::MetricComparison& metric, double baseline_mean,
                     double confidence) {
  const MetricWording* wording = wordingOf(metric.metric());
  if (wording == nullptr) return {};
  const auto& d = metric.difference();
  const bool less = d.mean() < 0;
  const double scale = metric.metric() == "availability" ? 100.0 : 1.0;
  // Magnitudes of a significant interval, which lies wholly on one side of zero.
  const double near = std::min(std::abs(d.low()), std::abs(d.high())) * scale;
  const double far = std::max(std::abs(d.low()), std::abs(d.high())) * scale;
  const std::string_view word = less ? wording->direction.less : wording->direction.more;
  std::string text = fmt::format("{} {} {}{} {} than {}", strategy, wording->verb,
                                 number(std::abs(d.mean()) * scale, wording->decimals),
                                 wording->unit, word, baseline);
  if (metric.metric() != "availability" && baseline_mean > 0) {
    text += fmt::format(": {} {} ({:g}% CI {} to {})",
                        share(std::abs(d.mean()) / baseline_mean * 100), word, confidence * 100,
                        share(near / baseline_mean * 100), share(far / baseline_mean * 100));
  } else {
    text += fmt::format(" ({:g}% CI {} to {})", confidence * 100, number(near, wording->decimals),
                        number(far, wording->decimals));
  }
  return text;
}

}  // namespace

std::vector<std::string> significantFindings(const results::ComparisonResult& comparison) {
  std::vector<std::string> findings;
  if (comparison.strategies_size() < 2) return findings;
  const auto& baseline = comparison.strategies(0);
  for (int s = 1; s < comparison.strategies_size(); ++s) {
    const auto& strategy = comparison.strategies(s);
    for (int m = 0; m < strategy.metrics_size(); ++m) {
      const auto& metric = strategy.metrics(m);
      if (!metric.significant()) continue;
      std::string text = sentence(strategy.strategy(), baseline.strategy(), metric,
                                  baseline.metrics(m).value().mean(), comparison.confidence());
      if (!text.empty()) findings.push_back(std::move(text));
    }
  }
  if (findings.empty()) {
    findings.push_back(fmt::format("No difference from {} is significant at {:g}% with {} seed{}",
                                   baseline.strategy(), comparison.confidence() * 100,
                                   comparison.seeds_size(),
                                   comparison.seeds_size() == 1 ? "" : "s"));
  }
  return findings;
}

}  // namespace faultline::reports
