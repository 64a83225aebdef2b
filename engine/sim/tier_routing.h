#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "engine/sim/random_streams.h"
#include "engine/sim/tier_spec.h"

namespace faultline::sim {

using balancer::TimePoint;

// How clients find an instance of the balancer tier: through DNS answered by a global policy,
// or through anycast, both steered by the global layer's health checks of the instances, which
// see a change only some checks after it happens.
//
// DNS follows Route 53's model: the answer for a client is a site chosen by the policy among the
// sites with an instance seen up (all of them when none is, as Route 53 answers when every record
// is unhealthy), listing that site's instances seen up. Each client region has `resolvers`
// caches, each keeping its answer for the TTL and refreshing at the first request after it
// expires; their first expiries are spread evenly over one TTL, so a change reaches the clients
// gradually over one TTL. A client tries the addresses of its answer in turn while connections
// are refused. Anycast carries a request to the nearest site whose route is announced (any
// instance seen up), then to one of its instances seen up (ECMP by request), with no second try.
class TierRouter {
 public:
  // Latency between two regions: `distance` as the network is built (NEAREST, and anycast's
  // routes), `measured` as clients would measure it now, link faults included (LOWEST_LATENCY).
  using Latency = std::function<Duration(std::uint32_t from, std::uint32_t to)>;

  TierRouter(const TierSpec& spec, std::vector<std::uint32_t> client_regions,
             std::uint32_t region_count, std::uint64_t seed, Latency distance, Latency measured);

  // Which instance the `attempt`-th connection of a client's request goes to (0 the first, then
  // one per refused connection); nullopt when there is none left to try.
  struct Route {
    std::optional<std::uint32_t> instance;
    bool dns_failure = false;  // the client could not resolve the name
  };
  Route route(std::uint32_t client, std::uint64_t request, std::uint32_t attempt, TimePoint now);

  bool alive(std::uint32_t instance) const { return alive_[instance] != 0; }
  void setAlive(std::uint32_t instance, bool alive) { alive_[instance] = alive ? 1 : 0; }
  // When the global layer's checks will have seen a change of `instance` made at `now`: at the
  // failure_threshold-th check after it. Checks of instance i run at (i + 0.5) / n of an interval
  // past each multiple of it, so instances are not all checked at once.
  TimePoint detectionTime(std::uint32_t instance, TimePoint now) const;
  void setSeenUp(std::uint32_t instance, bool up) { seen_up_[instance] = up ? 1 : 0; }
  bool seenUp(std::uint32_t instance) const { return seen_up_[instance] != 0; }

  // DNS faults on the resolvers of one client region, or of all (kNoRegion); they nest.
  void changeDnsFailure(std::uint32_t client_region, int delta);
  void changeDnsStale(std::uint32_t client_region, int delta);

 private:
  struct Answer {
    std::uint32_t region = 0;
    std::vector<std::uint32_t> instances;
  };
  struct Resolver {
    Answer answer;
    TimePoint expires{};
    std::uint64_t refreshes = 0;
  };

  Answer resolve(std::uint32_t client, std::uint32_t resolver, std::uint64_t refresh);
  std::uint32_t pickSite(std::uint32_t client_region, const std::vector<std::uint32_t>& sites,
                         std::uint64_t random_bits) const;
  std::vector<std::uint32_t> instancesOf(std::uint32_t region, bool only_seen_up) const;
  std::vector<std::uint32_t> sitesUp() const;
  Route anycast(std::uint32_t client, std::uint64_t request, std::uint32_t attempt) const;

  const TierSpec& spec_;
  std::vector<std::uint32_t> client_regions_;
  std::uint32_t region_count_;
  Latency distance_;
  Latency measured_;
  std::vector<std::uint32_t> sites_;  // regions with instances, in region order
  std::vector<std::uint8_t> alive_;
  std::vector<std::uint8_t> seen_up_;
  std::vector<std::vector<Resolver>> resolvers_;  // per client
  std::vector<HashRng> request_draws_;            // per client: resolver and instance by request
  std::vector<HashRng> answer_draws_;             // per client: the policy's random choices
  std::vector<int> dns_failure_;                  // per region
  std::vector<int> dns_stale_;
};

}  // namespace faultline::sim
