#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::scenarios {

// One problem found in a scenario: where it is, which field, and which rule it breaks. The same
// shape serves syntax errors, schema errors and rule violations, so the CLI prints them alike and
// exits with code 2 (DESIGN.md, "Errors").
struct Diagnostic {
  // "file:line:col" (1-based) when known, else "file" (or the built-in scenario's name).
  std::string location;
  // Field path like "regions[1].backends[0].workers"; empty for syntax errors.
  std::string path;
  // The rule, with the offending value: "must be >= 1 (got 0)".
  std::string message;

  // "file:3:7: regions[0].backends[0].workers: must be >= 1 (got 0)"
  std::string toString() const;
};

// Everything that kept a scenario from loading.
struct LoadError {
  std::vector<Diagnostic> diagnostics;

  // One diagnostic per line, no trailing newline.
  std::string toString() const;
};

// `value` in double quotes for a message, made safe to print: control characters and bytes
// outside ASCII are escaped as \xNN and long values are cut, because the value comes from an
// untrusted file and ends up on a terminal.
std::string quote(std::string_view value);

// `text` with control characters and bytes outside ASCII escaped as \xNN, and cut after
// `max_chars` characters ("..." marks the cut), for messages of other libraries that echo pieces
// of the input: an unknown field name can be a megabyte long.
inline constexpr std::size_t kMaxPrintableChars = 300;
std::string printable(std::string_view text, std::size_t max_chars = kMaxPrintableChars);

}  // namespace faultline::scenarios
