#pragma once

#include <cstdint>
#include <vector>

#include "balancer/runtime.h"
#include "balancer/strategy.h"
#include "balancer/strategy_options.h"

namespace faultline::balancer {

// Power of two choices over a peak-sensitive moving average of round-trip time: Finagle's
// p2cPeakEwma (loadbalancer/PeakEwma.scala, p2c/P2CPick.scala) and Linkerd's balancer, which is
// P2C (linkerd/proxy/balance/src/pool/p2c.rs) over tower's PeakEwma (tower/src/load/peak_ewma.rs).
//
// Per host, an estimate of the round-trip time: a sample above the estimate replaces it (the
// peak), so a host that turns slow is avoided at once; a sample below it pulls the estimate down
// with weight 1 - exp(-elapsed / decay), where elapsed is the time since the estimate was last
// updated, so recovery is cautious and the average stays right when samples arrive unevenly.
// Cost = estimate x (pending + 1): the work already queued at the host, counting the request about
// to be sent. Pending is the balancer's own count of active requests to the host.
//
// Reading a cost decays the estimate to now and stores it, as Finagle (`observe(0.0)` in `get`)
// and tower (`update_estimate` in `load`) both do, so a later sample is weighted by the time
// since the last *read* as well as the last sample. Only the two sampled hosts are read.
//
// A host without a sample starts at `default_rtt` (tower/Linkerd, 30 ms) stamped when the
// strategy is built, and that start value decays like any estimate (tower's `default_decay` test):
// a host left unpicked becomes cheap and gets tried. Finagle instead costs a host without history
// at 0, or at a huge Penalty + pending once it has pending requests; Linkerd's prior is the one
// with a number a scenario can set, and it never makes a new host look free.
//
// Sampling follows Finagle and Linkerd: two *distinct* hosts when there are at least two (the
// second index is drawn among n - 1 and steps over the first), none drawn for a single host. The
// lower cost wins and a tie goes to the first sample, as in Linkerd (`aload <= bload`); Finagle
// gives ties to the second. Every result feeds its latency, errors and timeouts included, because
// tower measures the time until the response future completes or is dropped.
class PeakEwma final : public Strategy {
 public:
  PeakEwma(Runtime& runtime, const PeakEwmaOptions& options, std::size_t host_count);

  HostIndex pick(const PickContext& context) override;
  void onResult(HostIndex host, Outcome outcome, Duration latency) override;

  // The host's estimate in nanoseconds as last stored (at its last sample or read).
  double storedRttNanos(HostIndex host) const { return estimates_[host].rtt_ns; }
  // The cost pick() would compute for `host` now, without storing the decay.
  double cost(HostIndex host, std::uint32_t pending) const;

 private:
  struct Estimate {
    double rtt_ns;
    TimePoint updated_at;
  };

  double decayedRtt(const Estimate& estimate, TimePoint now) const;
  // Finagle's `observe`: folds a sample into the estimate and restarts its clock.
  void observe(Estimate& estimate, double rtt_ns);
  double readCost(HostIndex host, const PickContext& context);

  Runtime& runtime_;
  double decay_ns_;
  std::vector<Estimate> estimates_;  // by HostIndex
};

}  // namespace faultline::balancer
