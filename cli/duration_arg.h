#pragma once

#include <string>
#include <string_view>

#include "balancer/expected.h"
#include "balancer/time.h"

namespace faultline::cli {

// A duration as people write it on a command line: "90s", "1.5m", "2h", "500ms", or a bare
// number of seconds. Must be positive and at most 30 days (the longest scenario).
Expected<balancer::Duration, std::string> parseDuration(std::string_view text);

}  // namespace faultline::cli
