#pragma once

#include <optional>
#include <string>

#include "balancer/expected.h"
#include "engine/sim/world_builder.h"
#include "engine/sim/world_spec.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim {

// The balancer part of a validated scenario: the strategy (checked against the registry; the
// override from the command line wins) and every mechanism's configuration, with the defaults of
// the proxy whose semantics it follows where the scenario says nothing.
Expected<BalancerSpec, ConfigError> buildBalancerSpec(
    const scenario::Balancer& config, const std::optional<std::string>& strategy_override);

}  // namespace faultline::sim
