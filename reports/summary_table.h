#pragma once

#include <string>

#include "reports/results.pb.h"

namespace faultline::reports {

// The summary `faultline run` prints: the run, a table of requests, availability and latency
// (overall and per client region), failures by cause, each fault, the failovers, and the SLO
// verdict. Plain text, fixed-width columns, no colour codes; read from the results, so the
// terminal shows exactly what the file holds.
std::string renderSummary(const results::RunResult& result);

// 1234567 -> "1,234,567".
std::string withThousands(std::int64_t value);

}  // namespace faultline::reports
