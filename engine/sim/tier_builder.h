#pragma once

#include "engine/sim/world_spec.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim {

// Resolves balancer.tier into spec.tier (nothing when the scenario has none). Needs the topology.
void buildTier(const scenario::Scenario& scenario, WorldSpec& spec);

}  // namespace faultline::sim
