#include "balancer/load_balancer.h"

#include <cassert>

#include "balancer/hashing.h"

namespace faultline::balancer {
namespace {

std::vector<LevelHealth> levelHealth(const PrioritySet& hosts) {
  std::vector<LevelHealth> levels(hosts.levelCount());
  for (std::uint32_t level = 0; level < hosts.levelCount(); ++level) {
    levels[level] = LevelHealth{static_cast<std::uint32_t>(hosts.hosts(level).size()),
                                static_cast<std::uint32_t>(hosts.healthyHosts(level).size())};
  }
  return levels;
}

}  // namespace

LoadBalancer::LoadBalancer(Runtime& runtime, Prober& prober, PrioritySet hosts,
                           std::unique_ptr<Strategy> strategy, const LoadBalancerConfig& config,
                           BalancerEvents* events)
    : runtime_(runtime),
      hosts_(std::move(hosts)),
      config_(config),
      retry_policy_(config.retry),
      strategy_(std::move(strategy)),
      load_(hosts_.hostCount()),
      breakers_(config.circuit_breakers, hosts_.hostCount()),
      events_(events) {
  assert(strategy_ != nullptr && hosts_.levelCount() > 0);
  priority_load_ = computePriorityLoad(levelHealth(hosts_), config_.priority);
  active_level_ = firstServingLevel();
  if (config_.health_check.enabled) {
    HealthChecker::Listener& listener = *this;
    health_checker_ = std::make_unique<HealthChecker>(runtime, prober, listener,
                                                      config_.health_check, hosts_.hostCount());
  }
  if (config_.outlier_detection.enabled) {
    OutlierDetector::Listener& listener = *this;
    outlier_detector_ = std::make_unique<OutlierDetector>(
        runtime, listener, config_.outlier_detection, hosts_.hostCount());
  }
  if (config_.local_rate_limit) {
    rate_limit_ = std::make_unique<LocalRateLimit>(runtime, *config_.local_rate_limit);
  }
  if (config_.admission_control) {
    admission_ = std::make_unique<AdmissionControl>(runtime, *config_.admission_control);
  }
  if (config_.adaptive_concurrency) {
    concurrency_ = std::make_unique<AdaptiveConcurrency>(runtime, *config_.adaptive_concurrency);
  }
  if (config_.slow_start.window > Duration::zero()) {
    slow_start_ = std::make_unique<SlowStart>(runtime, hosts_, config_.slow_start);
  }
  if (config_.locality_weights) {
    locality_weighted_ = std::make_unique<LocalityWeightedRouting>(
        hosts_, *config_.locality_weights, config_.priority.overprovisioning_factor);
  } else if (config_.zone_aware) {
    zone_aware_ = std::make_unique<ZoneAwareRouting>(hosts_, *config_.zone_aware);
  }
}

void LoadBalancer::start() {
  if (health_checker_) health_checker_->start();
  if (outlier_detector_) outlier_detector_->start();
}

Decision LoadBalancer::choose(const Request& request) {
  const bool first = request.attempt == 0;
  if (first) {
    if (auto refusal = admitFirstTry()) return Decision::refuse(*refusal);
  }
  const std::uint32_t level = pickLevel(request);
  if (!canServe(level)) {
    if (first) undoAdmission(Outcome::kOverloaded);
    return Decision::refuse(Refusal::kNoHealthyHost);
  }
  const HostIndex host = pickHost(request, level);
  if (breakers_.tryAcquireRequest(host, /*can_wait=*/false) != Admission::kSend) {
    if (first) undoAdmission(Outcome::kOverloaded);
    return Decision::refuse(Refusal::kCircuitOpen);
  }
  if (health_checker_) health_checker_->onTraffic();
  strategy_->onSent(host);
  ++load_[host].active_requests;
  return Decision::pick(host);
}

// A request's first try passes the local rate limit, admission control and the adaptive
// concurrency limit, in Envoy's usual filter order. A 503 of adaptive concurrency also reaches
// admission control as a failure, as Envoy's local reply passes back through the filter chain.
std::optional<Refusal> LoadBalancer::admitFirstTry() {
  if (rate_limit_ && !rate_limit_->admit()) return Refusal::kRateLimited;
  if (admission_ && admission_->shouldReject()) return Refusal::kLoadShed;
  if (concurrency_ && !concurrency_->tryAcquire()) {
    if (admission_) admission_->onResult(Outcome::kOverloaded);
    return Refusal::kLoadShed;
  }
  return std::nullopt;
}

// A first try admitted and then refused: the request ends here, as a local 503.
void LoadBalancer::undoAdmission(Outcome reported) {
  if (admission_) admission_->onResult(reported);
  if (concurrency_) concurrency_->onCancel();
}

// With the previous_hosts predicate a retry re-picks when it lands on a host it tried, up to
// host_selection_retry_max_attempts times, then keeps the last pick (Envoy's rule).
HostIndex LoadBalancer::pickHost(const Request& request, std::uint32_t level) {
  PickContext context = pickContext(request, level);
  HostIndex host = strategy_->pick(context);
  if (request.attempt == 0 || !retry_policy_.config().retry_other_hosts) return host;
  while (context.repick < retry_policy_.config().host_selection_retry_max_attempts &&
         request.tried_hosts.contains(host)) {
    ++context.repick;
    host = strategy_->pick(context);
  }
  return host;
}

// Which hosts of the level to pick from: all of them in panic (Envoy's panic routing comes before
// any locality routing); else the healthy hosts of the locality that locality-weighted or
// zone-aware routing chose (zone-aware only at level 0, as in Envoy); else the level's healthy
// hosts.
PickContext LoadBalancer::pickContext(const Request& request, std::uint32_t level) {
  const std::uint64_t version = hosts_.version(level);
  if (priority_load_.panic[level]) {
    return PickContext{.candidates = hosts_.hosts(level),
                       .source = hosts_.source(level),
                       .version = version | kAllHostsVersion,
                       .request = request,
                       .hosts = hosts_,
                       .load = load_};
  }
  std::optional<std::uint32_t> locality;
  if (locality_weighted_) {
    locality = locality_weighted_->chooseLocality(level);
  } else if (zone_aware_ && level == 0) {
    locality = zone_aware_->chooseLocality(request.zone, runtime_);
  }
  return PickContext{
      .candidates = locality ? hosts_.healthyHostsIn(level, *locality) : hosts_.healthyHosts(level),
      .source = locality ? hosts_.source(level, *locality) : hosts_.source(level),
      .version = version,
      .request = request,
      .hosts = hosts_,
      .load = load_};
}

// A level taking all the traffic needs no draw (the usual case). Otherwise a hashing strategy's
// request hash decides, as Envoy's hashing balancers pass it to choosePriority, so a key stays on
// its level; other strategies draw a random number, as Envoy's do. With previous_priorities, a
// retry uses the load without the levels already tried (Envoy's retry priority).
std::uint32_t LoadBalancer::pickLevel(const Request& request) {
  const bool avoid_levels = request.attempt > 0 && request.tried_levels != 0 &&
                            retry_policy_.config().retry_other_priorities;
  if (avoid_levels) {
    retry_levels_.resize(hosts_.levelCount());
    for (std::uint32_t level = 0; level < hosts_.levelCount(); ++level) {
      retry_levels_[level] =
          LevelHealth{static_cast<std::uint32_t>(hosts_.hosts(level).size()),
                      static_cast<std::uint32_t>(hosts_.healthyHosts(level).size())};
    }
    if (computeRetryPriorityLoad(retry_levels_, request.tried_levels, config_.priority,
                                 retry_percent_)) {
      return choosePriority(retry_percent_, priorityDraw(request));
    }
  }
  if (active_level_ && priority_load_.percent[*active_level_] == 100) return *active_level_;
  return choosePriority(priority_load_.percent, priorityDraw(request));
}

std::uint64_t LoadBalancer::priorityDraw(const Request& request) {
  if (strategy_->hashesRequests()) return requestHash(request, runtime_);
  return runtime_.random();
}

std::optional<Duration> LoadBalancer::retryBackoff(std::uint32_t retries_done, Outcome outcome) {
  if (!retry_policy_.retriable(outcome) || !retry_policy_.hasRetriesLeft(retries_done)) {
    return std::nullopt;
  }
  if (!breakers_.tryAcquireRetry()) return std::nullopt;  // max_retries or the retry budget
  return retry_policy_.backoff(retries_done + 1, runtime_.randomFor(RandomUse::kRetries));
}

void LoadBalancer::onRetryBackoffEnded() {
  breakers_.retryBackoffEnded();
}

void LoadBalancer::onRetryFinished() {
  breakers_.releaseRetry();
}

void LoadBalancer::onRequestFinished(Outcome outcome, Duration latency, bool replied) {
  // Adaptive hedging learns from whole requests, hedged or not: learning from tries would lose
  // the slow tries that hedges cancel, and the estimate would sink, hedging ever more.
  if (outcome == Outcome::kSuccess && retry_policy_.config().hedge.percentile > 0) {
    observed_latency_.record(latency, runtime_.now());
  }
  if (admission_) admission_->onResult(outcome);
  if (!concurrency_) return;
  if (replied) {
    concurrency_->onResult(latency);
  } else {
    concurrency_->onCancel();
  }
}

std::optional<Duration> LoadBalancer::hedgeDelay(std::uint32_t hedges_sent) {
  const auto& hedge = retry_policy_.config().hedge;
  if (!hedge.enabled || hedges_sent >= hedge.max_hedges) return std::nullopt;
  if (hedge.percentile <= 0) return hedge.delay;
  const Duration observed = observed_latency_.valueAt(hedge.percentile, runtime_.now());
  if (observed <= Duration::zero()) return std::nullopt;
  return observed;
}

bool LoadBalancer::admitHedge(std::uint32_t retries_done) {
  if (!retry_policy_.hasRetriesLeft(retries_done)) return false;
  if (!breakers_.tryAcquireRetry()) return false;
  breakers_.retryBackoffEnded();  // sent at once: it never waits in a backoff
  return true;
}

bool LoadBalancer::canServe(std::uint32_t level) const {
  if (priority_load_.panic[level]) {
    return !config_.fail_traffic_on_panic && !hosts_.hosts(level).empty();
  }
  return !hosts_.healthyHosts(level).empty();
}

void LoadBalancer::onResult(HostIndex host, Outcome outcome, Duration latency) {
  assert(load_[host].active_requests > 0 && "a result for a request this balancer never picked");
  --load_[host].active_requests;
  breakers_.releaseRequest(host);
  strategy_->onResult(host, outcome, latency);
  // A try we abandoned says nothing about its host.
  if (outlier_detector_ && outcome != Outcome::kCancelled)
    outlier_detector_->onResult(host, outcome);
}

void LoadBalancer::onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed) {
  if (health_checker_) health_checker_->onProbeResult(host, probe_id, passed);
}

void LoadBalancer::onHealthCheckVerdict(HostIndex host, bool healthy) {
  if (slow_start_) {
    if (healthy) {
      slow_start_->onHostHealthy(host);
    } else {
      slow_start_->onHostUnhealthy(host);
    }
  }
  if (!hosts_.setFlag(host, kFailedActiveHealthCheck, !healthy)) return;
  onUsabilityChanged(host);
}

// Envoy un-ejects a host whose active check passes, unless the check itself still fails it.
void LoadBalancer::onProbeConcluded(HostIndex host, bool passed) {
  if (passed && outlier_detector_ && health_checker_->isHealthy(host)) {
    outlier_detector_->onActiveHealthCheckPassed(host);
  }
}

void LoadBalancer::onEjectionChanged(HostIndex host, bool ejected) {
  if (!hosts_.setFlag(host, kEjectedByOutlierDetection, ejected)) return;
  onUsabilityChanged(host);
}

void LoadBalancer::onUsabilityChanged(HostIndex host) {
  if (events_) events_->onHostHealthChanged(host, hosts_.isHealthy(host));
  refreshPriorityLoad();
}

std::optional<std::uint32_t> LoadBalancer::firstServingLevel() const {
  for (std::uint32_t level = 0; level < hosts_.levelCount(); ++level) {
    if (priority_load_.percent[level] > 0 && canServe(level)) return level;
  }
  return std::nullopt;
}

void LoadBalancer::refreshPriorityLoad() {
  priority_load_ = computePriorityLoad(levelHealth(hosts_), config_.priority);
  const auto level = firstServingLevel();
  if (level == active_level_) return;
  const auto previous = active_level_;
  active_level_ = level;
  if (events_) events_->onActiveLevelChanged(previous, level);
}

}  // namespace faultline::balancer
