// reportDocument(RunResult): the run half of report_document.h.
#include <fmt/format.h>

#include <cmath>
#include <utility>
#include <variant>

#include "reports/event_timeline.h"
#include "reports/report_document.h"
#include "reports/run_charts.h"
#include "reports/run_figures.h"
#include "reports/scenario_document.h"
#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

std::string burn(double rate) {
  return std::isinf(rate) ? std::string("unbounded (a 100% target)") : fmt::format("{:.2f}x", rate);
}

std::string milliseconds(double ms) {
  return fmt::format("{:.2f}", ms);
}

void verdict(const results::RunResult& result, const RunFigures& figures, Document& document) {
  const auto& summary = result.summary();
  const auto& slo = summary.slo();
  std::string text = fmt::format(
      " Availability {} against a target of {} (error budget burn rate {}); {} of {} steady-state "
      "windows below the SLO ({:.2f} min of downtime, ${:.2f}).",
      percent(figures.availability), percent(slo.availability_target()), burn(figures.burn_rate),
      withThousands(slo.windows_violating()), withThousands(slo.windows()),
      figures.downtime_minutes, summary.cost().downtime_usd());
  if (figures.worst_minute) {
    const auto& worst = *figures.worst_minute;
    text += fmt::format(" Worst minute: {:g}–{:g} s at {} ({} of {} failed).", worst.start_s,
                        worst.end_s, percent(worst.availability), withThousands(worst.failed),
                        withThousands(worst.requests));
  }
  text += fmt::format(" {} requests failed in all.", withThousands(summary.requests_failed()));
  const bool held = figures.slo_met;
  document.paragraph({{held ? "Verdict: SLO held." : "Verdict: SLO missed.", true}, {text, false}},
                     held ? Tone::kGood : Tone::kBad);
}

void scenario(const results::RunResult& result, Document& document) {
  const auto& run = result.run();
  document.heading("Scenario");
  document.add(
      Table{{{""}, {""}},
            {{"strategy", run.strategy()},
             {"seed", std::to_string(run.seed())},
             {"duration", fmt::format("{:g} s, warm-up {:g} s, windows of {:g} s", run.duration_s(),
                                      run.warmup_s(), run.window_s())}}});
  appendScenarioSummary(result.topology(), document);
}

void requests(const results::RunResult& result, Document& document) {
  const auto& s = result.summary();
  document.heading("Requests");
  Table table{{{"clients"},
               {"requests", Align::kRight},
               {"ok", Align::kRight},
               {"failed", Align::kRight},
               {"availability", Align::kRight},
               {"p50 ms", Align::kRight},
               {"p99 ms", Align::kRight}},
              {}};
  table.rows.push_back({"all", withThousands(s.requests_total()), withThousands(s.requests_ok()),
                        withThousands(s.requests_failed()), percent(s.availability()),
                        milliseconds(s.latency_ms().p50()), milliseconds(s.latency_ms().p99())});
  for (const auto& r : s.regions()) {
    if (r.requests_from() == 0) continue;
    table.rows.push_back({r.region(), withThousands(r.requests_from()), withThousands(r.ok_from()),
                          withThousands(failedOf(r.requests_from(), r.ok_from())),
                          percent(r.availability_from()), milliseconds(r.latency_ms().p50()),
                          milliseconds(r.latency_ms().p99())});
  }
  document.add(std::move(table));
  document.paragraph(fmt::format("Cross-region: {:.2f}% of completed requests.",
                                 runFigures(result).cross_region_share * 100));
}

void faults(const results::RunResult& result, Document& document) {
  if (result.summary().faults().empty()) return;
  document.heading("Faults");
  document.paragraph(
      "Requests sent while each fault lasted (availability, latency); detection, failover and "
      "recovery timed from its start; lost requests until it ended or recovered.");
  Table table{{{"fault"},
               {"kind"},
               {"from", Align::kRight},
               {"to", Align::kRight},
               {"availability", Align::kRight},
               {"p50 ms", Align::kRight},
               {"p99 ms", Align::kRight},
               {"detected", Align::kRight},
               {"failed over", Align::kRight},
               {"recovered", Align::kRight},
               {"lost", Align::kRight}},
              {}};
  for (const auto& f : result.summary().faults()) {
    table.rows.push_back(
        {f.name(), f.kind(), fmt::format("{:g} s", f.start_s()), fmt::format("{:g} s", f.end_s()),
         percent(f.availability()), milliseconds(f.latency_ms().p50()),
         milliseconds(f.latency_ms().p99()), sinceStart(f.detected(), f.time_to_detect_s()),
         sinceStart(f.failed_over(), f.time_to_fail_over_s()),
         sinceStart(f.recovered(), f.time_to_recover_s()), withThousands(f.requests_lost())});
  }
  document.add(std::move(table));
}

void events(const results::RunResult& result, Document& document) {
  const auto timeline = eventTimeline(result);
  if (timeline.empty()) return;
  document.heading("Events");
  Table table{{{"time", Align::kRight}, {"what happened"}}, {}};
  for (const auto& entry : timeline)
    table.rows.push_back({fmt::format("{:.3f} s", entry.time_s), entry.what});
  document.add(std::move(table));
}

void cost(const results::RunResult& result, Document& document) {
  const auto& c = result.summary().cost();
  document.heading("Cost");
  document.add(
      Table{{{"infrastructure", Align::kRight},
             {"cross-region egress", Align::kRight},
             {"internet egress", Align::kRight},
             {"downtime", Align::kRight},
             {"total", Align::kRight}},
            {{fmt::format("${:.2f}", c.infrastructure_usd()),
              fmt::format("${:.2f} ({:.2f} GB)", c.cross_region_usd(), c.cross_region_gb()),
              fmt::format("${:.2f} ({:.2f} GB)", c.internet_usd(), c.internet_gb()),
              fmt::format("${:.2f} ({:.2f} min)", c.downtime_usd(), c.downtime_minutes()),
              fmt::format("${:.2f}", c.total_usd())}}});
}

}  // namespace

Document reportDocument(const AnyResults& results) {
  return std::visit([](const auto& result) { return reportDocument(result); }, results);
}

Document reportDocument(const results::RunResult& result) {
  const auto& run = result.run();
  Document document;
  document.title = fmt::format("{}: {}, seed {}", run.scenario(), run.strategy(), run.seed());
  document.colophon =
      fmt::format("Faultline {} · {} run of {} with {}, seed {}", run.faultline_version(),
                  run.mode(), run.scenario(), run.strategy(), run.seed());
  if (!run.description().empty()) document.add(Quote{run.description()});
  verdict(result, runFigures(result), document);
  addCharts(document, "Over time", runCharts(result));
  scenario(result, document);
  requests(result, document);
  faults(result, document);
  events(result, document);
  cost(result, document);
  return document;
}

}  // namespace faultline::reports
