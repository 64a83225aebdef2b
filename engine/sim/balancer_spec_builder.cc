#include "engine/sim/balancer_spec_builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/sim/spec_units.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;
namespace pb = scenario;

constexpr const char* kDefaultStrategy = "round-robin";  // Envoy's default lb_policy

void applyStrategyOptions(const pb::Balancer& config, balancer::StrategyOptions& options) {
  const auto& lr = config.least_request();
  if (lr.has_choice_count()) options.least_request.choice_count = lr.choice_count();
  options.least_request.full_scan = lr.full_scan();
  if (lr.has_active_request_bias()) {
    options.least_request.active_request_bias = lr.active_request_bias();
  }
  const auto& ewma = config.peak_ewma();
  if (ewma.has_decay_ms()) options.peak_ewma.decay = fromMillis(ewma.decay_ms());
  if (ewma.has_default_rtt_ms()) options.peak_ewma.default_rtt = fromMillis(ewma.default_rtt_ms());
  options.least_time.inflight = config.least_time().inflight();
  const auto& ring = config.ring_hash();
  if (ring.has_minimum_ring_size()) options.ring_hash.minimum_ring_size = ring.minimum_ring_size();
  if (ring.has_maximum_ring_size()) options.ring_hash.maximum_ring_size = ring.maximum_ring_size();
  options.ring_hash.hash_balance_factor = ring.hash_balance_factor();
  if (config.maglev().has_table_size()) options.maglev.table_size = config.maglev().table_size();
}

void applyPriority(const pb::Priority& priority, balancer::LoadBalancerConfig& config) {
  if (priority.has_overprovisioning_factor()) {
    config.priority.overprovisioning_factor =
        static_cast<std::uint32_t>(std::llround(priority.overprovisioning_factor() * 100));
  }
  if (priority.has_healthy_panic_threshold()) {
    config.priority.panic_threshold =
        static_cast<std::uint32_t>(std::llround(priority.healthy_panic_threshold()));
  }
  config.fail_traffic_on_panic = priority.fail_traffic_on_panic();
}

balancer::HealthCheckConfig healthCheck(const pb::HealthCheck& hc) {
  balancer::HealthCheckConfig out;
  out.enabled = !hc.has_enabled() || hc.enabled();
  if (hc.has_interval_ms()) out.interval = fromMillis(hc.interval_ms());
  out.timeout = hc.has_timeout_ms() ? fromMillis(hc.timeout_ms()) : out.interval;
  if (hc.has_unhealthy_threshold()) out.unhealthy_threshold = hc.unhealthy_threshold();
  if (hc.has_healthy_threshold()) out.healthy_threshold = hc.healthy_threshold();
  out.interval_jitter = fromMillis(hc.interval_jitter_ms());
  out.interval_jitter_percent =
      static_cast<std::uint32_t>(std::llround(hc.interval_jitter_percent()));
  out.initial_jitter = fromMillis(hc.initial_jitter_ms());
  out.no_traffic_interval = fromMillis(hc.no_traffic_interval_ms());
  out.unhealthy_interval = fromMillis(hc.unhealthy_interval_ms());
  out.unhealthy_edge_interval = fromMillis(hc.unhealthy_edge_interval_ms());
  out.healthy_edge_interval = fromMillis(hc.healthy_edge_interval_ms());
  out.haproxy_counter = hc.haproxy_counter();
  return out;
}

balancer::RetryPolicyConfig retryPolicy(const pb::Balancer& config) {
  balancer::RetryPolicyConfig out;
  if (!config.has_retry()) return out;
  const auto& retry = config.retry();
  out.enabled = true;
  if (!retry.retry_on().empty()) {
    out.retry_on = 0;
    for (int condition : retry.retry_on()) {
      switch (static_cast<pb::Retry::Condition>(condition)) {
        case pb::Retry::FIVE_XX:
          out.retry_on |= balancer::kRetryOn5xx;
          break;
        case pb::Retry::GATEWAY_ERROR:
          out.retry_on |= balancer::kRetryOnGatewayError;
          break;
        case pb::Retry::RESET:
          out.retry_on |= balancer::kRetryOnReset;
          break;
        case pb::Retry::CONNECT_FAILURE:
          out.retry_on |= balancer::kRetryOnConnectFailure;
          break;
        default:
          break;
      }
    }
  }
  if (retry.has_num_retries()) out.num_retries = retry.num_retries();
  out.per_try_timeout = fromMillis(retry.per_try_timeout_ms());
  if (retry.has_backoff_base_ms()) out.backoff_base = fromMillis(retry.backoff_base_ms());
  out.backoff_max =
      retry.has_backoff_max_ms() ? fromMillis(retry.backoff_max_ms()) : 10 * out.backoff_base;
  out.retry_other_hosts = retry.retry_other_hosts();
  if (retry.has_host_selection_retry_max_attempts()) {
    out.host_selection_retry_max_attempts = retry.host_selection_retry_max_attempts();
  }
  out.retry_other_priorities = retry.retry_other_priorities();
  if (retry.has_hedge()) {
    const auto& hedge = retry.hedge();
    out.hedge.enabled = true;
    if (hedge.has_delay_ms()) out.hedge.delay = fromMillis(hedge.delay_ms());
    out.hedge.percentile = hedge.percentile();
    if (hedge.has_max_hedges()) out.hedge.max_hedges = hedge.max_hedges();
  }
  return out;
}

balancer::OutlierDetectionConfig outlierDetection(const pb::Balancer& config) {
  balancer::OutlierDetectionConfig out;
  if (!config.has_outlier_detection()) return out;
  const auto& od = config.outlier_detection();
  out.enabled = true;
  if (od.has_interval_ms()) out.interval = fromMillis(od.interval_ms());
  if (od.has_base_ejection_time_ms())
    out.base_ejection_time = fromMillis(od.base_ejection_time_ms());
  out.max_ejection_time = od.has_max_ejection_time_ms()
                              ? fromMillis(od.max_ejection_time_ms())
                              : std::max(out.max_ejection_time, out.base_ejection_time);
  out.max_ejection_time_jitter = fromMillis(od.max_ejection_time_jitter_ms());
  if (od.has_max_ejection_percent()) out.max_ejection_percent = od.max_ejection_percent();
  out.always_eject_one_host = od.always_eject_one_host();
  if (od.has_consecutive_5xx()) out.consecutive_5xx = od.consecutive_5xx();
  if (od.has_enforcing_consecutive_5xx())
    out.enforcing_consecutive_5xx = od.enforcing_consecutive_5xx();
  if (od.has_consecutive_gateway_failure()) {
    out.consecutive_gateway_failure = od.consecutive_gateway_failure();
  }
  if (od.has_enforcing_consecutive_gateway_failure()) {
    out.enforcing_consecutive_gateway_failure = od.enforcing_consecutive_gateway_failure();
  }
  if (od.has_success_rate_minimum_hosts()) {
    out.success_rate_minimum_hosts = od.success_rate_minimum_hosts();
  }
  if (od.has_success_rate_request_volume()) {
    out.success_rate_request_volume = od.success_rate_request_volume();
  }
  if (od.has_success_rate_stdev_factor()) {
    out.success_rate_stdev_factor = od.success_rate_stdev_factor();
  }
  if (od.has_enforcing_success_rate()) out.enforcing_success_rate = od.enforcing_success_rate();
  if (od.has_failure_percentage_threshold()) {
    out.failure_percentage_threshold = od.failure_percentage_threshold();
  }
  if (od.has_enforcing_failure_percentage()) {
    out.enforcing_failure_percentage = od.enforcing_failure_percentage();
  }
  if (od.has_failure_percentage_minimum_hosts()) {
    out.failure_percentage_minimum_hosts = od.failure_percentage_minimum_hosts();
  }
  if (od.has_failure_percentage_request_volume()) {
    out.failure_percentage_request_volume = od.failure_percentage_request_volume();
  }
  if (od.has_successful_active_health_check_uneject_host()) {
    out.successful_active_health_check_uneject_host =
        od.successful_active_health_check_uneject_host();
  }
  return out;
}

// Without a circuit_breakers block nothing is limited: Envoy's thresholds are per proxy, and the
// regional balancer stands for every client of its region.
balancer::CircuitBreakersConfig circuitBreakers(const pb::Balancer& config) {
  using balancer::CircuitBreakersConfig;
  CircuitBreakersConfig out;
  if (!config.has_circuit_breakers()) {
    out.max_connections = out.max_pending_requests = out.max_requests = out.max_retries =
        CircuitBreakersConfig::kUnlimited;
    return out;
  }
  const auto& cb = config.circuit_breakers();
  if (cb.has_max_connections()) out.max_connections = cb.max_connections();
  if (cb.has_max_pending_requests()) out.max_pending_requests = cb.max_pending_requests();
  if (cb.has_max_requests()) out.max_requests = cb.max_requests();
  if (cb.has_max_retries()) out.max_retries = cb.max_retries();
  if (cb.has_retry_budget()) {
    balancer::RetryBudgetConfig budget;
    if (cb.retry_budget().has_budget_percent()) {
      budget.budget_percent = cb.retry_budget().budget_percent();
    }
    if (cb.retry_budget().has_min_retry_concurrency()) {
      budget.min_retry_concurrency = cb.retry_budget().min_retry_concurrency();
    }
    out.retry_budget = budget;
  }
  if (cb.per_host_max_connections() > 0)
    out.per_host_max_connections = cb.per_host_max_connections();
  if (cb.per_host_max_requests() > 0) out.per_host_max_requests = cb.per_host_max_requests();
  return out;
}

void applyAdmission(const pb::Balancer& config, balancer::LoadBalancerConfig& out) {
  if (config.has_local_rate_limit()) {
    const auto& rl = config.local_rate_limit();
    balancer::LocalRateLimitConfig limit;
    limit.max_tokens = rl.max_tokens();
    limit.tokens_per_fill = rl.has_tokens_per_fill() ? rl.tokens_per_fill() : rl.max_tokens();
    if (rl.has_fill_interval_ms()) limit.fill_interval = fromMillis(rl.fill_interval_ms());
    limit.timer_based_fills = rl.timer_based_fills();
    out.local_rate_limit = limit;
  }
  if (config.has_admission_control()) {
    const auto& ac = config.admission_control();
    balancer::AdmissionControlConfig admission;
    if (ac.has_sampling_window_s()) admission.sampling_window = fromSeconds(ac.sampling_window_s());
    if (ac.has_success_rate_threshold_percent()) {
      admission.success_rate_threshold = ac.success_rate_threshold_percent() / 100;
    }
    if (ac.has_aggression()) admission.aggression = ac.aggression();
    admission.rps_threshold = ac.rps_threshold();
    if (ac.has_max_rejection_probability_percent()) {
      admission.max_rejection_probability = ac.max_rejection_probability_percent() / 100;
    }
    out.admission_control = admission;
  }
  if (config.has_adaptive_concurrency()) {
    const auto& ac = config.adaptive_concurrency();
    balancer::AdaptiveConcurrencyConfig concurrency;
    if (ac.has_sample_aggregate_percentile()) {
      concurrency.sample_aggregate_percentile = ac.sample_aggregate_percentile() / 100;
    }
    if (ac.has_concurrency_update_interval_ms()) {
      concurrency.concurrency_update_interval = fromMillis(ac.concurrency_update_interval_ms());
    }
    if (ac.has_max_concurrency_limit())
      concurrency.max_concurrency_limit = ac.max_concurrency_limit();
    if (ac.has_min_concurrency()) concurrency.min_concurrency = ac.min_concurrency();
    if (ac.has_min_rtt_interval_s()) {
      concurrency.min_rtt_calc_interval = fromSeconds(ac.min_rtt_interval_s());
    }
    if (ac.has_min_rtt_jitter_percent())
      concurrency.min_rtt_jitter = ac.min_rtt_jitter_percent() / 100;
    if (ac.has_min_rtt_request_count())
      concurrency.min_rtt_request_count = ac.min_rtt_request_count();
    if (ac.has_min_rtt_buffer_percent())
      concurrency.min_rtt_buffer = ac.min_rtt_buffer_percent() / 100;
    out.adaptive_concurrency = concurrency;
  }
}

// Envoy offers slow start for its round robin and least request only; the others ignore it.
void applySlowStart(const pb::Balancer& config, const std::string& strategy,
                    balancer::LoadBalancerConfig& out) {
  if (!config.has_slow_start()) return;
  if (strategy != "round-robin" && strategy != "least-request") return;
  const auto& ss = config.slow_start();
  out.slow_start.window = fromMillis(ss.window_ms());
  if (ss.has_aggression()) out.slow_start.aggression = ss.aggression();
  if (ss.has_min_weight_percent()) out.slow_start.min_weight_percent = ss.min_weight_percent();
}

// Envoy routes by locality in its zone-aware base (round robin, least request, random), not in
// its hashing balancers; other strategies pick among the zone's hosts the way they pick among a
// level's. The zone weights name regions and zones: buildWorldSpec resolves them.
void applyZoneRouting(const pb::Balancer& config, const std::string& strategy,
                      balancer::LoadBalancerConfig& out) {
  if (strategy == "ring-hash" || strategy == "maglev") return;
  const auto& routing = config.zone_routing();
  switch (routing.mode()) {
    case pb::ZoneRouting::ZONE_AWARE: {
      balancer::ZoneAwareConfig zone_aware;
      if (routing.has_min_cluster_size()) zone_aware.min_cluster_size = routing.min_cluster_size();
      if (routing.has_routing_enabled_percent()) {
        zone_aware.routing_enabled_percent = routing.routing_enabled_percent();
      }
      out.zone_aware = zone_aware;  // the local region and its zones' shares: per balancer
      break;
    }
    case pb::ZoneRouting::LOCALITY_WEIGHTED:
      out.locality_weights.emplace();
      break;
    default:
      break;
  }
}

}  // namespace

Expected<BalancerSpec, ConfigError> buildBalancerSpec(
    const pb::Balancer& config, const std::optional<std::string>& strategy_override) {
  BalancerSpec spec;
  spec.strategy = strategy_override           ? *strategy_override
                  : config.strategy().empty() ? kDefaultStrategy
                                              : config.strategy();
  if (!balancer::isKnownStrategy(spec.strategy)) {
    return Unexpected(ConfigError{strategy_override ? "--strategy" : "balancer.strategy",
                                  "unknown strategy \"" + spec.strategy +
                                      "\" (known: " + balancer::knownStrategyNames() +
                                      "; `faultline strategies` describes them)"});
  }
  applyStrategyOptions(config, spec.options);
  applyPriority(config.priority(), spec.config);
  spec.config.health_check = healthCheck(config.health_check());
  spec.config.retry = retryPolicy(config);
  spec.config.outlier_detection = outlierDetection(config);
  spec.config.circuit_breakers = circuitBreakers(config);
  applyAdmission(config, spec.config);
  applySlowStart(config, spec.strategy, spec.config);
  applyZoneRouting(config, spec.strategy, spec.config);
  return spec;
}

}  // namespace faultline::sim
