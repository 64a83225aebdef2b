#include "reports/markdown_report.h"

#include <fmt/format.h>

#include <cmath>
#include <variant>

#include "reports/markdown_scenario.h"
#include "reports/run_figures.h"
#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

std::string burn(double rate) {
  return std::isinf(rate) ? std::string("unbounded (a 100% target)") : fmt::format("{:.2f}x", rate);
}

void verdict(const results::RunResult& result, const RunFigures& figures, std::string& out) {
  const auto& summary = result.summary();
  const auto& slo = summary.slo();
  out += fmt::format(
      "**Verdict: SLO {}.** Availability {} against a target of {} (error budget "
      "burn rate {}); {} of {} steady-state windows below the SLO ({:.2f} min of "
      "downtime, ${:.2f}).",
      figures.slo_met ? "held" : "missed", percent(figures.availability),
      percent(slo.availability_target()), burn(figures.burn_rate),
      withThousands(slo.windows_violating()), withThousands(slo.windows()),
      figures.downtime_minutes, summary.cost().downtime_usd());
  if (figures.worst_minute) {
    const auto& worst = *figures.worst_minute;
    out += fmt::format(" Worst minute: {:g}–{:g} s at {} ({} of {} failed).", worst.start_s,
                       worst.end_s, percent(worst.availability), withThousands(worst.failed),
                       withThousands(worst.requests));
  }
  out += fmt::format(" {} requests failed in all.\n\n", withThousands(summary.requests_failed()));
}

void scenario(const results::RunResult& result, std::string& out) {
  const auto& run = result.run();
  out += "## Scenario\n\n| | |\n|---|---|\n";
  out +=
      fmt::format("| strategy | {} |\n| seed | {} |\n", markdownCell(run.strategy()), run.seed());
  out += fmt::format("| duration | {:g} s, warm-up {:g} s, windows of {:g} s |\n", run.duration_s(),
                     run.warmup_s(), run.window_s());
  out += "\n";
  appendScenarioSummary(result.topology(), out);
}

void requests(const results::RunResult& result, std::string& out) {
  const auto& s = result.summary();
  out += "## Requests\n\n| clients | requests | ok | failed | availability | p50 ms | p99 ms |\n";
  out += "|---|---:|---:|---:|---:|---:|---:|\n";
  out += fmt::format("| all | {} | {} | {} | {} | {:.2f} | {:.2f} |\n",
                     withThousands(s.requests_total()), withThousands(s.requests_ok()),
                     withThousands(s.requests_failed()), percent(s.availability()),
                     s.latency_ms().p50(), s.latency_ms().p99());
  for (const auto& r : s.regions()) {
    if (r.requests_from() == 0) continue;
    out += fmt::format("| {} | {} | {} | {} | {} | {:.2f} | {:.2f} |\n", markdownCell(r.region()),
                       withThousands(r.requests_from()), withThousands(r.ok_from()),
                       withThousands(r.requests_from() - r.ok_from()),
                       percent(r.availability_from()), r.latency_ms().p50(), r.latency_ms().p99());
  }
  out += fmt::format("\nCross-region: {:.2f}% of completed requests.\n\n",
                     runFigures(result).cross_region_share * 100);
}

void faults(const results::RunResult& result, std::string& out) {
  if (result.summary().faults().empty()) return;
  out +=
      "## Faults\n\nRequests sent while each fault lasted (availability, latency); detection, "
      "failover and recovery timed from its start; lost requests until it ended or recovered.\n\n"
      "| fault | kind | from | to | availability | p50 ms | p99 ms | detected | failed over "
      "| recovered | lost |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& f : result.summary().faults()) {
    out += fmt::format("| {} | {} | {:g} s | {:g} s | {} | {:.2f} | {:.2f} | {} | {} | {} | {} |\n",
                       markdownCell(f.name()), markdownCell(f.kind()), f.start_s(), f.end_s(),
                       percent(f.availability()), f.latency_ms().p50(), f.latency_ms().p99(),
                       sinceStart(f.detected(), f.time_to_detect_s()),
                       sinceStart(f.failed_over(), f.time_to_fail_over_s()),
                       sinceStart(f.recovered(), f.time_to_recover_s()),
                       withThousands(f.requests_lost()));
  }
  out += "\n";
}

void cost(const results::RunResult& result, std::string& out) {
  const auto& c = result.summary().cost();
  out +=
      "## Cost\n\n| infrastructure | cross-region egress | internet egress | downtime | total |\n";
  out += "|---:|---:|---:|---:|---:|\n";
  out += fmt::format(
      "| ${:.2f} | ${:.2f} ({:.2f} GB) | ${:.2f} ({:.2f} GB) | ${:.2f} ({:.2f} min) "
      "| ${:.2f} |\n",
      c.infrastructure_usd(), c.cross_region_usd(), c.cross_region_gb(), c.internet_usd(),
      c.internet_gb(), c.downtime_usd(), c.downtime_minutes(), c.total_usd());
}

}  // namespace

std::string markdownReport(const AnyResults& results) {
  return std::visit([](const auto& result) { return markdownReport(result); }, results);
}

std::string markdownReport(const results::RunResult& result) {
  const auto& run = result.run();
  std::string out = fmt::format("# {}: {}, seed {}\n\n", markdownCell(run.scenario()),
                                markdownCell(run.strategy()), run.seed());
  if (!run.description().empty()) out += fmt::format("> {}\n\n", markdownCell(run.description()));
  verdict(result, runFigures(result), out);
  scenario(result, out);
  requests(result, out);
  faults(result, out);
  cost(result, out);
  return out;
}

}  // namespace faultline::reports
