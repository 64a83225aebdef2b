#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "balancer/expected.h"
#include "scenarios/diagnostic.h"

namespace faultline::scenarios {

// Traces are larger than scenarios: a month of per-second rates for a few regions.
inline constexpr std::size_t kMaxTraceBytes = 256 * 1024 * 1024;

// The rates of one region from a recorded trace in CSV: a header `second,<region>,...`, then
// one row per second with its number (0, 1, 2, ... in order) and a rate per region, requests per
// second, finite and >= 0. Blank lines and lines starting with '#' are skipped; fields may be
// padded with spaces; lines may end in CRLF. An error names `file:line:col` as its location.
Expected<std::vector<double>, Diagnostic> traceColumn(std::string_view csv, std::string_view file,
                                                      std::string_view region);

}  // namespace faultline::scenarios
