#pragma once

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "reports/comparison.h"
#include "reports/comparison_runner.h"
#include "reports/render/qt_session.h"
#include "tests/support/builtin_runs.h"

namespace faultline::reports::render::testing {

// Every test that draws holds a Qt session (offscreen) for its length.
class RenderTest : public ::testing::Test {
 private:
  QtSession qt_;
};

// region-outage cut short: the outage (120 s to the end) and its recovery are in it.
inline results::RunResult regionOutageRun() {
  return faultline::testing::simulateBuiltIn("region-outage", std::chrono::seconds(150));
}

inline results::ComparisonResult regionOutageComparison() {
  ComparisonPlan plan;
  plan.strategies = {"least-request", "round-robin", "maglev"};
  plan.seeds = {1, 2};
  plan.duration = std::chrono::seconds(140);
  plan.jobs = 2;
  auto input =
      runComparison(faultline::testing::builtInScenario("region-outage"), plan, nullptr, {});
  EXPECT_TRUE(input.hasValue());
  return compare(std::move(*input));
}

// What a command printed on its standard output, and whether it exited with 0.
struct CommandOutput {
  bool ok = false;
  std::string out;
};

inline CommandOutput runTool(const std::string& command) {
  CommandOutput result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0)
    result.out.append(buffer.data(), n);
  result.ok = pclose(pipe.release()) == 0;
  return result;
}

}  // namespace faultline::reports::render::testing
