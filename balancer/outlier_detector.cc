#include "balancer/outlier_detector.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace faultline::balancer {
namespace {

using std::chrono::milliseconds;

// Envoy maps a locally originated timeout to 504 and a connect failure or reset to 503
// (DetectorHostMonitorImpl::resultToHttpCode, Router::Filter::onUpstreamReset), and a 502, 503
// or 504 from the host is a gateway error too (Http::CodeUtility::isGatewayError). Any other 5xx
// is not.
bool isGatewayFailure(Outcome outcome) {
  return outcome != Outcome::kSuccess && outcome != Outcome::kServerError &&
         outcome != Outcome::kClientError;
}

std::size_t index(OutlierDetector::EjectionType type) {
  return static_cast<std::size_t>(type);
}

}  // namespace

SuccessRateThreshold successRateThreshold(std::span<const double> success_rates,
                                          double stdev_factor) {
  assert(!success_rates.empty());
  double sum = 0;
  for (double rate : success_rates)
    sum += rate;
  const double count = static_cast<double>(success_rates.size());
  const double mean = sum / count;
  double variance = 0;
  for (double rate : success_rates)
    variance += (rate - mean) * (rate - mean);
  variance /= count;
  return SuccessRateThreshold{mean, mean - stdev_factor * std::sqrt(variance)};
}

OutlierDetector::OutlierDetector(Runtime& runtime, Listener& listener,
                                 const OutlierDetectionConfig& config, std::size_t host_count)
    : runtime_(runtime), listener_(listener), config_(config), hosts_(host_count) {
  assert(config_.interval > Duration::zero() && config_.base_ejection_time > Duration::zero());
  assert(config_.max_ejection_time >= config_.base_ejection_time &&
         "Envoy rejects max_ejection_time < base_ejection_time");
  assert(config_.max_ejection_time_jitter >= Duration::zero());
  assert(config_.max_ejection_percent <= 100 && config_.enforcing_consecutive_5xx <= 100 &&
         config_.enforcing_consecutive_gateway_failure <= 100 &&
         config_.enforcing_success_rate <= 100 && config_.enforcing_failure_percentage <= 100 &&
         config_.failure_percentage_threshold <= 100);
  sweep_timer_ = runtime_.createTimer([this] { sweep(); });
  success_rate_hosts_.reserve(host_count);
  failure_percentage_hosts_.reserve(host_count);
  rates_.reserve(host_count);
  watched_.reserve(host_count);
}

void OutlierDetector::watch(HostIndex host) {
  if (hosts_[host].watched) return;
  hosts_[host].watched = true;
  watched_.push_back(host);
}

void OutlierDetector::start() {
  sweep_timer_->enable(config_.interval);
}

void OutlierDetector::onResult(HostIndex host, Outcome outcome) {
  auto& state = hosts_[host];
  watch(host);
  ++state.requests;
  // Envoy counts only a 5xx against the host (putHttpResponseCode): a 4xx is a success here.
  if (outcome == Outcome::kSuccess || outcome == Outcome::kClientError) {
    ++state.successes;
    state.consecutive_5xx = 0;
    state.consecutive_gateway_failure = 0;
    return;
  }
  // Both counts move before either asks for an ejection, as in Envoy, where the requests are
  // posted to the main thread; the gateway one is handled first, as Envoy posts it first.
  bool gateway_reached = false;
  if (isGatewayFailure(outcome)) {
    gateway_reached = ++state.consecutive_gateway_failure == config_.consecutive_gateway_failure;
  } else {
    state.consecutive_gateway_failure = 0;
  }
  const bool five_xx_reached = ++state.consecutive_5xx == config_.consecutive_5xx;
  if (gateway_reached) onConsecutiveFailure(host, EjectionType::kConsecutiveGatewayFailure);
  if (five_xx_reached) onConsecutiveFailure(host, EjectionType::kConsecutive5xx);
}

void OutlierDetector::onConsecutiveFailure(HostIndex host, EjectionType type) {
  auto& state = hosts_[host];
  // Envoy leaves the count alone here: it restarts when the host returns.
  if (state.ejected) return;
  ++stats_.detected[index(type)];
  eject(host, type);
  // Reset whether or not the ejection happened, so the next one needs a full streak.
  if (type == EjectionType::kConsecutive5xx) {
    state.consecutive_5xx = 0;
  } else {
    state.consecutive_gateway_failure = 0;
  }
}

void OutlierDetector::onActiveHealthCheckPassed(HostIndex host) {
  if (config_.successful_active_health_check_uneject_host && hosts_[host].ejected) uneject(host);
}

bool OutlierDetector::eject(HostIndex host, EjectionType type) {
  const std::uint64_t host_count = hosts_.size();
  // Integer form of Envoy's 100.0 x (ejected + 1) / hosts <= max_ejection_percent.
  bool allowed = 100 * (std::uint64_t{ejected_count_} + 1) <=
                 std::uint64_t{config_.max_ejection_percent} * host_count;
  if (config_.always_eject_one_host && ejected_count_ == 0) allowed = true;
  if (!allowed) {
    ++stats_.overflow;
    return false;
  }
  if (!enforced(type)) return false;

  auto& state = hosts_[host];
  assert(!state.ejected);
  watch(host);
  state.ejected = true;
  ++ejected_count_;
  ++state.ejections;
  state.ejected_at = runtime_.now();
  state.jitter = Duration::zero();
  if (config_.max_ejection_time_jitter > Duration::zero()) {
    // Envoy draws random() % (jitter_ms + 1) milliseconds.
    const auto jitter_ms = std::min<std::int64_t>(
        std::chrono::duration_cast<milliseconds>(config_.max_ejection_time_jitter).count(),
        std::numeric_limits<std::uint32_t>::max() - 1);
    state.jitter = milliseconds(uniformIndex(runtime_.randomFor(RandomUse::kOutlierDetection),
                                             static_cast<std::uint32_t>(jitter_ms + 1)));
  }
  if (config_.base_ejection_time * state.multiplier <
      config_.max_ejection_time + config_.base_ejection_time) {
    ++state.multiplier;
  }
  ++stats_.enforced[index(type)];
  listener_.onEjectionChanged(host, true);
  return true;
}

bool OutlierDetector::enforced(EjectionType type) {
  std::uint32_t percent = 0;
  switch (type) {
    case EjectionType::kConsecutive5xx:
      percent = config_.enforcing_consecutive_5xx;
      break;
    case EjectionType::kConsecutiveGatewayFailure:
      percent = config_.enforcing_consecutive_gateway_failure;
      break;
    case EjectionType::kSuccessRate:
      percent = config_.enforcing_success_rate;
      break;
    case EjectionType::kFailurePercentage:
      percent = config_.enforcing_failure_percentage;
      break;
  }
  if (percent == 0) return false;
  if (percent >= 100) return true;
  // Envoy's featureEnabled: random() % 100 < percent.
  return uniformIndex(runtime_.randomFor(RandomUse::kOutlierDetection), 100) < percent;
}

void OutlierDetector::uneject(HostIndex host) {
  auto& state = hosts_[host];
  assert(state.ejected && ejected_count_ > 0);
  state.ejected = false;
  --ejected_count_;
  // So that a host just back is not ejected again by a count that was close to its threshold.
  state.consecutive_5xx = 0;
  state.consecutive_gateway_failure = 0;
  state.returned_at = runtime_.now();
  listener_.onEjectionChanged(host, false);
}

Duration OutlierDetector::ejectionTime(const HostState& state) const {
  return std::min(config_.base_ejection_time * state.multiplier, config_.max_ejection_time) +
         state.jitter;
}

// In host order, as a sweep over every host would go (ejection order decides who is ejected
// when max_ejection_percent is reached).
void OutlierDetector::sweep() {
  const TimePoint now = runtime_.now();
  std::sort(watched_.begin(), watched_.end());
  for (HostIndex host : watched_) {
    auto& state = hosts_[host];
    if (state.ejected && ejectionTime(state) <= now - state.ejected_at) uneject(host);
    state.last_requests = state.requests;
    state.last_successes = state.successes;
    state.requests = 0;
    state.successes = 0;
  }
  ejectOutliers();
  for (HostIndex host : watched_) {
    auto& state = hosts_[host];
    if (!state.ejected && state.returned_at && now - *state.returned_at >= config_.interval &&
        state.multiplier > 0) {
      --state.multiplier;
    }
  }
  std::erase_if(watched_, [this](HostIndex host) {
    auto& state = hosts_[host];
    state.watched = state.ejected || state.last_requests > 0 || state.multiplier > 0;
    return !state.watched;
  });
  sweep_timer_->enable(config_.interval);
}

void OutlierDetector::ejectOutliers() {
  const std::size_t host_count = hosts_.size();
  if (host_count < config_.success_rate_minimum_hosts &&
      host_count < config_.failure_percentage_minimum_hosts) {
    return;
  }
  success_rate_hosts_.clear();
  failure_percentage_hosts_.clear();
  rates_.clear();
  for (HostIndex host : watched_) {
    const auto& state = hosts_[host];
    if (state.ejected || state.last_requests == 0) continue;
    const double rate = 100.0 * static_cast<double>(state.last_successes) /
                        static_cast<double>(state.last_requests);
    if (state.last_requests >= config_.success_rate_request_volume) {
      success_rate_hosts_.push_back(Candidate{host, rate});
      rates_.push_back(rate);
    }
    if (state.last_requests >= config_.failure_percentage_request_volume) {
      failure_percentage_hosts_.push_back(Candidate{host, rate});
    }
  }

  if (!success_rate_hosts_.empty() &&
      success_rate_hosts_.size() >= config_.success_rate_minimum_hosts) {
    last_success_rate_ = successRateThreshold(rates_, config_.success_rate_stdev_factor / 1000.0);
    for (const auto& candidate : success_rate_hosts_) {
      if (candidate.success_rate < last_success_rate_->threshold) {
        ++stats_.detected[index(EjectionType::kSuccessRate)];
        eject(candidate.host, EjectionType::kSuccessRate);
      }
    }
  }

  if (!failure_percentage_hosts_.empty() &&
      failure_percentage_hosts_.size() >= config_.failure_percentage_minimum_hosts) {
    const double threshold = config_.failure_percentage_threshold;
    for (const auto& candidate : failure_percentage_hosts_) {
      // A host the success-rate pass just ejected is not ejected twice.
      if (hosts_[candidate.host].ejected) continue;
      if (100.0 - candidate.success_rate >= threshold) {
        ++stats_.detected[index(EjectionType::kFailurePercentage)];
        eject(candidate.host, EjectionType::kFailurePercentage);
      }
    }
  }
}

}  // namespace faultline::balancer
