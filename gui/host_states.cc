#include "gui/host_states.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

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
  // Each balancer's last verdict on each host: a balancer may say "down" twice in a row (a host
  // failing its checks, then ejected by outlier detection too), so verdicts are states, not
  // increments. Balancers are told apart by the name the events give them.
  std::map<std::pair<std::string, std::size_t>, bool> verdict_down;
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
        verdict_down[{event.balancer(), h}] = true;
        break;
      case results::Event::HOST_MARKED_UP:
        verdict_down[{event.balancer(), h}] = false;
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
  std::vector<bool> ejected(count_, false);
  for (const auto& [key, is_down] : verdict_down) {
    if (is_down) ejected[key.second] = true;
  }
  std::vector<HostState> states(count_, HostState::kServing);
  for (std::size_t h = 0; h < states.size(); ++h) {
    if (down[h]) {
      states[h] = HostState::kDown;
    } else if (ejected[h]) {
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
