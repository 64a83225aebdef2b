#pragma once

#include <cstdint>
#include <vector>

#include "balancer/time.h"

namespace faultline::metrics {

using balancer::Duration;

// What the run's architecture costs, resolved from the scenario: prices in US dollars.
struct CostLayout {
  double hosts_hour_usd = 0;      // every backend host for an hour, each at its region's price
  double balancers_hour_usd = 0;  // every balancer for an hour
  double cross_region_gb_usd = 0;
  double internet_gb_usd = 0;
  double downtime_minute_usd = 5600;
  std::vector<std::uint64_t> request_bytes;   // per client region
  std::vector<std::uint64_t> response_bytes;  // per client region
};

struct CostFigures {
  double infrastructure_usd = 0;
  double cross_region_bytes = 0;
  double internet_bytes = 0;
  double downtime_minutes = 0;
};

// The figures with their prices applied, as the results carry them.
struct CostReport {
  double infrastructure_usd = 0;
  double cross_region_gb = 0;
  double cross_region_usd = 0;
  double internet_gb = 0;
  double internet_usd = 0;
  double downtime_minutes = 0;
  double downtime_usd = 0;

  double total_usd() const {
    return infrastructure_usd + cross_region_usd + internet_usd + downtime_usd;
  }
};

// Turns a run's figures into money: infrastructure by the hour, egress by the byte, downtime by
// the minute of windows that missed the SLO. Costs are derived from CostFigures and the prices on
// demand, so only the quantities are accumulated.
class CostMeter {
 public:
  explicit CostMeter(CostLayout layout) : layout_(std::move(layout)) {}

  // A completed request: its bytes cross regions when another region served it; a successful
  // response also leaves for the internet.
  void addRequest(CostFigures& figures, std::uint32_t client_region, bool cross_region,
                  bool ok) const;
  void addTime(CostFigures& figures, Duration length) const;
  void addDowntime(CostFigures& figures, Duration length) const;

  CostReport report(const CostFigures& figures) const;

 private:
  CostLayout layout_;
};

inline constexpr double kBytesPerGb = 1024.0 * 1024.0 * 1024.0;

}  // namespace faultline::metrics
