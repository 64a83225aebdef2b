#pragma once

#include <string>
#include <string_view>

#include "balancer/expected.h"
#include "scenarios/diagnostic.h"
#include "scenarios/loaded_scenario.h"

namespace faultline::scenarios {

// Parses protobuf's JSON mapping of a scenario (lowerCamelCase or original field names). The
// result is not validated yet.
//
// Two passes: nlohmann::json checks the syntax first, because protobuf's JSON parser reports no
// positions and nlohmann's does (origin:line:col); it also refuses duplicate keys, which
// protobuf would let the last one win silently, and nesting deeper than any scenario needs.
// Then protobuf maps the document onto the schema; its errors (unknown field, wrong type) carry
// a field path but no position.
Expected<LoadedScenario, LoadError> parseJsonScenario(std::string_view text, std::string origin);

}  // namespace faultline::scenarios
