#pragma once

#include <cstdint>
#include <optional>

#include "reports/results.pb.h"

namespace faultline::reports {

// The worst stretch of about a minute: consecutive windows covering at least 60 s (the whole run
// when shorter) that lost the most requests, the latest-starting of equals.
struct WorstMinute {
  double start_s = 0;
  double end_s = 0;
  std::int64_t requests = 0;
  std::int64_t failed = 0;
  double availability = 1;
};

// The headline figures of one run that a report leads with, computed from its results
// (docs/metrics.md, "Report figures"): one definition, for every renderer.
struct RunFigures {
  double availability = 1;
  // Steady-state windows that met the SLO, over all of them (1 when there are none).
  double slo_attainment = 1;
  // How fast the run spent its error budget: (1 - availability) / (1 - target). 1 spends exactly
  // the budget over the run; 0 when the target is 100% and nothing failed.
  double burn_rate = 0;
  double downtime_minutes = 0;
  double cross_region_share = 0;            // of completed requests, served by another region
  std::optional<WorstMinute> worst_minute;  // none without windows
  bool slo_met = true;
};

RunFigures runFigures(const results::RunResult& result);

// The burn rate of an availability against a target, as above. A target of 1 has no budget:
// any failure burns at an infinite rate (reported as +infinity).
double burnRate(double availability, double target);

}  // namespace faultline::reports
