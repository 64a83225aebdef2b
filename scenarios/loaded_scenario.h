#pragma once

#include <string>

#include "scenarios/scenario.pb.h"
#include "scenarios/source_map.h"

namespace faultline::scenarios {

// A parsed scenario with where it came from. Out of the loader it is also valid: code past the
// loader may assume every rule of the validator holds (DESIGN.md, seam 4).
struct LoadedScenario {
  scenario::Scenario scenario;
  // The file path, or the built-in scenario's name.
  std::string origin;
  // For reporting later checks (the engine's) at the same positions as the loader's.
  SourceMap source_map;
};

}  // namespace faultline::scenarios
