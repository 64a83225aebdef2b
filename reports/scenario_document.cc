#include "reports/scenario_document.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

template <typename Strings>
std::string joined(const Strings& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out.empty() ? "-" : out;
}

// "api: 20 x 8 workers, queue 64, 10 ms".
std::string groups(const results::RegionInfo& region) {
  std::string out;
  for (const auto& group : region.groups()) {
    if (!out.empty()) out += "; ";
    out += fmt::format(
        "{}: {} x {} worker{}, queue {}, {:g} ms", group.name(), group.count(), group.workers(),
        group.workers() == 1 ? "" : "s",
        group.queue_limit() < 0 ? std::string("unlimited") : std::to_string(group.queue_limit()),
        group.mean_service_ms());
  }
  return out.empty() ? "-" : out;
}

// What a fault strikes, hosts or balancer instances: all of them when few, else how many and the
// first.
template <typename Names>
std::string listed(const Names& names, const char* what) {
  constexpr int kListed = 3;
  if (names.size() <= kListed) return joined(names);
  return fmt::format("{} {} ({}, ...)", withThousands(names.size()), what, names[0]);
}

std::string struck(const results::FaultInfo& fault) {
  if (!fault.hosts().empty()) return listed(fault.hosts(), "hosts");
  if (!fault.instances().empty()) return listed(fault.instances(), "balancer instances");
  return "-";
}

}  // namespace

void appendScenarioSummary(const results::Topology& topology, Document& document) {
  Table regions{
      {{"region"}, {"zones"}, {"backends"}, {"clients", Align::kRight}, {"fails over to"}}, {}};
  for (const auto& region : topology.regions()) {
    std::vector<std::string> failover;  // its own region leads the order
    for (const auto& target : region.failover_order()) {
      if (target != region.name()) failover.push_back(target);
    }
    regions.rows.push_back({region.name(), joined(region.zones()), groups(region),
                            fmt::format("{:g} rps", region.client_rate_rps()), joined(failover)});
  }
  document.add(std::move(regions));
  if (topology.faults().empty()) {
    document.paragraph("No faults.");
    return;
  }
  Table faults{{{"fault"}, {"kind"}, {"from", Align::kRight}, {"to", Align::kRight}, {"strikes"}},
               {}};
  for (const auto& fault : topology.faults()) {
    faults.rows.push_back({fault.name(), fault.kind(), fmt::format("{:g} s", fault.start_s()),
                           fmt::format("{:g} s", fault.end_s()), struck(fault)});
  }
  document.add(std::move(faults));
}

}  // namespace faultline::reports
