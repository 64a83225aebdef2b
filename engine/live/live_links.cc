#include "engine/live/live_links.h"

namespace faultline::live {

LiveLinks::LiveLinks(const sim::WorldSpec& spec, const sim::LinkFaults& faults,
                     balancer::Runtime& clock, std::uint32_t region,
                     std::vector<std::uint32_t> host_of_backend, std::uint64_t seed)
    : spec_(spec),
      faults_(faults),
      clock_(clock),
      region_(region),
      host_of_backend_(std::move(host_of_backend)),
      random_(seed) {}

std::optional<balancer::Duration> LiveLinks::trip(std::size_t backend,
                                                  std::optional<std::uint32_t> zone, bool back) {
  if (backend >= host_of_backend_.size()) return balancer::Duration::zero();
  const sim::HostSpec& host = spec_.hosts[host_of_backend_[backend]];
  const std::uint32_t from = back ? host.region : region_;
  const std::uint32_t to = back ? region_ : host.region;
  // A request crosses between its client's zone and the host's; a probe takes the regions' link.
  balancer::Duration delay = zone ? spec_.network.delay(from, back ? host.zone : *zone, to,
                                                        back ? *zone : host.zone, random_.next())
                                  : spec_.network.delay(from, to, random_.next());
  if (!faults_.any()) return delay;
  return faults_.trip(from, to, delay, clock_.now(), [this](std::uint32_t) {
    const double loss = random_.uniform();
    return std::pair{loss, random_.uniform()};
  });
}

}  // namespace faultline::live
