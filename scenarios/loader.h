#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "balancer/expected.h"
#include "scenarios/diagnostic.h"
#include "scenarios/loaded_scenario.h"

namespace faultline::scenarios {

// Loading is parsing plus validation, the one boundary where a scenario is checked (DESIGN.md,
// seam 4): a scenario that comes out of these functions satisfies every rule of validate(). An
// error carries every diagnostic found: all syntax or schema errors of the parse, or, when the
// parse succeeded, all rule violations.

enum class Format { kText, kJson };

// Scenario files are untrusted input; anything larger than this is refused before parsing.
inline constexpr std::size_t kMaxScenarioBytes = 16 * 1024 * 1024;

// `origin` names the source in diagnostics (a file path, a built-in name); empty reads "<input>".
Expected<LoadedScenario, LoadError> loadScenarioText(std::string_view text, std::string_view origin,
                                                     Format format);

// The format follows the extension: .json is JSON; .textproto, .txtpb, .pbtxt and .txt are text
// format; for any other extension the content decides (JSON when it starts with '{').
Expected<LoadedScenario, LoadError> loadScenarioFile(const std::filesystem::path& path);

// A built-in scenario's name ("region-outage") or a file path; the built-in wins when both
// exist (write "./region-outage" for the file). A name that is neither gets an error that lists
// the built-in scenarios.
Expected<LoadedScenario, LoadError> loadScenario(std::string_view name_or_path);

}  // namespace faultline::scenarios
