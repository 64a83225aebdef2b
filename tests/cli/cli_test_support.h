#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "cli/app.h"

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

inline std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A fresh, empty directory of the test's own, removed with the object.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("faultline_cli_") + info->test_suite_name() + "_" +
                       info->name() + "_" + std::to_string(::getpid()) + "_" +
                       std::to_string(next_++);
    // Parameterised tests have a '/' in their names.
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  // Writes `content` to a file of that name in the directory and returns its path.
  std::filesystem::path write(std::string_view name, std::string_view content) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

  // The names of everything in the directory, hidden files included, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  static inline int next_ = 0;  // several directories in one test
  std::filesystem::path path_;
};

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
