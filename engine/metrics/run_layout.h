#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "balancer/time.h"
#include "engine/metrics/cost_meter.h"

namespace faultline::metrics {

using balancer::Duration;
using balancer::TimePoint;

inline constexpr std::uint32_t kNoRegion = UINT32_MAX;

struct GroupLayout {
  std::string name;
  std::uint32_t count = 0;
  std::uint32_t workers = 0;
  std::optional<std::uint32_t> queue_limit;  // nullopt: unlimited
  Duration mean_service{};
};

struct RegionLayout {
  std::string name;
  std::vector<std::string> zones;
  std::vector<GroupLayout> groups;
  std::uint32_t hosts = 0;
  double client_rate_rps = 0;
  std::vector<std::uint32_t> failover_order;  // regions this region's balancer uses, by priority
};

struct HostLayout {
  std::string name;  // region/group-N
  std::uint32_t region = 0;
  std::uint32_t zone = 0;
};

struct FaultLayout {
  std::string name;
  std::string kind;
  TimePoint start{};
  TimePoint end{};
  std::vector<std::uint32_t> hosts;      // in index order
  std::vector<std::uint32_t> instances;  // tier instances it strikes (a balancer crash), in order
};

struct SloTarget {
  double availability = 0.999;
  Duration latency{};  // zero: no latency objective
  double latency_percentile = 99;
};

// What a run is: everything an observer needs to name and size what it is told. Fixed for the
// whole run.
struct RunLayout {
  std::string scenario;
  std::string description;
  std::string strategy;
  std::uint64_t seed = 0;
  std::string mode;  // "sim" or "live"
  Duration duration{};
  Duration window{};
  Duration warmup{};
  std::vector<RegionLayout> regions;
  std::vector<HostLayout> hosts;
  std::vector<std::string> instances;  // the balancer tier's instances (region/lb-N); none: no tier
  std::vector<FaultLayout> faults;
  SloTarget slo;
  CostLayout cost;
};

}  // namespace faultline::metrics
