#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/results.pb.h"

namespace faultline::reports {

// The figures a comparison sets side by side, one value per run (docs/metrics.md, "Comparing
// strategies").
enum class Metric : std::uint8_t {
  kAvailability,
  kRequestsLost,
  kP50Ms,
  kP99Ms,
  kTimeToRecoverS,
  kCostUsd,
  kDowntimeCostUsd,
};
inline constexpr std::size_t kMetricCount = 7;

struct MetricDefinition {
  std::string_view name;
  std::string_view unit;
  bool higher_is_better;
};
const MetricDefinition& definitionOf(Metric metric);

struct RunMetrics {
  std::array<double, kMetricCount> values{};
  // Faults still below the SLO at the end of their horizon; their time to recover counts to the
  // end of that horizon.
  int unrecovered_faults = 0;

  double operator[](Metric metric) const { return values[static_cast<std::size_t>(metric)]; }
};

// The comparison figures of one run. Time to recover is the longest of its faults' (0 without
// faults).
RunMetrics metricsOf(const results::RunResult& result);

struct ComparisonInput {
  std::string scenario;
  std::string description;
  double duration_s = 0;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> strategies;
  double confidence = 0.95;
  // runs[strategy][seed], in the orders above.
  std::vector<std::vector<RunMetrics>> runs;
  // One run per strategy with the first seed, time series included (may be empty).
  std::vector<results::RunResult> example_runs;
};

// Intervals per strategy and metric, paired differences against the first strategy, and a
// ranking: by availability, then lost requests, then p99 latency; a strategy whose paired
// availability and lost-requests differences to the one above both include zero is tied with it.
results::ComparisonResult compare(ComparisonInput input);

}  // namespace faultline::reports
