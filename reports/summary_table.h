#pragma once

#include <string>

#include "reports/results.pb.h"

namespace faultline::reports {

// The summary `faultline run` prints: the run, a table of requests, availability and latency
// (overall and per client region), failures by cause, each fault, the failovers, and the SLO
// verdict. Plain text, fixed-width columns, no colour codes; read from the results, so the
// terminal shows exactly what the file holds.
std::string renderSummary(const results::RunResult& result);

// requests - ok, held at the int64 limits instead of overflowing: a results file is untrusted
// and may hold any counts.
std::int64_t failedOf(std::int64_t requests, std::int64_t ok);

// 1234567 -> "1,234,567".
std::string withThousands(std::int64_t value);

// A share as a percentage with four decimals that never rounds a failure away: 0.9999999 is
// ">99.9999%", not "100.0000%", and 0.0000001 is "<0.0001%".
std::string percent(double share);

// A time since a fault's start, "+7.1 s", or "never" when it did not happen.
std::string sinceStart(bool happened, double seconds);

}  // namespace faultline::reports
