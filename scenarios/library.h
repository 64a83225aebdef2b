#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace faultline::scenarios {

// A scenario shipped inside the binary: every scenarios/library/*.textproto, embedded at build
// time, so `faultline run region-outage` works from any directory.
struct BuiltinScenario {
  // The file name without its extension: "region-outage".
  std::string_view name;
  // The scenario's own description field.
  std::string_view description;
  // The text-format source.
  std::string_view text;
};

// Sorted by name. The views stay valid for the life of the program.
std::span<const BuiltinScenario> builtinScenarios();

std::optional<BuiltinScenario> findBuiltin(std::string_view name);

}  // namespace faultline::scenarios
