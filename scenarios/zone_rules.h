#pragma once

#include "scenarios/rule_checker.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/topology_index.h"

namespace faultline::scenarios {

// The rules of everything zones decide beyond the topology: how each region's clients spread
// over its zones, the cross-zone latency, and the balancer's zone routing (its mode, Envoy's
// bounds, zone weights that name real zones).
void checkZones(const scenario::Scenario& scenario, const TopologyIndex& topology,
                RuleChecker& rules);

}  // namespace faultline::scenarios
