#include "reports/comparison.h"

#include <algorithm>
#include <numeric>

#include "engine/metrics/version.h"
#include "reports/statistics.h"

namespace faultline::reports {
namespace {

constexpr std::array<MetricDefinition, kMetricCount> kDefinitions{{
    {"availability", "ratio", true},
    {"requests_lost", "requests", false},
    {"p50_ms", "ms", false},
    {"p99_ms", "ms", false},
    {"time_to_recover_s", "s", false},
    {"cost_usd", "USD", false},
    {"downtime_cost_usd", "USD", false},
}};

// One seed gives no interval at all: its difference, however large, establishes nothing. With
// two or more, a difference the same on every seed (no spread) does: every workload agreed.
bool establishes(const MeanInterval& difference) {
  return difference.n >= 2 && difference.excludesZero();
}

std::vector<double> samplesOf(const std::vector<RunMetrics>& runs, Metric metric) {
  std::vector<double> samples;
  samples.reserve(runs.size());
  for (const RunMetrics& run : runs)
    samples.push_back(run[metric]);
  return samples;
}

void fill(const MeanInterval& from, results::Interval& to) {
  to.set_n(static_cast<std::int32_t>(from.n));
  to.set_mean(from.mean);
  to.set_stddev(from.stddev);
  to.set_low(from.low);
  to.set_high(from.high);
}

results::StrategyComparison compareStrategy(const ComparisonInput& input, std::size_t strategy) {
  results::StrategyComparison out;
  out.set_strategy(input.strategies[strategy]);
  const auto& runs = input.runs[strategy];
  for (const RunMetrics& run : runs)
    out.set_unrecovered_faults(out.unrecovered_faults() + run.unrecovered_faults);
  for (std::size_t m = 0; m < kMetricCount; ++m) {
    const auto metric = static_cast<Metric>(m);
    auto& entry = *out.add_metrics();
    entry.set_metric(std::string(kDefinitions[m].name));
    const std::vector<double> samples = samplesOf(runs, metric);
    entry.mutable_samples()->Assign(samples.begin(), samples.end());
    fill(meanInterval(samples, input.confidence), *entry.mutable_value());
    if (strategy == 0) continue;
    const MeanInterval difference =
        pairedDifference(samples, samplesOf(input.runs[0], metric), input.confidence);
    fill(difference, *entry.mutable_difference());
    entry.set_significant(establishes(difference));
  }
  return out;
}

double mean(const std::vector<RunMetrics>& runs, Metric metric) {
  const std::vector<double> samples = samplesOf(runs, metric);
  return samples.empty() ? 0.0
                         : std::accumulate(samples.begin(), samples.end(), 0.0) /
                               static_cast<double>(samples.size());
}

// Better first: higher availability, then fewer lost requests, then lower p99.
bool rankedBefore(const ComparisonInput& input, std::size_t a, std::size_t b) {
  for (Metric metric : {Metric::kAvailability, Metric::kRequestsLost, Metric::kP99Ms}) {
    const double x = mean(input.runs[a], metric);
    const double y = mean(input.runs[b], metric);
    if (x == y) continue;
    return definitionOf(metric).higher_is_better ? x > y : x < y;
  }
  return a < b;
}

bool tied(const ComparisonInput& input, std::size_t a, std::size_t b) {
  for (Metric metric : {Metric::kAvailability, Metric::kRequestsLost}) {
    const MeanInterval difference = pairedDifference(
        samplesOf(input.runs[a], metric), samplesOf(input.runs[b], metric), input.confidence);
    if (establishes(difference)) return false;
  }
  return true;
}

void rank(const ComparisonInput& input, results::ComparisonResult& out) {
  std::vector<std::size_t> order(input.strategies.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return rankedBefore(input, a, b); });
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto& ranked = *out.add_ranking();
    ranked.set_rank(static_cast<std::int32_t>(i + 1));
    ranked.set_strategy(input.strategies[order[i]]);
    ranked.set_tied_with_previous(i > 0 && tied(input, order[i], order[i - 1]));
  }
}

}  // namespace

const MetricDefinition& definitionOf(Metric metric) {
  return kDefinitions[static_cast<std::size_t>(metric)];
}

RunMetrics metricsOf(const results::RunResult& result) {
  RunMetrics out;
  const auto& summary = result.summary();
  auto set = [&](Metric metric, double value) {
    out.values[static_cast<std::size_t>(metric)] = value;
  };
  set(Metric::kAvailability, summary.availability());
  set(Metric::kRequestsLost, static_cast<double>(summary.requests_failed()));
  set(Metric::kP50Ms, summary.latency_ms().p50());
  set(Metric::kP99Ms, summary.latency_ms().p99());
  double recover = 0;
  for (const auto& fault : summary.faults()) {
    if (!fault.recovered()) ++out.unrecovered_faults;
    // Not recovered: below the SLO for all of its horizon (older files lack the horizon).
    const double horizon_end =
        fault.horizon_end_s() > 0 ? fault.horizon_end_s() : result.run().duration_s();
    const double time = fault.recovered() ? fault.time_to_recover_s()
                                          : std::max(0.0, horizon_end - fault.start_s());
    recover = std::max(recover, time);
  }
  set(Metric::kTimeToRecoverS, recover);
  set(Metric::kCostUsd, summary.cost().total_usd());
  set(Metric::kDowntimeCostUsd, summary.cost().downtime_usd());
  return out;
}

results::ComparisonResult compare(ComparisonInput input) {
  results::ComparisonResult out;
  out.set_scenario(input.scenario);
  out.set_description(input.description);
  out.set_duration_s(input.duration_s);
  out.mutable_seeds()->Assign(input.seeds.begin(), input.seeds.end());
  out.set_confidence(input.confidence);
  out.set_faultline_version(metrics::kVersion);
  for (const MetricDefinition& definition : kDefinitions) {
    auto& info = *out.add_metric_info();
    info.set_name(std::string(definition.name));
    info.set_unit(std::string(definition.unit));
    info.set_higher_is_better(definition.higher_is_better);
  }
  for (std::size_t s = 0; s < input.strategies.size(); ++s)
    *out.add_strategies() = compareStrategy(input, s);
  rank(input, out);
  for (auto& run : input.example_runs)
    *out.add_example_runs() = std::move(run);
  return out;
}

}  // namespace faultline::reports
