#include "scenarios/resilience_rules.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace faultline::scenarios {
namespace {

constexpr double kMaxMs = 3'600'000;  // an hour
constexpr double kMinMs = 0.001;      // 1 us: well above the 1 ns the engine counts in

// A duration where 0 means "off" or "use the default": otherwise at least `min_ms`.
void checkOptionalMs(RuleChecker& rules, const std::string& path, double value, double min_ms) {
  if (!rules.checkNumber(path, value, {.at_least = 0, .at_most = kMaxMs})) return;
  if (value > 0 && value < min_ms) {
    rules.report(path, fmt::format("must be 0 or >= {} (got {})", formatNumber(min_ms),
                                   formatNumber(value)));
  }
}

void checkPercent(RuleChecker& rules, const std::string& path, double value) {
  rules.checkNumber(path, value, {.at_least = 0, .at_most = 100});
}

void checkRetry(const scenario::Retry& retry, RuleChecker& rules) {
  const std::string path = "balancer.retry";
  for (int i = 0; i < retry.retry_on_size(); ++i) {
    if (!scenario::Retry::Condition_IsValid(retry.retry_on(i))) {
      rules.report(fmt::format("{}.retry_on[{}]", path, i),
                   fmt::format("not a retry condition (got {}): FIVE_XX, GATEWAY_ERROR, RESET or "
                               "CONNECT_FAILURE",
                               retry.retry_on(i)));
    }
  }
  if (retry.has_num_retries()) rules.checkCount(path + ".num_retries", retry.num_retries(), 0, 10);
  checkOptionalMs(rules, path + ".per_try_timeout_ms", retry.per_try_timeout_ms(), kMinMs);
  const bool base_ok = !retry.has_backoff_base_ms() ||
                       rules.checkNumber(path + ".backoff_base_ms", retry.backoff_base_ms(),
                                         {.at_least = kMinMs, .at_most = kMaxMs});
  if (retry.has_backoff_max_ms() &&
      rules.checkNumber(path + ".backoff_max_ms", retry.backoff_max_ms(),
                        {.at_least = kMinMs, .at_most = kMaxMs}) &&
      base_ok && retry.has_backoff_base_ms() && retry.backoff_max_ms() < retry.backoff_base_ms()) {
    rules.report(path + ".backoff_max_ms", fmt::format("must be >= backoff_base_ms ({}) (got {})",
                                                       formatNumber(retry.backoff_base_ms()),
                                                       formatNumber(retry.backoff_max_ms())));
  }
  if (retry.has_host_selection_retry_max_attempts()) {
    rules.checkCount(path + ".host_selection_retry_max_attempts",
                     retry.host_selection_retry_max_attempts(), 1, 10);
  }
  if (!retry.has_hedge()) return;
  const auto& hedge = retry.hedge();
  if (hedge.has_delay_ms()) {
    rules.checkNumber(path + ".hedge.delay_ms", hedge.delay_ms(),
                      {.at_least = kMinMs, .at_most = kMaxMs});
  }
  rules.checkNumber(path + ".hedge.percentile", hedge.percentile(), {.at_least = 0, .below = 100});
  if (hedge.has_max_hedges())
    rules.checkCount(path + ".hedge.max_hedges", hedge.max_hedges(), 1, 3);
}

void checkOutlierDetection(const scenario::OutlierDetection& od, RuleChecker& rules) {
  const std::string path = "balancer.outlier_detection";
  if (od.has_interval_ms()) {
    rules.checkNumber(path + ".interval_ms", od.interval_ms(), {.at_least = 1, .at_most = kMaxMs});
  }
  const bool base_ok =
      !od.has_base_ejection_time_ms() ||
      rules.checkNumber(path + ".base_ejection_time_ms", od.base_ejection_time_ms(),
                        {.at_least = 1, .at_most = kMaxMs});
  if (od.has_max_ejection_time_ms() &&
      rules.checkNumber(path + ".max_ejection_time_ms", od.max_ejection_time_ms(),
                        {.at_least = 1, .at_most = kMaxMs}) &&
      base_ok) {
    const double base = od.has_base_ejection_time_ms() ? od.base_ejection_time_ms() : 30'000;
    if (od.max_ejection_time_ms() < base) {
      rules.report(path + ".max_ejection_time_ms",
                   fmt::format("must be >= base_ejection_time_ms ({}) (got {})", formatNumber(base),
                               formatNumber(od.max_ejection_time_ms())));
    }
  }
  rules.checkNumber(path + ".max_ejection_time_jitter_ms", od.max_ejection_time_jitter_ms(),
                    {.at_least = 0, .at_most = kMaxMs});
  const auto percent = [&](const char* field, bool has, std::uint32_t value) {
    if (has) rules.checkCount(path + "." + field, value, 0, 100);
  };
  percent("max_ejection_percent", od.has_max_ejection_percent(), od.max_ejection_percent());
  percent("enforcing_consecutive_5xx", od.has_enforcing_consecutive_5xx(),
          od.enforcing_consecutive_5xx());
  percent("enforcing_consecutive_gateway_failure", od.has_enforcing_consecutive_gateway_failure(),
          od.enforcing_consecutive_gateway_failure());
  percent("enforcing_success_rate", od.has_enforcing_success_rate(), od.enforcing_success_rate());
  percent("failure_percentage_threshold", od.has_failure_percentage_threshold(),
          od.failure_percentage_threshold());
  percent("enforcing_failure_percentage", od.has_enforcing_failure_percentage(),
          od.enforcing_failure_percentage());
  const auto count = [&](const char* field, bool has, std::uint32_t value, std::uint64_t min) {
    if (has) rules.checkCount(path + "." + field, value, min, 1'000'000);
  };
  count("consecutive_5xx", od.has_consecutive_5xx(), od.consecutive_5xx(), 1);
  count("consecutive_gateway_failure", od.has_consecutive_gateway_failure(),
        od.consecutive_gateway_failure(), 1);
  count("success_rate_minimum_hosts", od.has_success_rate_minimum_hosts(),
        od.success_rate_minimum_hosts(), 0);
  count("success_rate_request_volume", od.has_success_rate_request_volume(),
        od.success_rate_request_volume(), 0);
  count("success_rate_stdev_factor", od.has_success_rate_stdev_factor(),
        od.success_rate_stdev_factor(), 0);
  count("failure_percentage_minimum_hosts", od.has_failure_percentage_minimum_hosts(),
        od.failure_percentage_minimum_hosts(), 0);
  count("failure_percentage_request_volume", od.has_failure_percentage_request_volume(),
        od.failure_percentage_request_volume(), 0);
}

void checkCircuitBreakers(const scenario::CircuitBreakers& cb, RuleChecker& rules) {
  const std::string path = "balancer.circuit_breakers";
  const auto limit = [&](const char* field, bool has, std::uint32_t value) {
    if (has) rules.checkCount(path + "." + field, value, 0, 100'000'000);
  };
  limit("max_connections", cb.has_max_connections(), cb.max_connections());
  limit("max_pending_requests", cb.has_max_pending_requests(), cb.max_pending_requests());
  limit("max_requests", cb.has_max_requests(), cb.max_requests());
  limit("max_retries", cb.has_max_retries(), cb.max_retries());
  limit("per_host_max_connections", true, cb.per_host_max_connections());
  limit("per_host_max_requests", true, cb.per_host_max_requests());
  if (!cb.has_retry_budget()) return;
  if (cb.retry_budget().has_budget_percent()) {
    checkPercent(rules, path + ".retry_budget.budget_percent", cb.retry_budget().budget_percent());
  }
  if (cb.retry_budget().has_min_retry_concurrency()) {
    rules.checkCount(path + ".retry_budget.min_retry_concurrency",
                     cb.retry_budget().min_retry_concurrency(), 0, 100'000'000);
  }
}

void checkAdmission(const scenario::Balancer& balancer, RuleChecker& rules) {
  if (balancer.has_local_rate_limit()) {
    const auto& rl = balancer.local_rate_limit();
    const std::string path = "balancer.local_rate_limit";
    rules.checkCount(path + ".max_tokens", rl.max_tokens(), 1, 1'000'000'000);
    if (rl.has_tokens_per_fill()) {
      rules.checkCount(path + ".tokens_per_fill", rl.tokens_per_fill(), 1, 1'000'000'000);
    }
    if (rl.has_fill_interval_ms()) {
      rules.checkNumber(path + ".fill_interval_ms", rl.fill_interval_ms(),
                        {.at_least = 50, .at_most = kMaxMs});  // Envoy's minimum
    }
  }
  if (balancer.has_admission_control()) {
    const auto& ac = balancer.admission_control();
    const std::string path = "balancer.admission_control";
    if (ac.has_sampling_window_s() &&
        rules.checkNumber(path + ".sampling_window_s", ac.sampling_window_s(),
                          {.at_least = 1, .at_most = 3600}) &&
        ac.sampling_window_s() != std::floor(ac.sampling_window_s())) {
      rules.report(path + ".sampling_window_s",
                   fmt::format("must be a whole number of seconds (got {})",
                               formatNumber(ac.sampling_window_s())));
    }
    if (ac.has_success_rate_threshold_percent()) {
      rules.checkNumber(path + ".success_rate_threshold_percent",
                        ac.success_rate_threshold_percent(), {.above = 0, .at_most = 100});
    }
    if (ac.has_aggression()) {
      rules.checkNumber(path + ".aggression", ac.aggression(), {.at_least = 1, .at_most = 100});
    }
    if (ac.has_max_rejection_probability_percent()) {
      checkPercent(rules, path + ".max_rejection_probability_percent",
                   ac.max_rejection_probability_percent());
    }
  }
  if (!balancer.has_adaptive_concurrency()) return;
  const auto& ac = balancer.adaptive_concurrency();
  const std::string path = "balancer.adaptive_concurrency";
  if (ac.has_sample_aggregate_percentile()) {
    checkPercent(rules, path + ".sample_aggregate_percentile", ac.sample_aggregate_percentile());
  }
  if (ac.has_concurrency_update_interval_ms()) {
    rules.checkNumber(path + ".concurrency_update_interval_ms", ac.concurrency_update_interval_ms(),
                      {.at_least = 1, .at_most = kMaxMs});
  }
  // Envoy's defaults: min_concurrency 3, max_concurrency_limit 1000. The two must stay in order
  // whichever of them the scenario sets.
  const std::uint32_t min_concurrency = ac.has_min_concurrency() ? ac.min_concurrency() : 3;
  if (ac.has_min_concurrency() &&
      rules.checkCount(path + ".min_concurrency", ac.min_concurrency(), 1, 1'000'000) &&
      !ac.has_max_concurrency_limit() && ac.min_concurrency() > 1000) {
    rules.report(path + ".min_concurrency",
                 fmt::format("must be <= max_concurrency_limit (default 1000) (got {})",
                             ac.min_concurrency()));
  }
  if (ac.has_max_concurrency_limit()) {
    rules.checkCount(path + ".max_concurrency_limit", ac.max_concurrency_limit(), min_concurrency,
                     1'000'000);
  }
  if (ac.has_min_rtt_interval_s()) {
    rules.checkNumber(path + ".min_rtt_interval_s", ac.min_rtt_interval_s(),
                      {.at_least = 0.001, .at_most = 86'400});
  }
  if (ac.has_min_rtt_jitter_percent()) {
    checkPercent(rules, path + ".min_rtt_jitter_percent", ac.min_rtt_jitter_percent());
  }
  if (ac.has_min_rtt_request_count()) {
    rules.checkCount(path + ".min_rtt_request_count", ac.min_rtt_request_count(), 1, 1'000'000);
  }
  if (ac.has_min_rtt_buffer_percent()) {
    rules.checkNumber(path + ".min_rtt_buffer_percent", ac.min_rtt_buffer_percent(),
                      {.at_least = 0, .at_most = 1000});
  }
}

// The health checks' finer intervals: 0 falls back to the interval named in the schema.
void checkHealthCheckIntervals(const scenario::HealthCheck& hc, RuleChecker& rules) {
  const std::string path = "balancer.health_check";
  checkPercent(rules, path + ".interval_jitter_percent", hc.interval_jitter_percent());
  checkOptionalMs(rules, path + ".interval_jitter_ms", hc.interval_jitter_ms(), 0);
  checkOptionalMs(rules, path + ".initial_jitter_ms", hc.initial_jitter_ms(), 0);
  checkOptionalMs(rules, path + ".no_traffic_interval_ms", hc.no_traffic_interval_ms(), 1);
  checkOptionalMs(rules, path + ".unhealthy_interval_ms", hc.unhealthy_interval_ms(), 1);
  checkOptionalMs(rules, path + ".unhealthy_edge_interval_ms", hc.unhealthy_edge_interval_ms(), 1);
  checkOptionalMs(rules, path + ".healthy_edge_interval_ms", hc.healthy_edge_interval_ms(), 1);
}

void checkSlowStart(const scenario::Balancer& balancer, RuleChecker& rules) {
  const auto& ss = balancer.slow_start();
  const std::string path = "balancer.slow_start";
  rules.checkNumber(path + ".window_ms", ss.window_ms(), {.above = 0, .at_most = kMaxMs});
  if (ss.has_aggression()) {
    rules.checkNumber(path + ".aggression", ss.aggression(), {.above = 0, .at_most = 100});
  }
  if (ss.has_min_weight_percent()) {
    checkPercent(rules, path + ".min_weight_percent", ss.min_weight_percent());
  }
  // A host ramps when it passes its checks again: without checks none ever would.
  if (balancer.health_check().has_enabled() && !balancer.health_check().enabled()) {
    rules.report(path, "needs health checks: a host ramps up when it passes them again");
  }
  const std::string& strategy = balancer.strategy();
  if (!strategy.empty() && strategy != "round-robin" && strategy != "least-request") {
    rules.report(path, fmt::format("applies to round-robin and least-request only (as in "
                                   "Envoy), not \"{}\"",
                                   strategy));
  }
}

}  // namespace

void checkResilience(const scenario::Balancer& balancer, RuleChecker& rules) {
  if (balancer.has_retry()) checkRetry(balancer.retry(), rules);
  if (balancer.has_outlier_detection()) checkOutlierDetection(balancer.outlier_detection(), rules);
  if (balancer.has_circuit_breakers()) checkCircuitBreakers(balancer.circuit_breakers(), rules);
  checkAdmission(balancer, rules);
  checkHealthCheckIntervals(balancer.health_check(), rules);
  if (balancer.has_slow_start()) checkSlowStart(balancer, rules);
}

}  // namespace faultline::scenarios
