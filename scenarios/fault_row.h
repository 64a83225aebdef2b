#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/diagnostic.h"
#include "scenarios/scenario.pb.h"

namespace faultline::scenarios {

// A 1-based line and byte column in a file.
struct TextPosition {
  std::size_t line = 0;
  std::size_t column = 0;
};

// One named value of a timeline row: a CSV cell under its column's header, or a JSON key and its
// value. An empty value is unset.
struct RowCell {
  std::string name;
  std::string value;
  TextPosition name_at;
  TextPosition value_at;
};

// One row of an incident timeline: where it starts and its cells.
struct FaultRow {
  TextPosition at;
  std::vector<RowCell> cells;
};

// The fault a row stands for, and where each of its fields was written: paths relative to the
// fault ("" for the fault itself, "start_s", "latency.latency_ms") with "file:line:col".
struct ImportedFault {
  scenario::Fault fault;
  std::vector<std::pair<std::string, std::string>> places;
};

// Whether a timeline may have a column of that name: `kind`, `target`, a field of Fault outside
// its kind (start_s, end_s, name, ramp_up_s, ramp_down_s), or a parameter of some kind.
bool isTimelineColumn(std::string_view name);

// "kind, target, name, start_s, ...": the columns for a message.
std::string timelineColumnsHelp();

// Builds the fault of one row with protobuf reflection, so every kind and every field the schema
// gains works without code of its own:
//   kind      the name of a field of Fault's `kind` oneof ("region_outage"); required
//   start_s   required; end_s, name, ramp_up_s, ramp_down_s: as in Fault
//   target    where it strikes, mapped onto the kind's fields (docs/scenarios.md, "Replaying an
//             incident"): region[/zone[/group]][*count | *percent%] for the kinds with `hosts`,
//             `from->to` or `from<->to` for links, region (and /zone, *count, *percent% where the
//             kind has those fields) for the others
//   any other name: a field of the kind's message; `a.b` a field of its message field `a`
// Values are numbers, true or false, enum names or text as the field's type asks. On a bad row
// every bad cell is appended to `diagnostics` (located at "file:line:col", without a path) and
// nothing is returned.
std::optional<ImportedFault> buildFault(const FaultRow& row, std::string_view file,
                                        std::vector<Diagnostic>& diagnostics);

}  // namespace faultline::scenarios
