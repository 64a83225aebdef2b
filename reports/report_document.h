#pragma once

#include "reports/document.h"
#include "reports/results.pb.h"
#include "reports/results_io.h"

namespace faultline::reports {

// A run's report: the verdict first (did it hold its SLO, the worst minute, what was lost), the
// charts of its windows with the faults shaded, then the scenario, requests per client region,
// each fault with its detection, failover, recovery and loss, and the cost. Every figure read
// from the results (docs/metrics.md).
Document reportDocument(const results::RunResult& result);

// A comparison's report: how it was run, the scenario, the ranking with each strategy's
// intervals, bar charts of them, sentences for the differences that are significant (and only
// those), the example runs overlaid, and the table of paired differences.
Document reportDocument(const results::ComparisonResult& comparison);

// Whichever of the two a results file holds.
Document reportDocument(const AnyResults& results);

}  // namespace faultline::reports
