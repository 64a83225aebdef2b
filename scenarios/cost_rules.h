#pragma once

#include "scenarios/rule_checker.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/topology_index.h"

namespace faultline::scenarios {

// The rules of `cost` and of the clients' sizes on the wire: prices finite and not negative,
// regions named once and declared, sizes within 100 MB.
void checkCost(const scenario::Scenario& scenario, const TopologyIndex& topology,
               RuleChecker& rules);

}  // namespace faultline::scenarios
