#pragma once

#include "scenarios/rule_checker.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/topology_index.h"

namespace faultline::scenarios {

// The rules of balancer.tier: sites in declared regions and zones, a policy with what it needs
// (weights of sites, a failover order naming every site), and bounds on the DNS and health check
// settings that keep the resolvers' memory and the checks' events in check.
void checkTier(const scenario::BalancerTier& tier, const TopologyIndex& topology,
               RuleChecker& rules);

}  // namespace faultline::scenarios
