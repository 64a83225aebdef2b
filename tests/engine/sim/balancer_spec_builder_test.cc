// The balancer block of a scenario into the core's configuration: Envoy's defaults where the
// scenario is silent, units converted, mechanisms off unless their block is present.
#include "engine/sim/balancer_spec_builder.h"

#include <gtest/gtest.h>

#include <chrono>

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;
namespace pb = scenario;

BalancerSpec build(const pb::Balancer& config,
                   const std::optional<std::string>& strategy_override = std::nullopt) {
  auto spec = buildBalancerSpec(config, strategy_override);
  EXPECT_TRUE(spec.hasValue());
  return spec.hasValue() ? spec.value() : BalancerSpec{};
}

TEST(BalancerSpecBuilder, AnEmptyBlockIsEnvoysRoundRobinWithHealthChecksAndNothingElse) {
  const BalancerSpec spec = build(pb::Balancer{});
  EXPECT_EQ(spec.strategy, "round-robin");
  EXPECT_TRUE(spec.config.health_check.enabled);
  EXPECT_EQ(spec.config.health_check.timeout, spec.config.health_check.interval);
  EXPECT_EQ(spec.config.priority.overprovisioning_factor, 140u);
  EXPECT_EQ(spec.config.priority.panic_threshold, 50u);
  EXPECT_FALSE(spec.config.retry.enabled);
  EXPECT_FALSE(spec.config.outlier_detection.enabled);
  EXPECT_EQ(spec.config.circuit_breakers.max_requests, balancer::CircuitBreakersConfig::kUnlimited);
  EXPECT_FALSE(spec.config.local_rate_limit.has_value());
  EXPECT_FALSE(spec.config.admission_control.has_value());
  EXPECT_FALSE(spec.config.adaptive_concurrency.has_value());
  EXPECT_EQ(spec.config.slow_start.window, Duration::zero());
}

TEST(BalancerSpecBuilder, TheCommandLineStrategyWinsAndUnknownNamesAreErrors) {
  pb::Balancer config;
  config.set_strategy("maglev");
  EXPECT_EQ(build(config, "least-request").strategy, "least-request");
  const auto bad = buildBalancerSpec(config, std::string("fastest"));
  ASSERT_FALSE(bad.hasValue());
  EXPECT_EQ(bad.error().path, "--strategy");
  config.set_strategy("fastest");
  const auto bad_in_file = buildBalancerSpec(config, std::nullopt);
  ASSERT_FALSE(bad_in_file.hasValue());
  EXPECT_EQ(bad_in_file.error().path, "balancer.strategy");
}

TEST(BalancerSpecBuilder, PresentBlocksTurnTheirMechanismsOnWithEnvoysDefaults) {
  pb::Balancer config;
  config.mutable_retry()->set_backoff_base_ms(40);
  config.mutable_outlier_detection()->set_base_ejection_time_ms(400'000);
  config.mutable_circuit_breakers();
  const BalancerSpec spec = build(config);
  EXPECT_TRUE(spec.config.retry.enabled);
  EXPECT_EQ(spec.config.retry.num_retries, 1u);
  EXPECT_EQ(spec.config.retry.backoff_base, 40ms);
  EXPECT_EQ(spec.config.retry.backoff_max, 400ms);  // Envoy: 10 x base
  EXPECT_TRUE(spec.config.outlier_detection.enabled);
  EXPECT_EQ(spec.config.outlier_detection.base_ejection_time, 400s);
  EXPECT_EQ(spec.config.outlier_detection.max_ejection_time, 400s);  // at least the base
  EXPECT_EQ(spec.config.circuit_breakers.max_requests, 1024u);
  EXPECT_EQ(spec.config.circuit_breakers.max_retries, 3u);
}

TEST(BalancerSpecBuilder, SlowStartAppliesToRoundRobinAndLeastRequestOnly) {
  pb::Balancer config;
  auto* slow_start = config.mutable_slow_start();
  slow_start->set_window_ms(30'000);
  slow_start->set_aggression(2);
  const BalancerSpec round_robin = build(config);
  EXPECT_EQ(round_robin.config.slow_start.window, 30s);
  EXPECT_EQ(round_robin.config.slow_start.aggression, 2);
  EXPECT_EQ(round_robin.config.slow_start.min_weight_percent, 10);  // Envoy's default
  EXPECT_EQ(build(config, "least-request").config.slow_start.window, 30s);
  // Comparing strategies runs the others on the same file: they run without it, as in Envoy.
  EXPECT_EQ(build(config, "random").config.slow_start.window, Duration::zero());
}

TEST(BalancerSpecBuilder, ZoneRoutingTakesEnvoysDefaultsAndSkipsTheHashingStrategies) {
  pb::Balancer config;
  EXPECT_FALSE(build(config).config.zone_aware.has_value());
  config.mutable_zone_routing()->set_mode(pb::ZoneRouting::ZONE_AWARE);
  const auto zone_aware = build(config).config.zone_aware;
  ASSERT_TRUE(zone_aware.has_value());
  EXPECT_EQ(zone_aware->min_cluster_size, 6u);
  EXPECT_EQ(zone_aware->routing_enabled_percent, 100);
  EXPECT_FALSE(build(config, "maglev").config.zone_aware.has_value());
  config.mutable_zone_routing()->set_mode(pb::ZoneRouting::LOCALITY_WEIGHTED);
  EXPECT_TRUE(build(config).config.locality_weights.has_value());
  EXPECT_FALSE(build(config).config.zone_aware.has_value());
  EXPECT_FALSE(build(config, "ring-hash").config.locality_weights.has_value());
}

}  // namespace
}  // namespace faultline::sim
