#pragma once

#include <ostream>
#include <string_view>

#include "engine/sim/world_builder.h"
#include "scenarios/diagnostic.h"
#include "scenarios/source_map.h"

namespace faultline::cli {

// Prints every diagnostic of a scenario that did not load, one per line.
void printLoadError(const scenarios::LoadError& error, std::ostream& err);

// Prints an error the engine found after loading, at the same kind of position the loader gives:
// "file:line:col: balancer.strategy: unknown strategy ..." or, for an override from the command
// line, "faultline run: --strategy: ...".
void printConfigError(const sim::ConfigError& error, const scenarios::SourceMap& source_map,
                      std::string_view command, std::ostream& err);

}  // namespace faultline::cli
