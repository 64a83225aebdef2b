#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "balancer/expected.h"
#include "balancer/runtime.h"
#include "balancer/strategy.h"
#include "balancer/strategy_options.h"

namespace faultline::balancer {

// One line a user sees in `faultline strategies`.
struct StrategyInfo {
  std::string_view name;       // as written in a scenario: "least-request"
  std::string_view summary;    // what it does, in one line
  std::string_view semantics;  // whose semantics it follows
};

// Every strategy the core knows, in the order `faultline strategies` lists them.
std::span<const StrategyInfo> knownStrategies();

bool isKnownStrategy(std::string_view name);

// "round-robin, random, least-request": the names, for messages.
std::string knownStrategyNames();

// Builds a strategy by name for a balancer of `host_count` hosts; the error names the unknown
// strategy and lists the known ones.
Expected<std::unique_ptr<Strategy>, std::string> makeStrategy(std::string_view name,
                                                              const StrategyOptions& options,
                                                              Runtime& runtime,
                                                              std::size_t host_count);

}  // namespace faultline::balancer
