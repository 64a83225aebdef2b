#pragma once

#include <string>
#include <vector>

#include "reports/results.pb.h"

namespace faultline::reports {

// One line of a run's story: when, and what happened.
struct TimelineEntry {
  double time_s = 0;
  std::string what;
};

// A run's events told briefly, in time order: faults starting and ending, failovers, tier
// instances marked down and up, and hosts marked down or up, a burst of them by one balancer
// (within `burst_s` of the burst's first) told as one line with its count and span. At most
// `limit` entries; a last one says how many more events there were. One pass over the events.
std::vector<TimelineEntry> eventTimeline(const results::RunResult& result, double burst_s = 5,
                                         std::size_t limit = 40);

}  // namespace faultline::reports
