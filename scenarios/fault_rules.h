#pragma once

#include "scenarios/rule_checker.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/topology_index.h"

namespace faultline::scenarios {

// The rules of the faults: a kind each, times and ramps within the run, targets that exist (hosts
// a selector matches, regions a link joins), strengths in their ranges. `duration_ok` says
// whether duration_s passed its own checks, so that times are judged against it only then.
void checkFaults(const scenario::Scenario& scenario, const TopologyIndex& topology,
                 RuleChecker& rules, bool duration_ok);

}  // namespace faultline::scenarios
