#pragma once

#include <cstdint>
#include <vector>

#include "engine/metrics/cost_meter.h"
#include "engine/metrics/latency_histogram.h"
#include "engine/metrics/request_outcome.h"
#include "engine/metrics/run_layout.h"
#include "engine/metrics/run_summary.h"
#include "engine/metrics/window_stats.h"

namespace faultline::metrics {

enum class TryKind : std::uint8_t { kFirst, kRetry, kHedge };

// A request as the metrics see it when it completes.
struct CompletedRequest {
  TimePoint at{};
  std::uint32_t fault_epoch = 0;  // MetricsCollector::faultEpoch() when the request was sent
  std::uint32_t client_region = 0;
  std::uint32_t serving_region = kNoRegion;  // kNoRegion when no host was picked
  bool cross_zone = false;                   // served in the client's region, from another zone
  RequestOutcome outcome = RequestOutcome::kOk;
  Duration latency{};  // from the intended send time to the answer at the client
};

// Records every completed request in O(1) and cuts the run into windows. Memory is constant over
// a run: a fixed set of histograms (the current window, the whole run, one per client region, one
// per fault, queue waits) whatever the duration. A request counts in the window where it
// completes; the summary leaves out requests completing before the warm-up ends. A fault's figures
// are the requests *sent* while it was active, whenever they complete: a request sent into a
// blackhole fails at its timeout, often after the fault has ended, and is still the fault's.
class MetricsCollector {
 public:
  explicit MetricsCollector(const RunLayout& layout);

  void recordArrival(TimePoint at);
  // A try sent to a host: the first of its request, a retry or a hedge.
  void recordTry(TimePoint at, TryKind kind);
  // A client sends a failed request again, itself (not its balancer).
  void recordClientRetry(TimePoint at);
  void recordCompletion(const CompletedRequest& request);
  void recordQueueWait(TimePoint at, Duration wait);
  void setFaultActive(std::uint32_t fault, bool active, TimePoint at);
  // Changes with every fault start and end; a request remembers the epoch it was sent in.
  std::uint32_t faultEpoch() const {
    return static_cast<std::uint32_t>(faults_by_epoch_.size() - 1);
  }

  // Fills the request figures of the window ending at `end` and starts the next window there.
  // Host state and balancer views are the caller's to fill.
  void closeWindow(TimePoint end, WindowStats& out);

  RunSummary summary(TimePoint end, std::uint64_t events) const;

 private:
  // The window's per-region counts, zeroed, with a counter for every pair of regions.
  void resetWindowCounts(std::size_t regions);

  struct Totals {
    std::uint64_t requests = 0;
    std::uint64_t ok = 0;
  };

  bool windowViolatesSlo() const;
  // Integrates the number of requests in flight up to `now` (for the time-average concurrency).
  void advanceConcurrency(TimePoint now);

  SloTarget slo_;
  CostMeter cost_;
  CostFigures window_cost_;
  CostFigures run_cost_;
  TimePoint warmup_end_;
  TimePoint traffic_end_;
  TimePoint window_start_{};

  WindowStats window_;
  LatencyHistogram window_latency_;
  std::vector<std::vector<std::uint32_t>> faults_by_epoch_;  // the faults active in each epoch
  std::vector<bool> fault_seen_in_window_;

  std::uint64_t requests_ = 0;
  std::uint64_t ok_ = 0;
  FailureCounts failures_{};
  std::uint64_t cross_region_ = 0;
  std::uint64_t cross_zone_ = 0;
  std::uint64_t tries_ = 0;
  std::uint64_t retries_ = 0;
  std::uint64_t client_retries_ = 0;
  std::uint64_t hedges_ = 0;
  std::vector<RegionCounts> region_counts_;
  std::vector<Totals> fault_totals_;
  std::uint64_t slo_windows_ = 0;

  // Requests sent and not yet completed, and its integral over time in request-nanoseconds.
  std::uint64_t in_flight_ = 0;
  TimePoint in_flight_since_{};
  __extension__ using Area = unsigned __int128;  // request-ns: a window may hold 1e6 x 1e12
  Area window_in_flight_area_ = 0;
  double run_in_flight_area_ = 0;  // request-seconds, over the windows after the warm-up
  double run_measured_s_ = 0;
  std::uint64_t slo_windows_violating_ = 0;

  LatencyHistogram latency_;
  LatencyHistogram queue_wait_;
  std::vector<LatencyHistogram> region_latency_;
  std::vector<LatencyHistogram> fault_latency_;
};

}  // namespace faultline::metrics
