#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/metrics/latency_summary.h"
#include "engine/metrics/request_outcome.h"
#include "engine/metrics/run_layout.h"

namespace faultline::metrics {

// Requests attributed to a region in a window or a run.
struct RegionCounts {
  std::uint64_t requests_from = 0;  // completed requests of this region's clients
  std::uint64_t ok_from = 0;
  std::uint64_t requests_to = 0;  // completed requests a backend of this region answered or refused
  std::uint64_t ok_to = 0;
  // Per serving region: this region's clients' completed requests a backend there answered or
  // refused, and how many succeeded (the traffic between regions). Windows only.
  std::vector<std::uint64_t> served_by;
  std::vector<std::uint64_t> ok_served_by;
};

struct RegionWindowState {
  std::uint32_t hosts = 0;
  std::uint32_t hosts_up = 0;  // the truth: not crashed, not dark, not paused
};

struct BalancerWindowView {
  std::uint32_t region = 0;
  std::string instance;  // a tier instance's name; empty for a client-side balancer
  std::vector<std::uint32_t> healthy_hosts;  // per region, as this balancer sees them
  std::optional<std::uint32_t> active_region;
  std::vector<std::uint32_t> load_percent;  // per region: its share of this balancer's traffic
  std::vector<std::uint32_t> panic_regions;
  bool down = false;  // a tier instance not running (the truth, not this view's)
};

// One closed time-series window.
struct WindowStats {
  TimePoint start{};
  TimePoint end{};
  std::uint64_t arrivals = 0;
  std::uint64_t tries = 0;           // sent to hosts: first tries, retries and hedges
  std::uint64_t client_retries = 0;  // requests sent again by their clients
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  FailureCounts failures{};
  LatencySummary latency;
  std::vector<RegionCounts> region_counts;
  std::vector<RegionWindowState> region_state;
  std::vector<BalancerWindowView> balancers;
  std::vector<std::uint32_t> active_faults;  // active at some point of the window
  double concurrency = 0;                    // time-average of requests sent and not yet completed
  bool slo_violated = false;
  CostReport cost;

  std::uint64_t failed() const { return requests - ok; }
};

}  // namespace faultline::metrics
