#include "balancer/peak_ewma.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::balancer {
namespace {

double nanos(Duration duration) {
  return static_cast<double>(duration.count());
}

}  // namespace

PeakEwma::PeakEwma(Runtime& runtime, const PeakEwmaOptions& options, std::size_t host_count)
    : runtime_(runtime),
      decay_ns_(nanos(options.decay)),
      estimates_(host_count, Estimate{nanos(options.default_rtt), runtime.now()}) {
  assert(decay_ns_ > 0 && options.default_rtt > Duration::zero());
}

HostIndex PeakEwma::pick(const PickContext& context) {
  const auto size = static_cast<std::uint32_t>(context.candidates.size());
  if (size == 1) return context.candidates[0];
  const std::uint32_t first = uniformIndex(runtime_.random(), size);
  std::uint32_t second = uniformIndex(runtime_.random(), size - 1);
  // Drawn among n - 1, the second index steps over the first: every other host stays equally
  // likely, where redrawing on a collision would cost an unbounded number of draws.
  if (second >= first) ++second;
  const HostIndex a = context.candidates[first];
  const HostIndex b = context.candidates[second];
  const double cost_a = readCost(a, context);
  const double cost_b = readCost(b, context);
  return cost_a <= cost_b ? a : b;
}

void PeakEwma::onResult(HostIndex host, Outcome /*outcome*/, Duration latency) {
  assert(host < estimates_.size());
  observe(estimates_[host], nanos(std::max(latency, Duration::zero())));
}

double PeakEwma::cost(HostIndex host, std::uint32_t pending) const {
  return decayedRtt(estimates_[host], runtime_.now()) * (static_cast<double>(pending) + 1);
}

double PeakEwma::decayedRtt(const Estimate& estimate, TimePoint now) const {
  const double elapsed = nanos(std::max(now - estimate.updated_at, Duration::zero()));
  return estimate.rtt_ns * std::exp(-elapsed / decay_ns_);
}

void PeakEwma::observe(Estimate& estimate, double rtt_ns) {
  const TimePoint now = runtime_.now();
  if (rtt_ns > estimate.rtt_ns) {
    estimate.rtt_ns = rtt_ns;
  } else {
    const double elapsed = nanos(std::max(now - estimate.updated_at, Duration::zero()));
    const double kept = std::exp(-elapsed / decay_ns_);
    estimate.rtt_ns = estimate.rtt_ns * kept + rtt_ns * (1 - kept);
  }
  estimate.updated_at = now;
}

double PeakEwma::readCost(HostIndex host, const PickContext& context) {
  assert(host < estimates_.size());
  Estimate& estimate = estimates_[host];
  observe(estimate, 0.0);
  return estimate.rtt_ns * (static_cast<double>(context.load[host].active_requests) + 1);
}

}  // namespace faultline::balancer
