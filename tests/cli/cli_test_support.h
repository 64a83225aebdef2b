#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "tests/support/temp_dir.h"

namespace faultline::cli::testing {

// What one in-process run of `faultline` gave.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Readable failures: the exit code and both streams.
inline void PrintTo(const CommandResult& result, std::ostream* os) {
  *os << "exit " << result.exit_code << "\n--- out:\n" << result.out << "--- err:\n" << result.err;
}

// Runs `faultline ARGS...` in-process, as main() would, with string streams for out and err.
inline CommandResult runCommand(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"faultline"};
  for (const auto& arg : args)
    argv.push_back(arg.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CommandResult result;
  result.exit_code = runMain(static_cast<int>(argv.size()), argv.data(), out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

using ::faultline::testing::readFile;

using ::faultline::testing::TempDir;

// A small valid scenario that runs in a few milliseconds: one region, two hosts, no faults.
// Line numbers matter to the tests that change one line of it.
inline constexpr std::string_view kTinyScenario = R"txt(name: "tiny"
description: "one region, two hosts"
duration_s: 3
seed: 3
regions {
  name: "r"
  backends { group: "api"  count: 2  workers: 2  service_time { exponential { mean_ms: 5 } } }
  clients { rate_rps: 200  timeout_ms: 1000 }
}
balancer { strategy: "round-robin" }
)txt";

// The same scenario in JSON.
inline constexpr std::string_view kTinyScenarioJson = R"json({
  "name": "tiny",
  "description": "one region, two hosts",
  "durationS": 3,
  "seed": "3",
  "regions": [{
    "name": "r",
    "backends": [{
      "group": "api", "count": 2, "workers": 2,
      "serviceTime": { "exponential": { "meanMs": 5 } }
    }],
    "clients": { "rateRps": 200, "timeoutMs": 1000 }
  }],
  "balancer": { "strategy": "round-robin" }
}
)json";

}  // namespace faultline::cli::testing
