#include "engine/live/live_links.h"

namespace faultline::live {

std::vector<LinkEnd> hostEnds(const sim::WorldSpec& spec, const std::vector<std::uint32_t>& hosts) {
  std::vector<LinkEnd> ends;
  for (const std::uint32_t host : hosts)
    ends.push_back(LinkEnd{spec.hosts[host].region, spec.hosts[host].zone});
  return ends;
}

LiveLinks::LiveLinks(const sim::WorldSpec& spec, const sim::LinkFaults& faults,
                     balancer::Runtime& clock, std::uint32_t region, std::vector<LinkEnd> ends,
                     std::uint64_t seed)
    : spec_(spec),
      faults_(faults),
      clock_(clock),
      region_(region),
      ends_(std::move(ends)),
      random_(seed) {}

std::optional<balancer::Duration> LiveLinks::trip(std::size_t backend,
                                                  std::optional<std::uint32_t> zone, bool back) {
  if (backend >= ends_.size()) return balancer::Duration::zero();
  const LinkEnd& host = ends_[backend];
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
