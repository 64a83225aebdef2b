#pragma once

#include <chrono>
#include <cstdint>

#include "balancer/time.h"

namespace faultline::balancer {

// Passive outlier detection, field for field Envoy's OutlierDetection
// (api/envoy/config/cluster/v3/outlier_detection.proto) with Envoy's defaults. Percentages are
// whole percents, 0 to 100. Envoy's split_external_local_origin_errors is not offered: it stays at
// its default, false, so locally originated failures count as 5xx (see OutlierDetector).
struct OutlierDetectionConfig {
  // Envoy has no outlier detection unless a cluster configures it.
  bool enabled = false;

  // Time between ejection sweeps: success-rate and failure-percentage ejections and returns to
  // service happen at sweeps only.
  Duration interval = std::chrono::seconds(10);
  // An ejection lasts base_ejection_time x the host's ejection multiplier, capped by
  // max_ejection_time, plus a jitter drawn once per ejection, uniform in [0,
  // max_ejection_time_jitter] at millisecond resolution. Envoy rejects max_ejection_time <
  // base_ejection_time; when a scenario sets only the base, Envoy's default for the maximum is
  // max(300 s, base).
  Duration base_ejection_time = std::chrono::seconds(30);
  Duration max_ejection_time = std::chrono::seconds(300);
  Duration max_ejection_time_jitter{};

  // An ejection is refused when it would take the ejected share of all hosts above this percent
  // (envoy#27066: the host about to be ejected counts).
  std::uint32_t max_ejection_percent = 10;
  // Envoy's always_eject_one_host (PR #34796): one ejection is allowed whatever the percent, as
  // long as no host is ejected. Default false, as in Envoy: with max_ejection_percent 10, a
  // cluster of fewer than 10 hosts then ejects nothing.
  bool always_eject_one_host = false;

  std::uint32_t consecutive_5xx = 5;
  std::uint32_t enforcing_consecutive_5xx = 100;
  std::uint32_t consecutive_gateway_failure = 5;
  std::uint32_t enforcing_consecutive_gateway_failure = 0;

  std::uint32_t success_rate_minimum_hosts = 5;
  std::uint32_t success_rate_request_volume = 100;
  // Thousandths: 1900 is a factor of 1.9 standard deviations.
  std::uint32_t success_rate_stdev_factor = 1900;
  std::uint32_t enforcing_success_rate = 100;

  std::uint32_t failure_percentage_threshold = 85;
  std::uint32_t enforcing_failure_percentage = 0;
  std::uint32_t failure_percentage_minimum_hosts = 5;
  std::uint32_t failure_percentage_request_volume = 50;

  // A passing active health check returns an ejected host to service.
  bool successful_active_health_check_uneject_host = true;
};

}  // namespace faultline::balancer
