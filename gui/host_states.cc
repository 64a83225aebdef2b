#include "gui/host_states.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>

namespace faultline::gui {
namespace {

std::size_t hostCount(const results::Topology& topology) {
  std::size_t count = 0;
  for (const auto& region : topology.regions()) {
    for (const auto& group : region.groups())
      count += static_cast<std::size_t>(std::max(0, group.count()));
  }
  return count;
}

// Faults that leave a host up but worse: the same split as the simulator's.
bool degrades(std::string_view kind) {
  return kind == "latency" || kind == "errors" || kind == "brownout" || kind == "gray_failure" ||
         kind == "connection_reset" || kind == "connection_refused";
}

}  // namespace

HostStates::HostStates(const results::Topology& topology) : count_(hostCount(topology)) {
  // A crafted file may claim any count; the map then draws from the counts.
  constexpr std::size_t kMostHosts = 200'000;
  if (count_ > kMostHosts) {
    too_many_ = true;
    return;
  }
  std::size_t next = 0;
  for (const auto& region : topology.regions()) {
    for (const auto& group : region.groups()) {
      const std::string prefix = region.name() + "/" + group.name() + "-";
      for (int i = 1; i <= group.count(); ++i)
        index_.emplace(prefix + std::to_string(i), next++);
    }
  }
}

std::vector<HostState> HostStates::at(const results::RunResult& result, double time_s) const {
  if (too_many_) return {};
  std::vector<bool> down(count_, false);
  std::vector<int> marked_down(count_, 0);  // by how many balancers
  std::vector<bool> degraded(count_, false);
  const auto find = [&](const std::string& name) -> std::ptrdiff_t {
    const auto found = index_.find(name);
    return found == index_.end() ? -1 : static_cast<std::ptrdiff_t>(found->second);
  };
  for (const auto& event : result.events()) {
    // In time order as the engine writes them; a crafted file's order only costs the colours.
    if (!(event.time_s() < time_s)) continue;
    const std::ptrdiff_t host = find(event.host());
    if (host < 0) continue;
    const auto h = static_cast<std::size_t>(host);
    switch (event.kind()) {
      case results::Event::HOST_DOWN:
        down[h] = true;
        break;
      case results::Event::HOST_UP:
        down[h] = false;
        break;
      case results::Event::HOST_MARKED_DOWN:
        ++marked_down[h];
        break;
      case results::Event::HOST_MARKED_UP:
        if (marked_down[h] > 0) --marked_down[h];
        break;
      default:
        break;
    }
  }
  for (const auto& fault : result.topology().faults()) {
    if (!degrades(fault.kind()) || time_s <= fault.start_s() || time_s > fault.end_s()) continue;
    for (const auto& name : fault.hosts()) {
      if (const std::ptrdiff_t host = find(name); host >= 0) {
        degraded[static_cast<std::size_t>(host)] = true;
      }
    }
  }
  std::vector<HostState> states(count_, HostState::kServing);
  for (std::size_t h = 0; h < states.size(); ++h) {
    if (down[h]) {
      states[h] = HostState::kDown;
    } else if (marked_down[h] > 0) {
      states[h] = HostState::kEjected;
    } else if (degraded[h]) {
      states[h] = HostState::kDegraded;
    }
  }
  return states;
}

std::vector<HostState> hostStatesAt(const results::RunResult& result, double time_s) {
  return HostStates(result.topology()).at(result, time_s);
}

}  // namespace faultline::gui
