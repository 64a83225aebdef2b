#include "engine/metrics/metrics_collector.h"

#include <algorithm>
#include <cassert>

namespace faultline::metrics {

MetricsCollector::MetricsCollector(const RunLayout& layout)
    : slo_(layout.slo),
      cost_(layout.cost),
      warmup_end_(TimePoint{} + layout.warmup),
      traffic_end_(TimePoint{} + layout.duration),
      faults_by_epoch_(1),
      fault_seen_in_window_(layout.faults.size(), false),
      region_counts_(layout.regions.size()),
      fault_totals_(layout.faults.size()),
      region_latency_(layout.regions.size()),
      fault_latency_(layout.faults.size()) {
  resetWindowCounts(layout.regions.size());
}

void MetricsCollector::resetWindowCounts(std::size_t regions) {
  window_.region_counts.assign(regions, RegionCounts{});
  for (auto& counts : window_.region_counts) {
    counts.served_by.assign(regions, 0);
    counts.ok_served_by.assign(regions, 0);
  }
}

void MetricsCollector::recordArrival(TimePoint at) {
  advanceConcurrency(at);
  ++in_flight_;
  ++window_.arrivals;
}

void MetricsCollector::recordTry(TimePoint at, TryKind kind) {
  ++window_.tries;
  if (at < warmup_end_) return;
  ++tries_;
  if (kind == TryKind::kRetry) ++retries_;
  if (kind == TryKind::kHedge) ++hedges_;
}

void MetricsCollector::recordClientRetry(TimePoint at) {
  ++window_.client_retries;
  if (at >= warmup_end_) ++client_retries_;
}

void MetricsCollector::advanceConcurrency(TimePoint now) {
  window_in_flight_area_ +=
      static_cast<Area>(in_flight_) * static_cast<std::uint64_t>((now - in_flight_since_).count());
  in_flight_since_ = now;
}

void MetricsCollector::recordCompletion(const CompletedRequest& request) {
  advanceConcurrency(request.at);
  assert(in_flight_ > 0 && "a completion without its arrival");
  --in_flight_;
  const bool ok = request.outcome == RequestOutcome::kOk;
  const auto latency_ns = request.latency.count();

  ++window_.requests;
  auto& from = window_.region_counts[request.client_region];
  ++from.requests_from;
  if (request.serving_region != kNoRegion) {
    ++window_.region_counts[request.serving_region].requests_to;
    ++from.served_by[request.serving_region];
  }
  if (ok) {
    ++window_.ok;
    ++from.ok_from;
    if (request.serving_region != kNoRegion) {
      ++window_.region_counts[request.serving_region].ok_to;
      ++from.ok_served_by[request.serving_region];
    }
    window_latency_.record(latency_ns);
  } else {
    ++window_.failures[static_cast<std::size_t>(request.outcome)];
  }

  const bool cross_region =
      request.serving_region != kNoRegion && request.serving_region != request.client_region;
  cost_.addRequest(window_cost_, request.client_region, cross_region, ok);

  for (std::uint32_t fault : faults_by_epoch_[request.fault_epoch]) {
    ++fault_totals_[fault].requests;
    if (!ok) continue;
    ++fault_totals_[fault].ok;
    fault_latency_[fault].record(latency_ns);
  }

  if (request.at < warmup_end_) return;
  cost_.addRequest(run_cost_, request.client_region, cross_region, ok);
  ++requests_;
  auto& region = region_counts_[request.client_region];
  ++region.requests_from;
  if (request.serving_region != kNoRegion) {
    ++region_counts_[request.serving_region].requests_to;
    if (request.serving_region != request.client_region) ++cross_region_;
    if (request.cross_zone) ++cross_zone_;
  }
  if (!ok) {
    ++failures_[static_cast<std::size_t>(request.outcome)];
    return;
  }
  ++ok_;
  ++region.ok_from;
  if (request.serving_region != kNoRegion) ++region_counts_[request.serving_region].ok_to;
  latency_.record(latency_ns);
  region_latency_[request.client_region].record(latency_ns);
}

void MetricsCollector::recordQueueWait(TimePoint at, Duration wait) {
  if (at < warmup_end_) return;
  queue_wait_.record(wait.count());
}

void MetricsCollector::setFaultActive(std::uint32_t fault, bool active, TimePoint at) {
  std::vector<std::uint32_t> faults = faults_by_epoch_.back();
  const auto it = std::find(faults.begin(), faults.end(), fault);
  if (active && it == faults.end()) faults.push_back(fault);
  if (!active && it != faults.end()) faults.erase(it);
  // A fault ending at the very start of a window was never active in it.
  fault_seen_in_window_[fault] = active || (fault_seen_in_window_[fault] && at > window_start_);
  faults_by_epoch_.push_back(std::move(faults));
}

void MetricsCollector::closeWindow(TimePoint end, WindowStats& out) {
  window_.start = window_start_;
  window_.end = end;
  window_.latency = summarize(window_latency_);
  window_.active_faults.clear();
  for (std::uint32_t fault = 0; fault < fault_seen_in_window_.size(); ++fault) {
    if (fault_seen_in_window_[fault]) window_.active_faults.push_back(fault);
  }
  window_.slo_violated = windowViolatesSlo();
  cost_.addTime(window_cost_, end - window_start_);
  if (window_.slo_violated) cost_.addDowntime(window_cost_, end - window_start_);
  window_.cost = cost_.report(window_cost_);
  window_cost_ = CostFigures{};
  advanceConcurrency(end);
  const double length_s = static_cast<double>((end - window_start_).count()) / 1e9;
  const double area_s = static_cast<double>(window_in_flight_area_) / 1e9;
  window_.concurrency = length_s > 0 ? area_s / length_s : 0;
  window_in_flight_area_ = 0;
  // The run's steady state: windows wholly between the warm-up and the end of traffic, so neither
  // the empty start nor the drain's thin last moments weigh on the SLO count or the concurrency.
  if (window_start_ >= warmup_end_ && end <= traffic_end_) {
    ++slo_windows_;
    if (window_.slo_violated) {
      ++slo_windows_violating_;
      cost_.addDowntime(run_cost_, end - window_start_);
    }
    run_in_flight_area_ += area_s;
    run_measured_s_ += length_s;
  }

  out = window_;

  const auto regions = window_.region_counts.size();
  window_ = WindowStats{};
  resetWindowCounts(regions);
  window_latency_.reset();
  std::fill(fault_seen_in_window_.begin(), fault_seen_in_window_.end(), false);
  for (std::uint32_t fault : faults_by_epoch_.back())
    fault_seen_in_window_[fault] = true;
  window_start_ = end;
}

bool MetricsCollector::windowViolatesSlo() const {
  if (window_.requests == 0) return false;
  const double availability =
      static_cast<double>(window_.ok) / static_cast<double>(window_.requests);
  if (availability < slo_.availability) return true;
  if (slo_.latency <= Duration::zero() || window_.ok == 0) return false;
  return window_latency_.valueAtPercentile(slo_.latency_percentile) > slo_.latency.count();
}

RunSummary MetricsCollector::summary(TimePoint end, std::uint64_t events) const {
  RunSummary summary;
  summary.requests = requests_;
  summary.ok = ok_;
  summary.failures = failures_;
  summary.latency = summarize(latency_);
  summary.queue_wait = summarize(queue_wait_);
  summary.cross_region = cross_region_;
  summary.cross_zone = cross_zone_;
  summary.tries = tries_;
  summary.retries = retries_;
  summary.client_retries = client_retries_;
  // Hosts and balancers run from the end of the warm-up to the end of traffic.
  CostFigures run_cost = run_cost_;
  cost_.addTime(run_cost, traffic_end_ - warmup_end_);
  summary.cost = cost_.report(run_cost);
  summary.hedges = hedges_;
  for (std::size_t region = 0; region < region_counts_.size(); ++region) {
    summary.regions.push_back({region_counts_[region], summarize(region_latency_[region])});
  }
  for (std::size_t fault = 0; fault < fault_totals_.size(); ++fault) {
    summary.faults.push_back(
        {fault_totals_[fault].requests, fault_totals_[fault].ok, summarize(fault_latency_[fault])});
  }
  summary.slo.availability_met = summary.availability() >= slo_.availability;
  summary.slo.latency = latency_.valueAtPercentile(slo_.latency_percentile);
  summary.slo.latency_met = slo_.latency <= Duration::zero() || latency_.count() == 0 ||
                            summary.slo.latency <= slo_.latency.count();
  summary.concurrency = run_measured_s_ > 0 ? run_in_flight_area_ / run_measured_s_ : 0;
  summary.slo.windows = slo_windows_;
  summary.slo.windows_violating = slo_windows_violating_;
  summary.end = end;
  summary.events = events;
  return summary;
}

}  // namespace faultline::metrics
