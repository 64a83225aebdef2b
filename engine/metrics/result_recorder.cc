#include "engine/metrics/result_recorder.h"

#include <algorithm>

#include "engine/metrics/version.h"

namespace faultline::metrics {
namespace {

// Divisions, not multiplications by 1e-9: 60e9 / 1e9 is exactly 60, 60e9 * 1e-9 is not.
double seconds(Duration duration) {
  return static_cast<double>(duration.count()) / 1e9;
}
double seconds(TimePoint time) {
  return seconds(time.time_since_epoch());
}
double millis(double nanos) {
  return nanos / 1e6;
}
double millis(std::int64_t nanos) {
  return static_cast<double>(nanos) / 1e6;
}
std::int64_t count(std::uint64_t value) {
  return static_cast<std::int64_t>(value);
}

void fill(const LatencySummary& from, results::LatencyStats& to) {
  to.set_count(count(from.count));
  to.set_mean(millis(from.mean));
  to.set_p50(millis(from.p50));
  to.set_p90(millis(from.p90));
  to.set_p99(millis(from.p99));
  to.set_p999(millis(from.p999));
  to.set_max(millis(from.max));
}

void fill(const FailureCounts& from, results::FailureCounts& to) {
  auto at = [&](RequestOutcome outcome) { return count(from[static_cast<std::size_t>(outcome)]); };
  to.set_timeout(at(RequestOutcome::kTimeout));
  to.set_rejected(at(RequestOutcome::kRejected));
  to.set_backend_error(at(RequestOutcome::kBackendError));
  to.set_injected_error(at(RequestOutcome::kInjectedError));
  to.set_connection_refused(at(RequestOutcome::kConnectionRefused));
  to.set_connection_reset(at(RequestOutcome::kConnectionReset));
  to.set_no_healthy_host(at(RequestOutcome::kNoHealthyHost));
  to.set_unfinished(at(RequestOutcome::kUnfinished));
  to.set_circuit_open(at(RequestOutcome::kCircuitOpen));
  to.set_rate_limited(at(RequestOutcome::kRateLimited));
  to.set_load_shed(at(RequestOutcome::kLoadShed));
  to.set_dns_failure(at(RequestOutcome::kDnsFailure));
}

void fillCost(const CostReport& from, results::CostStats& to) {
  to.set_infrastructure_usd(from.infrastructure_usd);
  to.set_cross_region_gb(from.cross_region_gb);
  to.set_cross_region_usd(from.cross_region_usd);
  to.set_internet_gb(from.internet_gb);
  to.set_internet_usd(from.internet_usd);
  to.set_downtime_minutes(from.downtime_minutes);
  to.set_downtime_usd(from.downtime_usd);
  to.set_total_usd(from.total_usd());
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
}

void fill(const FaultImpact& from, results::FaultSummary& to) {
  to.set_detected(from.time_to_detect.has_value());
  to.set_time_to_detect_s(seconds(from.time_to_detect.value_or(Duration::zero())));
  to.set_failed_over(from.time_to_fail_over.has_value());
  to.set_time_to_fail_over_s(seconds(from.time_to_fail_over.value_or(Duration::zero())));
  to.set_recovered(from.time_to_recover.has_value());
  to.set_time_to_recover_s(seconds(from.time_to_recover.value_or(Duration::zero())));
  to.set_requests_lost(count(from.requests_lost));
  to.set_horizon_end_s(seconds(from.horizon_end));
}

}  // namespace

void ResultRecorder::onRunStarted(const RunLayout& layout) {
  layout_ = layout;
  fault_impact_.emplace(layout_);
  result_.Clear();
  auto& run = *result_.mutable_run();
  run.set_scenario(layout.scenario);
  run.set_description(layout.description);
  run.set_strategy(layout.strategy);
  run.set_seed(layout.seed);
  run.set_duration_s(seconds(layout.duration));
  run.set_window_s(seconds(layout.window));
  run.set_warmup_s(seconds(layout.warmup));
  run.set_mode(layout.mode);
  run.set_faultline_version(kVersion);

  auto& topology = *result_.mutable_topology();
  topology.set_counts_traffic(true);
  for (const auto& region : layout.regions) {
    auto& info = *topology.add_regions();
    info.set_name(region.name);
    for (const auto& zone : region.zones)
      info.add_zones(zone);
    for (const auto& group : region.groups) {
      auto& g = *info.add_groups();
      g.set_name(group.name);
      g.set_count(static_cast<std::int32_t>(group.count));
      g.set_workers(static_cast<std::int32_t>(group.workers));
      g.set_queue_limit(group.queue_limit ? static_cast<std::int32_t>(*group.queue_limit) : -1);
      g.set_mean_service_ms(millis(group.mean_service.count()));
    }
    info.set_hosts(static_cast<std::int32_t>(region.hosts));
    info.set_client_rate_rps(region.client_rate_rps);
    for (std::uint32_t target : region.failover_order) {
      info.add_failover_order(layout.regions[target].name);
    }
  }
  for (const auto& fault : layout.faults) {
    auto& info = *topology.add_faults();
    info.set_name(fault.name);
    info.set_kind(fault.kind);
    info.set_start_s(seconds(fault.start));
    info.set_end_s(seconds(fault.end));
    for (std::uint32_t host : fault.hosts)
      info.add_hosts(layout.hosts[host].name);
    for (std::uint32_t instance : fault.instances)
      info.add_instances(layout.instances[instance]);
  }
}

void ResultRecorder::onWindowClosed(const WindowStats& window) {
  fault_impact_->onWindow(window.start, window.end, window.arrivals, window.requests, window.ok);
  auto& w = window_sink_ != nullptr ? scratch_window_ : *result_.add_windows();
  w.Clear();
  w.set_start_s(seconds(window.start));
  w.set_end_s(seconds(window.end));
  w.set_arrivals(count(window.arrivals));
  w.set_requests(count(window.requests));
  w.set_ok(count(window.ok));
  w.set_failed(count(window.failed()));
  fill(window.failures, *w.mutable_failures());
  fill(window.latency, *w.mutable_latency_ms());
  for (std::size_t region = 0; region < layout_.regions.size(); ++region) {
    auto& r = *w.add_regions();
    r.set_region(layout_.regions[region].name);
    const auto& counts = window.region_counts[region];
    r.set_requests_from(count(counts.requests_from));
    r.set_ok_from(count(counts.ok_from));
    r.set_requests_to(count(counts.requests_to));
    r.set_ok_to(count(counts.ok_to));
    std::uint64_t served_anywhere = 0;
    for (std::size_t to = 0; to < counts.served_by.size(); ++to) {
      if (counts.served_by[to] == 0) continue;
      auto& served = *r.add_traffic();
      served.set_region(layout_.regions[to].name);
      served.set_requests(count(counts.served_by[to]));
      served.set_ok(count(counts.ok_served_by[to]));
      served_anywhere += counts.served_by[to];
    }
    r.set_unserved(count(counts.requests_from - std::min(served_anywhere, counts.requests_from)));
    if (region < window.region_state.size()) {
      r.set_hosts(static_cast<std::int32_t>(window.region_state[region].hosts));
      r.set_hosts_up(static_cast<std::int32_t>(window.region_state[region].hosts_up));
    }
  }
  for (const auto& view : window.balancers) {
    auto& b = *w.add_balancers();
    b.set_region(layout_.regions[view.region].name);
    b.set_instance(view.instance);
    b.set_down(view.down);
    for (std::uint32_t healthy : view.healthy_hosts) {
      b.add_healthy_hosts(static_cast<std::int32_t>(healthy));
    }
    b.set_active_region(regionName(view.active_region));
    for (std::uint32_t load : view.load_percent)
      b.add_load_percent(static_cast<std::int32_t>(load));
    for (std::uint32_t region : view.panic_regions) {
      b.add_panic_regions(layout_.regions[region].name);
    }
  }
  for (std::uint32_t fault : window.active_faults)
    w.add_active_faults(layout_.faults[fault].name);
  w.set_slo_violated(window.slo_violated);
  w.set_concurrency(window.concurrency);
  w.set_tries(count(window.tries));
  w.set_client_retries(count(window.client_retries));
  fillCost(window.cost, *w.mutable_cost());
  if (window_sink_ != nullptr) window_sink_->onWindow(w);
}

void ResultRecorder::onHostHealthChanged(const HostHealthEvent& event) {
  auto& e = addEvent(event.time, event.healthy ? results::Event::HOST_MARKED_UP
                                               : results::Event::HOST_MARKED_DOWN);
  e.set_balancer(layout_.regions[event.balancer_region].name);
  e.set_host(layout_.hosts[event.host].name);
  fault_impact_->onHostMarked(event.time, event.host, event.healthy);
}

void ResultRecorder::onInstanceHealthChanged(const InstanceHealthEvent& event) {
  auto& e = addEvent(event.time, event.healthy ? results::Event::INSTANCE_MARKED_UP
                                               : results::Event::INSTANCE_MARKED_DOWN);
  e.set_balancer(layout_.instances[event.instance]);
  fault_impact_->onInstanceMarked(event.time, event.instance, event.healthy);
}

void ResultRecorder::onFailover(const FailoverEvent& event) {
  auto& e = addEvent(event.time, results::Event::FAILOVER);
  e.set_balancer(layout_.regions[event.balancer_region].name);
  e.set_from_region(regionName(event.from_region));
  e.set_to_region(regionName(event.to_region));
  fault_impact_->onFailover(event.time, event.balancer_region, event.from_region, event.to_region);
}

void ResultRecorder::onFault(const FaultEvent& event) {
  auto& e = addEvent(event.time,
                     event.started ? results::Event::FAULT_STARTED : results::Event::FAULT_ENDED);
  e.set_fault(layout_.faults[event.fault].name);
}

void ResultRecorder::onHostStateChanged(const HostStateEvent& event) {
  auto& e =
      addEvent(event.time, event.serving ? results::Event::HOST_UP : results::Event::HOST_DOWN);
  e.set_host(layout_.hosts[event.host].name);
}

void ResultRecorder::onRunFinished(const RunSummary& summary) {
  auto& s = *result_.mutable_summary();
  s.set_requests_total(count(summary.requests));
  s.set_requests_ok(count(summary.ok));
  s.set_requests_failed(count(summary.requests - summary.ok));
  s.set_availability(summary.availability());
  fill(summary.latency, *s.mutable_latency_ms());
  fill(summary.failures, *s.mutable_failures());
  fill(summary.queue_wait, *s.mutable_queue_wait_ms());
  s.set_cross_region_requests(count(summary.cross_region));
  s.set_cross_zone_requests(count(summary.cross_zone));
  s.set_concurrency(summary.concurrency);
  s.set_tries(count(summary.tries));
  s.set_retries(count(summary.retries));
  s.set_client_retries(count(summary.client_retries));
  fillCost(summary.cost, *s.mutable_cost());
  s.set_hedges(count(summary.hedges));
  for (std::size_t region = 0; region < summary.regions.size(); ++region) {
    const auto& from = summary.regions[region];
    auto& r = *s.add_regions();
    r.set_region(layout_.regions[region].name);
    r.set_requests_from(count(from.counts.requests_from));
    r.set_ok_from(count(from.counts.ok_from));
    r.set_availability_from(share(from.counts.ok_from, from.counts.requests_from));
    fill(from.latency, *r.mutable_latency_ms());
    r.set_requests_to(count(from.counts.requests_to));
    r.set_ok_to(count(from.counts.ok_to));
  }
  const std::vector<FaultImpact> impacts = fault_impact_->impacts();
  for (std::size_t fault = 0; fault < summary.faults.size(); ++fault) {
    const auto& from = summary.faults[fault];
    const auto& layout = layout_.faults[fault];
    auto& f = *s.add_faults();
    f.set_name(layout.name);
    f.set_kind(layout.kind);
    f.set_start_s(seconds(layout.start));
    f.set_end_s(seconds(layout.end));
    f.set_requests(count(from.requests));
    f.set_ok(count(from.ok));
    f.set_failed(count(from.requests - from.ok));
    f.set_availability(share(from.ok, from.requests));
    fill(from.latency, *f.mutable_latency_ms());
    fill(impacts[fault], f);
  }
  auto& slo = *s.mutable_slo();
  slo.set_availability_target(layout_.slo.availability);
  slo.set_latency_target_ms(millis(layout_.slo.latency.count()));
  slo.set_latency_percentile(layout_.slo.latency_percentile);
  slo.set_availability_met(summary.slo.availability_met);
  slo.set_latency_met(summary.slo.latency_met);
  slo.set_met(summary.slo.availability_met && summary.slo.latency_met);
  slo.set_windows(count(summary.slo.windows));
  slo.set_windows_violating(count(summary.slo.windows_violating));
  slo.set_latency_ms(millis(summary.slo.latency));
  s.set_end_s(seconds(summary.end));
  s.set_events(count(summary.events));
}

results::Event& ResultRecorder::addEvent(TimePoint time, results::Event::Kind kind) {
  auto& event = *result_.add_events();
  event.set_time_s(seconds(time));
  event.set_kind(kind);
  return event;
}

const std::string& ResultRecorder::regionName(std::optional<std::uint32_t> region) const {
  static const std::string kNone;
  return region ? layout_.regions[*region].name : kNone;
}

}  // namespace faultline::metrics
