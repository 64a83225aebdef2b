#pragma once

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>

#include "engine/sim/simulation.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim::testing {

// Parses a text-format scenario written in a test; a typo fails the test loudly.
inline scenario::Scenario parseScenario(const std::string& text) {
  scenario::Scenario parsed;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &parsed)) << text;
  return parsed;
}

// Runs a scenario written in a test through the same path `faultline run` takes.
inline results::RunResult simulateText(const std::string& text,
                                       const RunOverrides& overrides = {}) {
  auto result = simulateScenario(parseScenario(text), overrides);
  EXPECT_TRUE(result) << (result ? "" : result.error().path + ": " + result.error().message);
  return result ? std::move(*result) : results::RunResult{};
}

}  // namespace faultline::sim::testing
