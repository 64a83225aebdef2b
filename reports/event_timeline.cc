#include "reports/event_timeline.h"

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <utility>

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

// Host events by one balancer, of one kind, that began within burst_s of the first.
struct Burst {
  const results::Event* first = nullptr;
  double last_s = 0;
  int count = 0;
};

std::string toldBurst(const Burst& burst) {
  const auto& event = *burst.first;
  const char* verb = event.kind() == results::Event::HOST_MARKED_DOWN ? "down" : "up";
  if (burst.count == 1) {
    return fmt::format("{} balancer marks {} {}", event.balancer(), event.host(), verb);
  }
  return fmt::format("{} balancer marks {} hosts {} (until {:.3f} s)", event.balancer(),
                     burst.count, verb, burst.last_s);
}

}  // namespace

std::vector<TimelineEntry> eventTimeline(const results::RunResult& result, double burst_s,
                                         std::size_t limit) {
  struct Line {
    double time_s = 0;
    std::string what;  // empty for a burst, told once complete
    std::size_t burst = 0;
  };
  std::vector<Line> lines;
  std::vector<Burst> bursts;
  // The burst still open for each (kind, balancer): one pass, however many events.
  std::map<std::pair<int, std::string>, std::size_t> open;
  std::int64_t untold = 0;
  double first_untold_s = 0;
  const auto tellLater = [&](const results::Event& event) {
    if (untold++ == 0) first_untold_s = event.time_s();
  };
  for (const auto& event : result.events()) {
    if (isHostEvent(event)) {
      const auto key = std::pair{static_cast<int>(event.kind()), event.balancer()};
      const auto found = open.find(key);
      if (found != open.end() &&
          event.time_s() <= bursts[found->second].first->time_s() + burst_s) {
        bursts[found->second].last_s = event.time_s();
        ++bursts[found->second].count;
        continue;
      }
      if (lines.size() >= limit) {
        tellLater(event);
        continue;
      }
      open[key] = bursts.size();
      lines.push_back({event.time_s(), {}, bursts.size()});
      bursts.push_back({&event, event.time_s(), 1});
      continue;
    }
    std::string what = told(event);
    if (what.empty()) continue;
    if (lines.size() >= limit) {
      tellLater(event);
      continue;
    }
    lines.push_back({event.time_s(), std::move(what), 0});
  }
  std::vector<TimelineEntry> entries;
  entries.reserve(lines.size() + 1);
  for (auto& line : lines) {
    entries.push_back(
        {line.time_s, line.what.empty() ? toldBurst(bursts[line.burst]) : std::move(line.what)});
  }
  if (untold > 0) {
    entries.push_back({first_untold_s, fmt::format("… and {} more events from here on", untold)});
  }
  return entries;
}

}  // namespace faultline::reports
