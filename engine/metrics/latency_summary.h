#pragma once

#include <cstdint>

#include "engine/metrics/latency_histogram.h"

namespace faultline::metrics {

// The figures kept of a latency distribution, in nanoseconds.
struct LatencySummary {
  std::uint64_t count = 0;
  double mean = 0;
  std::int64_t p50 = 0;
  std::int64_t p90 = 0;
  std::int64_t p99 = 0;
  std::int64_t p999 = 0;
  std::int64_t max = 0;
};

inline LatencySummary summarize(const LatencyHistogram& histogram) {
  return LatencySummary{.count = histogram.count(),
                        .mean = histogram.mean(),
                        .p50 = histogram.valueAtPercentile(50),
                        .p90 = histogram.valueAtPercentile(90),
                        .p99 = histogram.valueAtPercentile(99),
                        .p999 = histogram.valueAtPercentile(99.9),
                        .max = histogram.max()};
}

}  // namespace faultline::metrics
