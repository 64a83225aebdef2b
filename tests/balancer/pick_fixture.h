#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "balancer/priority_set.h"
#include "balancer/strategy.h"

namespace faultline::balancer::testing {

// A level of hosts for strategy tests: all hosts in level 0 and healthy, with the weights given,
// named "h0", "h1", ..., their loads and the request to pick for, all settable by the test.
struct PickFixture {
  explicit PickFixture(std::vector<std::uint32_t> weights) : hosts(makeHosts(weights)) {
    for (HostIndex h = 0; h < weights.size(); ++h)
      candidates.push_back(h);
    load.resize(weights.size());
  }

  // A context for host source `source` over the current candidates. `version` stands for the
  // PrioritySet's: change it when the test changes the candidates, as the set would.
  PickContext context(std::uint32_t source = 0) const {
    return PickContext{.candidates = candidates,
                       .source = source,
                       .version = version,
                       .request = request,
                       .hosts = hosts,
                       .load = load};
  }

  PrioritySet hosts;
  std::vector<HostIndex> candidates;
  std::vector<HostLoad> load;
  Request request;
  std::uint64_t version = 1;

 private:
  static PrioritySet makeHosts(const std::vector<std::uint32_t>& weights) {
    std::vector<HostDescriptor> descriptors(weights.size());
    std::vector<HostIndex> level;
    for (HostIndex h = 0; h < weights.size(); ++h) {
      descriptors[h].address = h;
      char name[16];  // not "h" + std::to_string(h): g++ 12 warns falsely there (-Wrestrict)
      std::snprintf(name, sizeof name, "h%u", h);
      descriptors[h].name = name;
      descriptors[h].weight = weights[h];
      level.push_back(h);
    }
    return PrioritySet(std::move(descriptors), {level});
  }
};

// `count` hosts of weight 1.
inline PickFixture equalHosts(std::uint32_t count) {
  return PickFixture(std::vector<std::uint32_t>(count, 1));
}

}  // namespace faultline::balancer::testing
