#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/live/host_faults.h"
#include "engine/live/live_run.h"
#include "engine/live/live_runtime.h"
#include "engine/live/load_generator.h"
#include "engine/live/proxy.h"
#include "engine/live/synthetic_backend.h"
#include "engine/live/tier_front.h"
#include "engine/metrics/metrics_collector.h"
#include "engine/sim/link_faults.h"

namespace faultline::live {

// One live run (live_run.h): the backends, a proxy per client region (or per instance of the
// balancer tier, with a front per client region through which its clients reach them), a load
// generator per client region, the faults' timeline and the windows, all on one io_context.
// Built whole, then run once.
class LiveWorld {
 public:
  LiveWorld(const sim::WorldSpec& spec, const LiveOptions& options, metrics::Observer& observer);
  ~LiveWorld();

  sim::RunStatus run(const std::atomic<bool>* stop);

 private:
  // A proxy: a client region's balancer, or an instance of the tier.
  struct Balancer;
  // A client region: its traffic, the way it reaches the tier if there is one, and what its
  // requests were sent into.
  struct ClientRegion;
  class BalancerListener;

  void buildBackends();
  void buildBalancers();
  void buildTier();
  void buildClients();
  void addBalancer(std::uint32_t region, std::uint32_t zone, std::optional<std::uint32_t> instance);
  ProxyConfig proxyConfigFor(std::uint32_t region) const;
  Balancer* balancerOf(std::uint32_t region) const;  // a client region's client-side balancer
  balancer::Duration clientTimeout(std::optional<std::uint32_t> region) const;
  std::uint32_t connectionsPerClient() const;
  void strikeInstances(std::uint32_t fault, const sim::FaultStep& before, bool starting,
                       bool ending);
  void setInstanceAlive(std::uint32_t instance, bool alive);
  void scheduleFaults();
  void onFaultStep(std::uint32_t fault, std::size_t step);
  void strikeHosts(std::uint32_t fault, bool ending);
  bool applyHostFaults(std::uint32_t host, balancer::TimePoint now);
  void scheduleRampRefresh();
  void rampTick(balancer::TimePoint when);
  void refreshRamps();
  void scheduleWindow(balancer::TimePoint end);
  // The metrics' clock: never backwards, and every window ending at or before it closed first.
  balancer::TimePoint advanceTo(balancer::TimePoint at);
  void closeWindow(balancer::TimePoint end);
  void recordTries(balancer::TimePoint at);
  void onArrival(ClientRegion& client, std::uint64_t index, balancer::TimePoint intended);
  void onResult(ClientRegion& client, const LoadResult& result);
  void finishIfDone();
  void at(balancer::TimePoint when, std::function<void()> what);

  const sim::WorldSpec& spec_;
  LiveOptions options_;
  metrics::Observer& observer_;
  boost::asio::io_context io_;
  std::chrono::steady_clock::time_point epoch_;
  LiveRuntime clock_;
  metrics::MetricsCollector metrics_;
  std::vector<std::unique_ptr<SyntheticBackend>> backends_;
  std::vector<HostFaults> host_faults_;
  std::vector<std::vector<std::uint32_t>> striking_;  // per host: the faults striking it now
  std::vector<sim::FaultStep> fault_now_;
  sim::LinkFaults link_faults_;
  std::unique_ptr<Timer> ramp_timer_;  // while faults that slow or fail hosts ramp
  balancer::Duration ramp_tick_{};
  std::vector<std::unique_ptr<Balancer>> balancers_;  // with a tier, in instance order
  std::vector<std::unique_ptr<ClientRegion>> clients_;
  std::optional<sim::TierRouter> tier_;
  std::vector<std::uint32_t> instance_crashes_;  // per instance: the crash faults striking it
  std::vector<std::uint32_t> instance_epoch_;    // per instance: changes of its life so far
  std::unordered_map<std::string, std::uint32_t> host_by_name_;
  std::vector<std::unique_ptr<Timer>> timers_;
  balancer::TimePoint last_event_{};  // the latest time handed to the metrics
  balancer::TimePoint window_start_{};
  balancer::TimePoint next_window_end_{};
  bool traffic_over_ = false;  // the scenario's duration has passed
  std::uint64_t tries_seen_ = 0;
  std::uint64_t retries_seen_ = 0;
  std::uint64_t hedges_seen_ = 0;
  bool finished_ = false;
};

}  // namespace faultline::live
