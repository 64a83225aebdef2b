#include "reports/event_timeline.h"

#include <fmt/format.h>

namespace faultline::reports {
namespace {

bool isHostEvent(const results::Event& event) {
  return event.kind() == results::Event::HOST_MARKED_DOWN ||
         event.kind() == results::Event::HOST_MARKED_UP;
}

std::string told(const results::Event& event) {
  switch (event.kind()) {
    case results::Event::FAULT_STARTED:
      return fmt::format("fault \"{}\" starts", event.fault());
    case results::Event::FAULT_ENDED:
      return fmt::format("fault \"{}\" ends", event.fault());
    case results::Event::FAILOVER:
      return fmt::format("{} balancer fails over: {} → {}", event.balancer(),
                         event.from_region().empty() ? "none" : event.from_region(),
                         event.to_region().empty() ? "none" : event.to_region());
    case results::Event::INSTANCE_MARKED_DOWN:
      return fmt::format("balancer instance {} marked down", event.balancer());
    case results::Event::INSTANCE_MARKED_UP:
      return fmt::format("balancer instance {} marked up", event.balancer());
    default:
      return {};
  }
}

// Host events by one balancer, of one kind, from `first`, within `burst_s` of it: how many.
int burstLength(const results::RunResult& result, int first, double burst_s) {
  const auto& head = result.events(first);
  int n = 1;
  for (int i = first + 1; i < result.events_size(); ++i) {
    const auto& event = result.events(i);
    if (event.time_s() > head.time_s() + burst_s) break;
    if (!isHostEvent(event)) continue;
    if (event.kind() != head.kind() || event.balancer() != head.balancer()) continue;
    ++n;
  }
  return n;
}

}  // namespace

std::vector<TimelineEntry> eventTimeline(const results::RunResult& result, double burst_s,
                                         std::size_t limit) {
  std::vector<TimelineEntry> entries;
  std::vector<bool> told_already(static_cast<std::size_t>(result.events_size()), false);
  int untold = 0;
  double first_untold_s = 0;
  for (int i = 0; i < result.events_size(); ++i) {
    if (told_already[static_cast<std::size_t>(i)]) continue;
    const auto& event = result.events(i);
    std::string what;
    if (isHostEvent(event)) {
      const int n = burstLength(result, i, burst_s);
      double last = event.time_s();
      for (int j = i, found = 0; found < n; ++j) {
        const auto& other = result.events(j);
        if (!isHostEvent(other) || other.kind() != event.kind() ||
            other.balancer() != event.balancer()) {
          continue;
        }
        told_already[static_cast<std::size_t>(j)] = true;
        last = other.time_s();
        ++found;
      }
      const char* verb = event.kind() == results::Event::HOST_MARKED_DOWN ? "down" : "up";
      what = n == 1 ? fmt::format("{} balancer marks {} {}", event.balancer(), event.host(), verb)
                    : fmt::format("{} balancer marks {} hosts {} (until {:.3f} s)",
                                  event.balancer(), n, verb, last);
    } else {
      what = told(event);
    }
    if (what.empty()) continue;
    if (entries.size() >= limit) {
      if (untold++ == 0) first_untold_s = event.time_s();
      continue;
    }
    entries.push_back({event.time_s(), std::move(what)});
  }
  if (untold > 0) {
    entries.push_back({first_untold_s, fmt::format("… and {} more from here on", untold)});
  }
  return entries;
}

}  // namespace faultline::reports
