#include "reports/markdown_scenario.h"

#include <fmt/format.h>

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

// The hosts a fault strikes: all of them when few, else how many and the first.
std::string struck(const results::FaultInfo& fault) {
  if (fault.hosts().empty()) return "-";
  constexpr int kListed = 3;
  if (fault.hosts_size() <= kListed) return joined(fault.hosts());
  return fmt::format("{} hosts ({}, ...)", withThousands(fault.hosts_size()), fault.hosts(0));
}

}  // namespace

std::string markdownCell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void appendScenarioSummary(const results::Topology& topology, std::string& out) {
  out += "| region | zones | backends | clients | fails over to |\n|---|---|---|---:|---|\n";
  for (const auto& region : topology.regions()) {
    std::vector<std::string> failover;  // its own region leads the order
    for (const auto& target : region.failover_order()) {
      if (target != region.name()) failover.push_back(target);
    }
    out += fmt::format("| {} | {} | {} | {:g} rps | {} |\n", markdownCell(region.name()),
                       markdownCell(joined(region.zones())), markdownCell(groups(region)),
                       region.client_rate_rps(), markdownCell(joined(failover)));
  }
  out += "\n";
  if (topology.faults().empty()) {
    out += "No faults.\n\n";
    return;
  }
  out += "| fault | kind | from | to | strikes |\n|---|---|---:|---:|---|\n";
  for (const auto& fault : topology.faults()) {
    out += fmt::format("| {} | {} | {:g} s | {:g} s | {} |\n", markdownCell(fault.name()),
                       markdownCell(fault.kind()), fault.start_s(), fault.end_s(),
                       markdownCell(struck(fault)));
  }
  out += "\n";
}

}  // namespace faultline::reports
