#pragma once

#include <string>
#include <string_view>

#include "balancer/expected.h"
#include "scenarios/diagnostic.h"
#include "scenarios/loaded_scenario.h"

namespace faultline::scenarios {

// Parses protobuf text format, recording where each field was written. The result is not
// validated yet. Errors carry origin:line:col, 1-based.
Expected<LoadedScenario, LoadError> parseTextScenario(std::string_view text, std::string origin);

}  // namespace faultline::scenarios
