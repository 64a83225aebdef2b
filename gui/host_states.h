#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "reports/results.pb.h"

namespace faultline::gui {

// What one host is doing at a moment of a run, as the map colours it.
enum class HostState : std::uint8_t {
  kServing,   // up, and every balancer that checks it uses it
  kDegraded,  // up and used, but a fault slows it or fails its requests (gray, brownout, errors)
  kEjected,   // up, but some balancer stopped using it (health checks or outlier detection)
  kDown,      // not serving: crashed, dark or paused
};

// Every host's state just before `time_s`, as a window ending then counts it (the simulator
// closes a window before what happens at its end): in the topology's order (regions, their
// groups, the group's hosts). The truth comes from the run's HOST_DOWN / HOST_UP events, the
// balancers' verdicts from HOST_MARKED_DOWN / HOST_MARKED_UP (a host is ejected while any
// balancer's last verdict on it is down), degradation from the host faults active then. Results
// written before HOST_DOWN existed say every host serves; the map checks the states against the
// window's counts and falls back on the counts where they disagree.
class HostStates {
 public:
  HostStates() = default;
  // Learns the run's hosts by name ("region/group-N", N from 1, as the engine names them).
  explicit HostStates(const results::Topology& topology);

  std::vector<HostState> at(const results::RunResult& result, double time_s) const;

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t count_ = 0;
  bool too_many_ = false;  // a crafted file's counts: the map draws from the counts then
};

// The same, learning the hosts on the way (tests, one-off reads).
std::vector<HostState> hostStatesAt(const results::RunResult& result, double time_s);

}  // namespace faultline::gui
