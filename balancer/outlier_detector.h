#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "balancer/host.h"
#include "balancer/outlier_config.h"
#include "balancer/request.h"
#include "balancer/runtime.h"

namespace faultline::balancer {

// Mean success rate of the hosts with enough volume, and the rate below which a host is an
// outlier: mean - stdev_factor x the population standard deviation (Envoy's
// DetectorImpl::successRateEjectionThreshold). Rates are percents.
struct SuccessRateThreshold {
  double mean = 0;
  double threshold = 0;
};

SuccessRateThreshold successRateThreshold(std::span<const double> success_rates,
                                          double stdev_factor);

// Passive outlier detection with Envoy's semantics (source/common/upstream/
// outlier_detection_impl.cc; docs intro/arch_overview/upstream/outlier):
//
// - Each finished try counts. With Envoy's default split_external_local_origin_errors = false a
//   locally originated failure is mapped to an HTTP status and counted with the answers
//   (putResultNoLocalExternalSplit): a connect failure or reset is a 503 (the router reports both
//   as LocalOriginConnectFailed), a timeout a 504. So every Outcome but kSuccess is a 5xx, and
//   every one but kServerError (500) is also a gateway failure (502/503/504). A success clears
//   both consecutive counts; a 500 clears the gateway count.
// - A consecutive count that reaches its threshold asks for an ejection and is then reset,
//   whatever the answer; one reached while the host is already ejected is ignored and not reset.
// - Every `interval` a sweep returns hosts whose ejection time has passed, then looks at the
//   interval just ended: among non-ejected hosts with at least success_rate_request_volume
//   results, if there are success_rate_minimum_hosts of them, it ejects those whose success rate
//   is below mean - stdev_factor/1000 x stdev; among those with failure_percentage_request_volume
//   results, if there are failure_percentage_minimum_hosts of them, those whose failure percent is
//   at least the threshold.
// - An ejection must first fit max_ejection_percent, counting the host about to be ejected
//   (envoy#27066, PR #27909), unless always_eject_one_host is set and no host is ejected
//   (PR #34796). Then it happens with probability enforcing_*% (a Runtime::random() draw, taken
//   only when the percent is strictly between 0 and 100).
// - Ejection time: min(base x multiplier, max) + jitter. An ejection raises the multiplier by one
//   while multiplier x base < max + base (so with 30 s and 300 s it stops at 11); each sweep
//   lowers it by one for a host that is in service and was returned at least one interval ago.
// - A pass of the active health check returns an ejected host at once
//   (successful_active_health_check_uneject_host). A return resets the consecutive counts.
//
// The max-ejection share is over all of the balancer's hosts, not per priority level, as in Envoy.
// State is per host and sized at construction; onResult() is O(1) and allocates nothing.
class OutlierDetector {
 public:
  enum class EjectionType : std::uint8_t {
    kConsecutive5xx,
    kConsecutiveGatewayFailure,
    kSuccessRate,
    kFailurePercentage,
  };
  static constexpr std::size_t kEjectionTypes = 4;

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onEjectionChanged(HostIndex host, bool ejected) = 0;
  };

  // Envoy's outlier_detection.ejections_detected_* / ejections_enforced_* / ejections_overflow.
  struct Stats {
    std::array<std::uint64_t, kEjectionTypes> detected{};
    std::array<std::uint64_t, kEjectionTypes> enforced{};
    std::uint64_t overflow = 0;  // refused by max_ejection_percent
  };

  OutlierDetector(Runtime& runtime, Listener& listener, const OutlierDetectionConfig& config,
                  std::size_t host_count);

  // Arms the sweep timer. Results count before start(); sweeps only happen after it.
  void start();

  // One finished try at `host`.
  void onResult(HostIndex host, Outcome outcome);

  // The host passed an active health check and the checker considers it healthy (Envoy runs this
  // on every check that leaves the host without FAILED_ACTIVE_HC).
  void onActiveHealthCheckPassed(HostIndex host);

  bool isEjected(HostIndex host) const { return hosts_[host].ejected; }
  std::uint32_t ejectedCount() const { return ejected_count_; }
  // Times the host was ejected since the start (Envoy's num_ejections).
  std::uint32_t ejections(HostIndex host) const { return hosts_[host].ejections; }
  // Envoy's eject_time_backoff.
  std::uint32_t ejectionMultiplier(HostIndex host) const { return hosts_[host].multiplier; }
  const Stats& stats() const { return stats_; }
  // From the last sweep that had enough hosts with volume; nullopt before any.
  std::optional<SuccessRateThreshold> lastSuccessRate() const { return last_success_rate_; }

 private:
  struct HostState {
    std::uint32_t consecutive_5xx = 0;
    std::uint32_t consecutive_gateway_failure = 0;
    // This interval's results, and the last full interval's (Envoy's two buckets).
    std::uint64_t requests = 0;
    std::uint64_t successes = 0;
    std::uint64_t last_requests = 0;
    std::uint64_t last_successes = 0;
    std::uint32_t multiplier = 0;
    std::uint32_t ejections = 0;
    TimePoint ejected_at{};
    std::optional<TimePoint> returned_at;
    Duration jitter{};
    bool ejected = false;
    bool watched = false;  // in watched_
  };

  struct Candidate {
    HostIndex host;
    double success_rate;  // percent
  };

  void onConsecutiveFailure(HostIndex host, EjectionType type);
  void watch(HostIndex host);
  void sweep();
  void ejectOutliers();
  bool eject(HostIndex host, EjectionType type);
  bool enforced(EjectionType type);
  void uneject(HostIndex host);
  Duration ejectionTime(const HostState& state) const;

  Runtime& runtime_;
  Listener& listener_;
  OutlierDetectionConfig config_;
  std::vector<HostState> hosts_;
  std::unique_ptr<Timer> sweep_timer_;
  std::uint32_t ejected_count_ = 0;
  Stats stats_;
  std::optional<SuccessRateThreshold> last_success_rate_;
  // The hosts a sweep has something to do for: results in this interval or the last, an
  // ejection, an ejection multiplier to decay. The others' state is all zero, so sweeps skip them
  // and cost what the busy hosts cost, not what the host list does.
  std::vector<HostIndex> watched_;
  // Scratch for sweeps, reserved once.
  std::vector<Candidate> success_rate_hosts_;
  std::vector<Candidate> failure_percentage_hosts_;
  std::vector<double> rates_;
};

}  // namespace faultline::balancer
