#include "balancer/strategy_registry.h"

#include <array>

#include "balancer/least_request.h"
#include "balancer/random_pick.h"
#include "balancer/round_robin.h"

namespace faultline::balancer {
namespace {

constexpr std::array kStrategies = {
    StrategyInfo{"round-robin", "each healthy host in turn",
                 "Envoy ROUND_ROBIN (equal weights), NGINX default"},
    StrategyInfo{"random", "a uniformly random healthy host",
                 "Envoy RANDOM, NGINX random, HAProxy random(1)"},
    StrategyInfo{"least-request",
                 "the least loaded of N hosts sampled with replacement (default N = 2)",
                 "Envoy LEAST_REQUEST (N_CHOICES), gRPC least_request"},
};

}  // namespace

std::span<const StrategyInfo> knownStrategies() {
  return kStrategies;
}

std::string knownStrategyNames() {
  std::string names;
  for (const auto& info : kStrategies) {
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

bool isKnownStrategy(std::string_view name) {
  for (const auto& info : kStrategies) {
    if (info.name == name) return true;
  }
  return false;
}

Expected<std::unique_ptr<Strategy>, std::string> makeStrategy(std::string_view name,
                                                              const StrategyOptions& options,
                                                              Runtime& runtime,
                                                              std::size_t /*host_count*/) {
  std::unique_ptr<Strategy> strategy;
  if (name == "round-robin") {
    strategy = std::make_unique<RoundRobin>(runtime);
  } else if (name == "random") {
    strategy = std::make_unique<RandomPick>(runtime);
  } else if (name == "least-request") {
    strategy = std::make_unique<LeastRequest>(runtime, options.least_request.choice_count);
  } else {
    return Unexpected("unknown strategy \"" + std::string(name) +
                      "\" (known: " + knownStrategyNames() + ")");
  }
  return strategy;
}

}  // namespace faultline::balancer
