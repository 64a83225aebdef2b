#pragma once

#include <vector>

#include "scenarios/diagnostic.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/source_map.h"

namespace faultline::scenarios {

// Checks the structure and ranges of a parsed scenario: every rule docs/scenarios.md lists.
// Returns every violation found, not just the first, each with its field path, its location from
// `source_map`, and the rule with the value seen; empty means valid. Never modifies the scenario
// and never applies defaults (the engine does).
//
// Checks that need the balancer's registry (is this strategy name known?) are the engine's, when
// it builds the world.
std::vector<Diagnostic> validate(const scenario::Scenario& scenario, const SourceMap& source_map);

}  // namespace faultline::scenarios
