#include "engine/sim/link_faults.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace faultline::sim {

using namespace std::chrono_literals;

namespace {

// Linux's minimum retransmission timeout, doubling on each further loss; after tcp_retries2
// (15) the connection gives up (ip-sysctl.rst; RFC 6298 for the doubling).
constexpr Duration kMinRetransmissionTimeout = 200ms;
constexpr std::uint32_t kMaxRetransmissions = 15;
// Where a partition puts a link for those who measure it: an hour, far beyond any real path.
constexpr Duration kUnreachable = std::chrono::hours(1);

// How many times in a row a trip's packet is lost: geometric, P(at least k) = p^k.
std::uint32_t lossesInARow(double loss_probability, double u) {
  if (loss_probability <= 0) return 0;
  const double losses = std::floor(std::log(u) / std::log(loss_probability));
  return losses >= kMaxRetransmissions + 1 ? kMaxRetransmissions + 1
                                           : static_cast<std::uint32_t>(losses);
}

}  // namespace

LinkFaults::LinkFaults(const std::vector<FaultSpec>& faults, std::uint32_t regions)
    : faults_(faults), regions_(regions), by_link_(std::size_t{regions} * regions) {}

void LinkFaults::set(std::uint32_t fault, bool active) {
  for (const LinkRef& link : faults_[fault].links) {
    auto& faults = by_link_[std::size_t{link.from} * regions_ + link.to];
    if (active) {
      faults.insert(std::upper_bound(faults.begin(), faults.end(), fault), fault);
      ++active_;
    } else {
      faults.erase(std::find(faults.begin(), faults.end(), fault));
      --active_;
    }
  }
}

std::optional<Duration> LinkFaults::trip(std::uint32_t from, std::uint32_t to, Duration delay,
                                         TimePoint now, const Draws& draws) const {
  for (std::uint32_t f : on(from, to)) {
    const FaultSpec& fault = faults_[f];
    if (fault.kind == FaultKind::kNetworkPartition) return std::nullopt;
    const auto [loss_draw, jitter_draw] = draws(f);
    const double intensity = fault.intensityAt(now);
    const std::uint32_t losses = lossesInARow(fault.loss_probability * intensity, loss_draw);
    if (losses > kMaxRetransmissions) return std::nullopt;
    delay += kMinRetransmissionTimeout * ((std::int64_t{1} << losses) - 1);
    delay += fault.delay.sample(intensity, jitter_draw, 0.5);
  }
  return delay;
}

Duration LinkFaults::expectedTrip(std::uint32_t from, std::uint32_t to, Duration base,
                                  TimePoint now) const {
  Duration trip = base;
  for (std::uint32_t f : on(from, to)) {
    const FaultSpec& fault = faults_[f];
    if (fault.kind == FaultKind::kNetworkPartition) return kUnreachable;
    const double intensity = fault.intensityAt(now);
    trip += Duration(std::llround(static_cast<double>(fault.delay.latency.count()) * intensity));
    // Loss k times in a row costs 200 ms x (2^k - 1): the sum over k of P(at least k) x 200 ms
    // x 2^(k-1).
    const double loss = fault.loss_probability * intensity;
    constexpr double kRetransmissionMs =
        std::chrono::duration<double, std::milli>(kMinRetransmissionTimeout).count();
    double expected_ms = 0;
    double at_least = 1;
    for (std::uint32_t k = 1; k <= kMaxRetransmissions; ++k) {
      at_least *= loss;
      expected_ms += at_least * kRetransmissionMs * static_cast<double>(std::int64_t{1} << (k - 1));
    }
    trip += Duration(std::llround(expected_ms * 1e6));
  }
  return trip;
}

}  // namespace faultline::sim
