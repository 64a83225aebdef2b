#pragma once

#include <string>

#include "reports/results.pb.h"
#include "reports/results_io.h"

namespace faultline::reports {

// A run as Markdown, for pasting into a postmortem or a pull request: the verdict first (did it
// hold its SLO, the worst minute, what was lost), then the scenario, requests per client region,
// each fault with its detection, failover, recovery and loss, and the cost. GitHub-flavoured
// tables; every figure read from the results (docs/metrics.md).
std::string markdownReport(const results::RunResult& result);

// A comparison as Markdown: the ranking, each strategy's intervals, the paired differences
// against the first strategy, and sentences for the differences that are significant, and only
// those.
std::string markdownReport(const results::ComparisonResult& comparison);

// Whichever of the two a results file holds.
std::string markdownReport(const AnyResults& results);

}  // namespace faultline::reports
