#include "reports/summary_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>

namespace faultline::reports {
namespace {

constexpr int kMaxEventsShown = 12;

// "1 failover", "2 failovers".
std::string count(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", withThousands(n), noun, n == 1 ? "" : "s");
}

// The label column fits the longest client region name; never narrower than 12.
std::size_t labelWidth(const results::Summary& summary) {
  std::size_t width = 12;
  for (const auto& region : summary.regions())
    width = std::max(width, region.region().size() + 2);
  return width;
}

std::string latencyColumns(const results::LatencyStats& l) {
  if (l.count() == 0) return fmt::format("{:>9}{:>9}{:>9}{:>9}{:>10}", "-", "-", "-", "-", "-");
  return fmt::format("{:>9.2f}{:>9.2f}{:>9.2f}{:>9.2f}{:>10.2f}", l.p50(), l.p90(), l.p99(),
                     l.p999(), l.max());
}

std::string row(std::size_t width, std::string_view label, std::int64_t requests, std::int64_t ok,
                double availability, const results::LatencyStats& latency) {
  return fmt::format("  {:<{}}{:>13}{:>13}{:>11}{:>13}{}\n", label, width, withThousands(requests),
                     withThousands(ok), withThousands(failedOf(requests, ok)),
                     percent(availability), latencyColumns(latency));
}

void renderHeader(const results::RunResult& result, std::string& out) {
  const auto& run = result.run();
  const auto& summary = result.summary();
  out += fmt::format("{}: {}\n", run.scenario(), run.description());
  out += fmt::format("strategy {} · seed {} · {} s simulated, drained at {:.3f} s", run.strategy(),
                     run.seed(), run.duration_s(), summary.end_s());
  if (run.warmup_s() > 0) out += fmt::format(" · warm-up {} s left out", run.warmup_s());
  out += "\n\n";
}

void renderTable(const results::RunResult& result, std::string& out) {
  const auto& s = result.summary();
  const std::size_t width = labelWidth(s);
  out += fmt::format("  {:<{}}{:>13}{:>13}{:>11}{:>13}{:>9}{:>9}{:>9}{:>9}{:>10}\n", "clients",
                     width, "requests", "ok", "failed", "availability", "p50", "p90", "p99",
                     "p99.9", "max ms");
  out += row(width, "all", s.requests_total(), s.requests_ok(), s.availability(), s.latency_ms());
  for (const auto& region : s.regions()) {
    if (region.requests_from() == 0) continue;
    out += row(width, region.region(), region.requests_from(), region.ok_from(),
               region.availability_from(), region.latency_ms());
  }
  out += fmt::format("  mean latency {:.3f} ms · mean queue wait {:.3f} ms\n\n",
                     s.latency_ms().mean(), s.queue_wait_ms().mean());
}

// Whether some region has clients and hosts that can be in different zones.
bool hasSeveralZones(const results::RunResult& result) {
  for (const auto& region : result.topology().regions()) {
    if (region.zones_size() > 1) return true;
  }
  return false;
}

void renderFailures(const results::RunResult& result, std::string& out) {
  const auto& s = result.summary();
  const auto& f = s.failures();
  const std::pair<std::string_view, std::int64_t> causes[] = {
      {"timeout", f.timeout()},
      {"rejected", f.rejected()},
      {"backend_error", f.backend_error()},
      {"injected_error", f.injected_error()},
      {"connection_refused", f.connection_refused()},
      {"connection_reset", f.connection_reset()},
      {"no_healthy_host", f.no_healthy_host()},
      {"unfinished", f.unfinished()},
      {"circuit_open", f.circuit_open()},
      {"rate_limited", f.rate_limited()},
      {"load_shed", f.load_shed()},
      {"dns_failure", f.dns_failure()}};
  std::string listed;
  for (const auto& [name, count] : causes) {
    if (count == 0) continue;
    listed += fmt::format("{}{} {}", listed.empty() ? "" : " · ", name, withThousands(count));
  }
  out += fmt::format("  failed by cause   {}\n", listed.empty() ? "none" : listed);
  const auto share = [&s](std::int64_t count) {
    return s.requests_total() == 0
               ? 0.0
               : 100.0 * static_cast<double>(count) / static_cast<double>(s.requests_total());
  };
  out += fmt::format("  cross-region      {} requests ({:.2f}%)\n",
                     withThousands(s.cross_region_requests()), share(s.cross_region_requests()));
  if (hasSeveralZones(result)) {
    out += fmt::format("  cross-zone        {} requests ({:.2f}%)\n",
                       withThousands(s.cross_zone_requests()), share(s.cross_zone_requests()));
  }
  if (s.retries() > 0 || s.hedges() > 0 || s.client_retries() > 0) {
    out += fmt::format("  sent again        {} balancer retries · {} hedges · {} client retries\n",
                       withThousands(s.retries()), withThousands(s.hedges()),
                       withThousands(s.client_retries()));
  }
  out += "\n";
}

void renderFaults(const results::RunResult& result, std::string& out) {
  if (result.summary().faults().empty()) return;
  std::size_t width = 24;
  for (const auto& fault : result.summary().faults())
    width = std::max(width, fault.name().size());
  out += "  faults\n";
  for (const auto& fault : result.summary().faults()) {
    out += fmt::format("    {:<{}} {:<14} {:>7.1f} s → {:>7.1f} s  {:>11} requests  {:>10}",
                       fault.name(), width, fault.kind(), fault.start_s(), fault.end_s(),
                       withThousands(fault.requests()), percent(fault.availability()));
    if (fault.latency_ms().count() > 0) {
      out += fmt::format("  p99 {:.2f} ms", fault.latency_ms().p99());
    }
    out += "\n";
    out +=
        fmt::format("    {:<{}} detected {} · failed over {} · recovered {} · {} requests lost\n",
                    "", width, sinceStart(fault.detected(), fault.time_to_detect_s()),
                    sinceStart(fault.failed_over(), fault.time_to_fail_over_s()),
                    sinceStart(fault.recovered(), fault.time_to_recover_s()),
                    withThousands(fault.requests_lost()));
  }
  out += "\n";
}

void renderEvents(const results::RunResult& result, std::string& out) {
  int shown = 0;
  int failovers = 0;
  int marked_down = 0;
  int marked_up = 0;
  std::string lines;
  for (const auto& event : result.events()) {
    if (event.kind() == results::Event::HOST_MARKED_DOWN) ++marked_down;
    if (event.kind() == results::Event::HOST_MARKED_UP) ++marked_up;
    const bool instance_down = event.kind() == results::Event::INSTANCE_MARKED_DOWN;
    if (instance_down || event.kind() == results::Event::INSTANCE_MARKED_UP) {
      if (shown++ < kMaxEventsShown) {
        lines += fmt::format("    {:>9.3f} s  tier instance {} marked {}\n", event.time_s(),
                             event.balancer(), instance_down ? "down" : "up");
      }
      continue;
    }
    if (event.kind() != results::Event::FAILOVER) continue;
    ++failovers;
    if (shown++ >= kMaxEventsShown) continue;
    const auto from = event.from_region().empty() ? "(none)" : event.from_region();
    const auto to = event.to_region().empty() ? "(no healthy host)" : event.to_region();
    lines += fmt::format("    {:>9.3f} s  {} balancer: {} → {}\n", event.time_s(), event.balancer(),
                         from, to);
  }
  if (failovers == 0 && marked_down == 0 && marked_up == 0 && lines.empty()) return;
  out += fmt::format("  balancer events   {} · {} marked down · {} marked up\n",
                     count(failovers, "failover"), count(marked_down, "host"),
                     count(marked_up, "host"));
  out += lines;
  if (shown > kMaxEventsShown) {
    out += fmt::format("    ... and {} more in the results file\n", shown - kMaxEventsShown);
  }
  out += "\n";
}

void renderSlo(const results::RunResult& result, std::string& out) {
  const auto& slo = result.summary().slo();
  std::string objective = fmt::format("availability ≥ {}", percent(slo.availability_target()));
  if (slo.latency_target_ms() > 0) {
    objective +=
        fmt::format(", p{:g} ≤ {:g} ms", slo.latency_percentile(), slo.latency_target_ms());
  }
  std::string why;
  if (!slo.availability_met()) {
    why += fmt::format(" (availability {})", percent(result.summary().availability()));
  }
  if (!slo.latency_met()) {
    why += fmt::format(" (p{:g} {:.2f} ms)", slo.latency_percentile(), slo.latency_ms());
  }
  out += fmt::format("  SLO {}: {}{} · {} of {} windows violated it\n", objective,
                     slo.met() ? "MET" : "MISSED", why, withThousands(slo.windows_violating()),
                     withThousands(slo.windows()));
}

// Dollars with cents, thousands separated: "$12,345.67".
std::string dollars(double usd) {
  const auto cents = static_cast<std::int64_t>(std::llround(usd * 100));
  return fmt::format("${}.{:02d}", withThousands(cents / 100), cents % 100);
}

void renderCost(const results::RunResult& result, std::string& out) {
  const auto& cost = result.summary().cost();
  out += fmt::format(
      "  cost              {} total · {} infrastructure · {} egress ({:.2f} GB cross-region, "
      "{:.2f} GB out) · {:.1f} min downtime {}\n",
      dollars(cost.total_usd()), dollars(cost.infrastructure_usd()),
      dollars(cost.cross_region_usd() + cost.internet_usd()), cost.cross_region_gb(),
      cost.internet_gb(), cost.downtime_minutes(), dollars(cost.downtime_usd()));
}

}  // namespace

std::string percent(double share) {
  std::string text = fmt::format("{:.4f}%", share * 100.0);
  if (share < 1.0 && text == "100.0000%") return ">99.9999%";
  if (share > 0.0 && text == "0.0000%") return "<0.0001%";
  return text;
}

std::string sinceStart(bool happened, double seconds) {
  return happened ? fmt::format("+{:.1f} s", seconds) : std::string("never");
}

std::string withThousands(std::int64_t value) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -static_cast<std::uint64_t>(value)
                                               : static_cast<std::uint64_t>(value));
  std::string out;
  const auto leading = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits, 0, leading);
  for (std::size_t i = leading; i < digits.size(); i += 3) {
    out += ',';
    out.append(digits, i, 3);
  }
  return negative ? "-" + out : out;
}

std::int64_t failedOf(std::int64_t requests, std::int64_t ok) {
  std::int64_t failed = 0;
  if (!__builtin_sub_overflow(requests, ok, &failed)) return failed;
  return ok < 0 ? std::numeric_limits<std::int64_t>::max()
                : std::numeric_limits<std::int64_t>::min();
}

std::string renderSummary(const results::RunResult& result) {
  std::string out;
  renderHeader(result, out);
  renderTable(result, out);
  renderFailures(result, out);
  renderFaults(result, out);
  renderEvents(result, out);
  renderSlo(result, out);
  renderCost(result, out);
  return out;
}

}  // namespace faultline::reports
