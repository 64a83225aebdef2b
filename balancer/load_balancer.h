#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "balancer/adaptive_concurrency.h"
#include "balancer/admission_control.h"
#include "balancer/circuit_breakers.h"
#include "balancer/health_checker.h"
#include "balancer/host.h"
#include "balancer/latency_quantile.h"
#include "balancer/local_rate_limit.h"
#include "balancer/locality_weighted_routing.h"
#include "balancer/outlier_detector.h"
#include "balancer/priority_load.h"
#include "balancer/priority_set.h"
#include "balancer/prober.h"
#include "balancer/request.h"
#include "balancer/retry_policy.h"
#include "balancer/runtime.h"
#include "balancer/slow_start.h"
#include "balancer/strategy.h"
#include "balancer/zone_aware_routing.h"

namespace faultline::balancer {

// What a balancer tells whoever drives it about changes in its own view of the world.
class BalancerEvents {
 public:
  virtual ~BalancerEvents() = default;
  // The balancer now considers `host` usable (or not), from its checks and outlier detection.
  virtual void onHostHealthChanged(HostIndex host, bool healthy) = 0;
  // The first level that takes traffic changed (failover or failback); nullopt when the balancer
  // refuses all traffic (no healthy host and no panic routing).
  virtual void onActiveLevelChanged(std::optional<std::uint32_t> from,
                                    std::optional<std::uint32_t> to) = 0;
};

// Everything a balancer can be configured with; each part names the semantics it follows.
struct LoadBalancerConfig {
  HealthCheckConfig health_check;
  PriorityLoadConfig priority;
  // Envoy's fail_traffic_on_panic: a level in panic refuses instead of using all of its hosts.
  bool fail_traffic_on_panic = false;
  RetryPolicyConfig retry;
  OutlierDetectionConfig outlier_detection;
  CircuitBreakersConfig circuit_breakers;  // always on, with Envoy's default thresholds
  std::optional<LocalRateLimitConfig> local_rate_limit;
  std::optional<AdmissionControlConfig> admission_control;
  std::optional<AdaptiveConcurrencyConfig> adaptive_concurrency;
  SlowStartConfig slow_start;  // off while its window is zero
  // At most one of the two, as in Envoy (locality-weighted wins there; the scenario allows one).
  std::optional<ZoneAwareConfig> zone_aware;
  std::optional<std::vector<LocalityWeight>> locality_weights;  // locality-weighted when present
};

// One balancer instance: its view of the hosts, its strategy, its health checks and outlier
// detection, and the mechanisms that admit, refuse and retry requests. The request cycle is
// DESIGN.md's seam 2: the driver asks choose() for a host and reports onResult() for every try;
// it asks retryBackoff() and hedgeDelay() whether to try again; and it reports onRequestFinished()
// once per request that choose() admitted (its first try got a host).
//
// A first try passes, in Envoy's usual filter order, the local rate limit (429), admission
// control and adaptive concurrency (503); every try then gets a level by Envoy's priority load (a
// share by health times the overprovisioning factor, spilling to the next levels, with panic
// routing), a host by the strategy, and a slot from the circuit breakers. The balancer learns of
// outages only through its probes and the results it sees; it never looks at the world.
class LoadBalancer final : private HealthChecker::Listener, private OutlierDetector::Listener {
 public:
  LoadBalancer(Runtime& runtime, Prober& prober, PrioritySet hosts,
               std::unique_ptr<Strategy> strategy, const LoadBalancerConfig& config,
               BalancerEvents* events);

  // Starts active health checking and outlier detection (when configured).
  void start();

  Decision choose(const Request& request);
  void onResult(HostIndex host, Outcome outcome, Duration latency);
  void onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed);

  // Retries: whether a request whose try just ended so is retried, and after what backoff, as
  // Envoy's router decides (retriable outcome, retries left, a retry slot from the circuit
  // breakers or the retry budget). A yes holds a retry slot until onRetryFinished(); the slot
  // counts while the retry waits, and onRetryBackoffEnded() says when it is sent.
  std::optional<Duration> retryBackoff(std::uint32_t retries_done, Outcome outcome);
  void onRetryBackoffEnded();
  void onRetryFinished();
  // With hedging on, how long after a try is sent to send another one alongside it; nullopt when
  // no hedge is due (hedging off, hedges used up, or no latency observed yet for an adaptive one).
  std::optional<Duration> hedgeDelay(std::uint32_t hedges_sent);
  // A hedge that is due goes out only if it may: in Envoy a hedge is a retry, so it needs a retry
  // left (`retries_done` counts the request's retries and hedges so far) and a retry slot from
  // the circuit breakers or the budget. A yes holds the slot until onRetryFinished().
  bool admitHedge(std::uint32_t retries_done);
  // The end of a request admitted by choose(): its final outcome, its latency from its first
  // pick, and whether its client got a reply at all: an answer, a timeout or a local refusal all
  // are (Envoy's adaptive concurrency samples every reply, local ones included); a request cut
  // off at the end of a run is not.
  void onRequestFinished(Outcome outcome, Duration latency, bool replied);
  // Whether onRequestFinished() and hedgeDelay() have anything to do: the driver may skip the
  // calls otherwise (they are on its per-request path).
  bool watchesRequests() const {
    return admission_ || concurrency_ || retry_policy_.config().hedge.percentile > 0;
  }
  bool hedges() const { return retry_policy_.config().hedge.enabled; }

  const PrioritySet& hosts() const { return hosts_; }
  std::span<const HostLoad> load() const { return load_; }
  std::optional<std::uint32_t> activeLevel() const { return active_level_; }
  const PriorityLoad& priorityLoad() const { return priority_load_; }
  const RetryPolicy& retryPolicy() const { return retry_policy_; }
  const CircuitBreakers& circuitBreakers() const { return breakers_; }
  // Requests adaptive concurrency counts as outstanding; 0 without it.
  std::uint32_t concurrencyOutstanding() const {
    return concurrency_ ? concurrency_->outstanding() : 0;
  }

 private:
  // Marks the version of a panicking level's candidate list (all of its hosts): apart from every
  // version of its healthy list, so strategies rebuild when panic starts or ends, yet following
  // the level's version, which weight changes (slow start) move too.
  static constexpr std::uint64_t kAllHostsVersion = std::uint64_t{1} << 63;

  void onHealthCheckVerdict(HostIndex host, bool healthy) override;
  void onProbeConcluded(HostIndex host, bool passed) override;
  void onEjectionChanged(HostIndex host, bool ejected) override;
  void onUsabilityChanged(HostIndex host);

  std::optional<Refusal> admitFirstTry();
  void undoAdmission(Outcome reported);
  std::uint32_t pickLevel(const Request& request);
  std::uint64_t priorityDraw(const Request& request);
  HostIndex pickHost(const Request& request, std::uint32_t level);
  PickContext pickContext(const Request& request, std::uint32_t level);
  bool canServe(std::uint32_t level) const;
  std::optional<std::uint32_t> firstServingLevel() const;
  void refreshPriorityLoad();

  Runtime& runtime_;
  PrioritySet hosts_;
  LoadBalancerConfig config_;
  PriorityLoad priority_load_;
  std::vector<std::uint32_t> retry_percent_;  // scratch: the load without the levels tried
  std::vector<LevelHealth> retry_levels_;     // scratch for the same
  RetryPolicy retry_policy_;
  LatencyQuantile observed_latency_;  // for adaptive hedging
  std::unique_ptr<Strategy> strategy_;
  std::vector<HostLoad> load_;
  std::unique_ptr<HealthChecker> health_checker_;
  std::unique_ptr<OutlierDetector> outlier_detector_;
  CircuitBreakers breakers_;
  std::unique_ptr<LocalRateLimit> rate_limit_;
  std::unique_ptr<AdmissionControl> admission_;
  std::unique_ptr<AdaptiveConcurrency> concurrency_;
  std::unique_ptr<SlowStart> slow_start_;
  std::unique_ptr<ZoneAwareRouting> zone_aware_;
  std::unique_ptr<LocalityWeightedRouting> locality_weighted_;
  BalancerEvents* events_;
  std::optional<std::uint32_t> active_level_;
};

}  // namespace faultline::balancer
