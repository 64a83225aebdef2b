#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "balancer/expected.h"
#include "scenarios/diagnostic.h"

namespace faultline::scenarios {

// Reads a whole file the scenario loader was pointed at (a scenario, a trace), refusing more than
// `max_bytes`: it reads at most one byte past the limit, so an endless device or a huge file
// cannot exhaust memory. `what` names the kind of file in messages ("scenario", "trace").
Expected<std::string, Diagnostic> readFile(const std::filesystem::path& path, std::size_t max_bytes,
                                           std::string_view what);

}  // namespace faultline::scenarios
