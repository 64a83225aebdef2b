#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "balancer/client_retry.h"
#include "balancer/load_balancer.h"
#include "balancer/strategy_registry.h"
#include "engine/metrics/run_layout.h"
#include "engine/sim/arrival_process.h"
#include "engine/sim/fault_spec.h"
#include "engine/sim/network.h"
#include "engine/sim/service_time.h"
#include "engine/sim/tier_spec.h"

namespace faultline::sim {

struct GroupSpec {
  std::string name;
  std::uint32_t region = 0;
  std::uint32_t weight = 1;
  std::uint32_t workers = 1;
  std::optional<std::uint32_t> queue_limit;  // nullopt: unlimited
  ServiceTime service = ServiceTime::constant(Duration::zero());
  double error_probability = 0;
};

struct HostSpec {
  std::uint32_t region = 0;
  std::uint32_t zone = 0;
  std::uint32_t group = 0;
};

// Which keys requests carry, for the hashing strategies.
struct RequestKeySpec {
  std::uint64_t distinct = 1;
  double zipf_exponent = 0;
};

// A closed loop's users: each sends, waits for the end, thinks, sends again.
struct ClosedLoopSpec {
  std::uint32_t users = 1;
  Duration mean_think_time{};  // exponential; zero: none
};

// The least a closed-loop user waits after a request refused at once (so that a user without
// think time cannot send again in the same instant forever); the live load generator's too.
inline constexpr Duration kMinUserPause = std::chrono::milliseconds(1);

// The clients of one region.
struct ClientSpec {
  std::uint32_t region = 0;
  std::vector<RateSegment> rate;               // the pattern times the surges, from time zero
  std::optional<ClosedLoopSpec> closed_loop;   // instead of the open loop's rate
  balancer::ClientRetryConfig retry;           // max_retries 0: the client never retries
  std::optional<Duration> timeout;             // nullopt: none
  std::optional<RequestKeySpec> request_keys;  // nullopt: requests carry no key
  std::vector<double> zone_shares;             // by zone of the region: where requests come from
};

struct BalancerSpec {
  std::string strategy;
  balancer::StrategyOptions options;
  balancer::LoadBalancerConfig config;  // health checks, priority load, panic
};

// A scenario resolved into what the simulator needs: names turned into indices, defaults applied,
// times in nanoseconds, fault targets chosen. Built once by buildWorldSpec and never changed.
struct WorldSpec {
  metrics::RunLayout layout;  // names, durations, faults and SLO, as observers see them
  std::vector<GroupSpec> groups;
  std::vector<HostSpec> hosts;
  std::vector<ClientSpec> clients;
  Network network{0};
  BalancerSpec balancer;
  std::optional<TierSpec> tier;   // nullopt: client-side balancing, one balancer per client region
  std::vector<FaultSpec> faults;  // parallel to layout.faults
  std::uint64_t seed = 0;
  // Arrivals stop at layout.duration; requests in flight then drain until this much later at
  // most, and whatever is still unanswered counts as unfinished.
  Duration drain_limit{};
  // Tries (and requests) in flight past which a run stops as a runaway (8,000,000 of each with
  // their events measured 2.7 GB): an overload that only grows would otherwise end by exhausting
  // memory. A steady 10 M requests a second with 300 ms round trips holds 3 M, so no lower.
  std::size_t max_tries_in_flight = 8'000'000;
  // Pending events (and clients' queued deadlines) past which a run stops as a runaway: 24 bytes
  // each, at most about 800 MB with the heap's growth. Messages on long links outlive the requests
  // that sent them (a client that gives up after 1 ms and retries at once across a 60 s link leaves
  // 60,000 of them per user on the wire), so the tries in flight alone do not bound the event set.
  std::size_t max_events_pending = 24'000'000;
};

}  // namespace faultline::sim
