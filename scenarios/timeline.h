#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "balancer/expected.h"
#include "scenarios/diagnostic.h"
#include "scenarios/fault_row.h"

namespace faultline::scenarios {

// An incident timeline is part of a scenario; anything larger is refused before it is read.
inline constexpr std::size_t kMaxTimelineBytes = 16 * 1024 * 1024;
// Columns of a CSV timeline, keys of a JSON row: far more than any fault kind has fields.
inline constexpr std::size_t kMaxTimelineColumns = 64;

enum class TimelineFormat { kCsv, kJson };

// Reads an incident timeline (docs/scenarios.md, "Replaying an incident") into one fault per
// row, in the order of the rows; see buildFault for what a row holds.
//
// CSV: a header row naming the columns (it must name start_s and kind; every name must be a
// column buildFault knows), then one row per fault, as many fields as the header; an empty
// field is unset. The conventions of csv.h apply (comments, blank lines, CRLF, padding, quotes).
// JSON: an array of objects with the same names as keys; null is unset.
//
// A row's location is its line (and, in JSON, the column of its '{'); a cell's is the column
// where its value starts. Every bad row is reported, with every bad cell of it, located at
// "file:line:col" and without a field path. The scenario has `own_faults` faults already: more
// rows than fit beside them in limits::kMaxFaults are an error at the first row too many.
Expected<std::vector<ImportedFault>, std::vector<Diagnostic>> readTimeline(std::string_view text,
                                                                           std::string_view file,
                                                                           TimelineFormat format,
                                                                           std::size_t own_faults);

}  // namespace faultline::scenarios
