#pragma once

#include <string>

#include "reports/results.pb.h"

namespace faultline::reports {

// Text for one Markdown table cell: a pipe would end the cell and a newline the row.
std::string markdownCell(std::string text);

// The scenario as the results describe it, so a report stands alone: each region with its zones,
// backend groups, client traffic and failover order, then the fault timeline.
void appendScenarioSummary(const results::Topology& topology, std::string& out);

}  // namespace faultline::reports
