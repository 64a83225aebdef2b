#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace faultline::balancer {

// Index of a host in one balancer's host list. Each balancer has its own list and its own view
// of the hosts' health and load, as each Envoy or HAProxy instance does.
using HostIndex = std::uint32_t;

// Where a host lives. Region and zone are indices the driver assigns; the core only compares them.
struct Locality {
  std::uint32_t region = 0;
  std::uint32_t zone = 0;
};

// What the balancer is told about a host when it is configured.
struct HostDescriptor {
  std::uint64_t address = 0;  // opaque to the core: the driver's own handle for the host
  // Stable and unique: what hashing strategies hash, so every balancer builds the same ring.
  std::string name;
  Locality locality;
  std::uint32_t weight = 1;  // >= 1
};

// The balancer's own load figures for a host, kept from its picks and the results reported.
struct HostLoad {
  // Envoy's rq_active: picked and not yet answered (or timed out) at this balancer.
  std::uint32_t active_requests = 0;
};

// Why the balancer considers a host unusable. A host is healthy when no flag is set.
enum HealthFlag : std::uint8_t {
  kFailedActiveHealthCheck = 1u << 0,
  kEjectedByOutlierDetection = 1u << 1,
};

}  // namespace faultline::balancer
