#pragma once

#include "reports/document.h"
#include "reports/results.pb.h"

namespace faultline::reports {

// The scenario as the results describe it, so a report stands alone: each region with its zones,
// backend groups, client traffic and failover order, then the fault timeline.
void appendScenarioSummary(const results::Topology& topology, Document& document);

}  // namespace faultline::reports
