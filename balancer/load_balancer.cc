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
      strategy_(std::move(strategy)),
      load_(hosts_.hostCount()),
      events_(events) {
  assert(strategy_ != nullptr && hosts_.levelCount() > 0);
  priority_load_ = computePriorityLoad(levelHealth(hosts_), config_.priority);
  active_level_ = firstServingLevel();
  if (config_.health_check.enabled) {
    HealthChecker::Listener& listener = *this;
    health_checker_ = std::make_unique<HealthChecker>(runtime, prober, listener,
                                                      config_.health_check, hosts_.hostCount());
  }
}

void LoadBalancer::start() {
  if (health_checker_) health_checker_->start();
}

Decision LoadBalancer::choose(const Request& request) {
  const std::uint32_t level = pickLevel(request);
  if (!canServe(level)) return Decision::refuse(Refusal::kNoHealthyHost);
  const bool panic = priority_load_.panic[level];
  const HostIndex host = strategy_->pick(
      PickContext{.candidates = panic ? hosts_.hosts(level) : hosts_.healthyHosts(level),
                  .level = level,
                  .version = panic ? kAllHostsVersion : hosts_.version(level),
                  .request = request,
                  .hosts = hosts_,
                  .load = load_});
  ++load_[host].active_requests;
  return Decision::pick(host);
}

// A level taking all the traffic needs no draw (the usual case). Otherwise the request's hash
// decides, as Envoy passes it to choosePriority, so a key stays on its level; a request without a
// key draws a random number.
std::uint32_t LoadBalancer::pickLevel(const Request& request) {
  if (active_level_ && priority_load_.percent[*active_level_] == 100) return *active_level_;
  return choosePriority(priority_load_.percent, requestHash(request, runtime_));
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
  strategy_->onResult(host, outcome, latency);
}

void LoadBalancer::onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed) {
  if (health_checker_) health_checker_->onProbeResult(host, probe_id, passed);
}

void LoadBalancer::onHealthCheckVerdict(HostIndex host, bool healthy) {
  if (!hosts_.setFlag(host, kFailedActiveHealthCheck, !healthy)) return;
  if (events_) events_->onHostHealthChanged(host, healthy);
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
