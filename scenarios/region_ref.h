#pragma once

#include <string>
#include <string_view>

#include "scenarios/rule_checker.h"
#include "scenarios/topology_index.h"

namespace faultline::scenarios {

// A region a field refers to by name: required, and declared. Reports at `path` and says whether
// it passed.
bool checkRegionRef(RuleChecker& rules, const TopologyIndex& topology, const std::string& path,
                    std::string_view region);

}  // namespace faultline::scenarios
