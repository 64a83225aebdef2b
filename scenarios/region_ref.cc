#include "scenarios/region_ref.h"

#include <fmt/format.h>

namespace faultline::scenarios {

bool checkRegionRef(RuleChecker& rules, const TopologyIndex& topology, const std::string& path,
                    std::string_view region) {
  if (region.empty()) {
    rules.report(path, "is required: a region name");
    return false;
  }
  if (!topology.hasRegion(region)) {
    rules.report(path, fmt::format("unknown region {} (regions: {})", quote(region),
                                   nameList(topology.regionNames())));
    return false;
  }
  return true;
}

}  // namespace faultline::scenarios
