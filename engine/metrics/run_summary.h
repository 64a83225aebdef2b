#pragma once

#include <cstdint>
#include <vector>

#include "engine/metrics/latency_summary.h"
#include "engine/metrics/request_outcome.h"
#include "engine/metrics/window_stats.h"

namespace faultline::metrics {

struct RegionSummary {
  RegionCounts counts;
  LatencySummary latency;  // successful requests of this region's clients
};

struct FaultSummary {
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  LatencySummary latency;
};

struct SloSummary {
  bool availability_met = true;
  bool latency_met = true;
  std::uint64_t windows = 0;
  std::uint64_t windows_violating = 0;
  std::int64_t latency = 0;  // ns, the run's latency at the SLO percentile
};

// The whole run after the warm-up, from run-long histograms (never from window percentiles).
struct RunSummary {
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  FailureCounts failures{};
  LatencySummary latency;
  LatencySummary queue_wait;
  std::uint64_t cross_region = 0;
  std::uint64_t cross_zone = 0;  // served in the client's region, from another zone
  std::uint64_t tries = 0;       // sent after the warm-up: first tries, retries and hedges
  std::uint64_t retries = 0;
  std::uint64_t client_retries = 0;  // requests sent again by their clients, after the warm-up
  CostReport cost;
  std::uint64_t hedges = 0;
  double concurrency = 0;  // time-average requests in flight over the steady-state windows
  std::vector<RegionSummary> regions;
  std::vector<FaultSummary> faults;
  SloSummary slo;
  TimePoint end{};
  std::uint64_t events = 0;

  double availability() const {
    return requests == 0 ? 1.0 : static_cast<double>(ok) / static_cast<double>(requests);
  }
};

}  // namespace faultline::metrics
