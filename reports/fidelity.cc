#include "reports/fidelity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/summary_table.h"

namespace faultline::reports {
namespace {

constexpr double kSuccessTolerancePp = 1.0;
constexpr double kMedianTolerance = 0.10;

std::string ms(double value) {
  return fmt::format("{:.2f} ms", value);
}

// "+4.1%" of the simulator's figure; "n/a" where it is zero.
std::string relative(double sim, double live) {
  if (!(sim > 0) || !std::isfinite(sim) || !std::isfinite(live)) return "n/a";
  return fmt::format("{:+.1f}%", (live - sim) / sim * 100);
}

void latencyRows(const results::LatencyStats& sim, const results::LatencyStats& live,
                 std::vector<FidelityRow>& rows) {
  rows.push_back({"latency p50", ms(sim.p50()), ms(live.p50()), relative(sim.p50(), live.p50())});
  rows.push_back({"latency p90", ms(sim.p90()), ms(live.p90()), relative(sim.p90(), live.p90())});
  rows.push_back({"latency p99", ms(sim.p99()), ms(live.p99()), relative(sim.p99(), live.p99())});
}

const results::FaultSummary* faultNamed(const results::Summary& summary, const std::string& name) {
  for (const auto& fault : summary.faults()) {
    if (fault.name() == name) return &fault;
  }
  return nullptr;
}

void faultRows(const results::Summary& sim, const results::Summary& live,
               std::vector<FidelityRow>& rows) {
  for (const auto& ours : sim.faults()) {
    const results::FaultSummary* theirs = faultNamed(live, ours.name());
    if (theirs == nullptr) continue;
    const auto seconds = [](bool happened, double s) {
      return happened ? fmt::format("{:.1f} s", s) : std::string("never");
    };
    const auto gap = [](bool a, double sa, bool b, double sb) {
      return a && b ? fmt::format("{:+.1f} s", sb - sa) : std::string("n/a");
    };
    const std::string name = "\"" + ours.name() + "\" ";
    rows.push_back({name + "detected after", seconds(ours.detected(), ours.time_to_detect_s()),
                    seconds(theirs->detected(), theirs->time_to_detect_s()),
                    gap(ours.detected(), ours.time_to_detect_s(), theirs->detected(),
                        theirs->time_to_detect_s())});
    rows.push_back({name + "failed over after",
                    seconds(ours.failed_over(), ours.time_to_fail_over_s()),
                    seconds(theirs->failed_over(), theirs->time_to_fail_over_s()),
                    gap(ours.failed_over(), ours.time_to_fail_over_s(), theirs->failed_over(),
                        theirs->time_to_fail_over_s())});
    rows.push_back({name + "requests lost", withThousands(ours.requests_lost()),
                    withThousands(theirs->requests_lost()),
                    relative(static_cast<double>(ours.requests_lost()),
                             static_cast<double>(theirs->requests_lost()))});
  }
}

}  // namespace

bool Fidelity::held() const {
  return std::all_of(checks.begin(), checks.end(), [](const auto& c) { return c.held; });
}

Fidelity compareFidelity(const results::RunResult& sim, const results::RunResult& live) {
  Fidelity out;
  const auto& a = sim.summary();
  const auto& b = live.summary();
  out.rows.push_back(
      {"requests", withThousands(a.requests_total()), withThousands(b.requests_total()),
       relative(static_cast<double>(a.requests_total()), static_cast<double>(b.requests_total()))});
  const double success_gap_pp = (b.availability() - a.availability()) * 100;
  out.rows.push_back({"success rate", percent(a.availability()), percent(b.availability()),
                      fmt::format("{:+.2f} pp", success_gap_pp)});
  out.rows.push_back({"failed", withThousands(a.requests_failed()),
                      withThousands(b.requests_failed()),
                      fmt::format("{:+d}", b.requests_failed() - a.requests_failed())});
  latencyRows(a.latency_ms(), b.latency_ms(), out.rows);
  // Where the time goes at the backends: a queue that builds in one and not the other explains
  // a latency gap.
  out.rows.push_back({"queue wait p99", ms(a.queue_wait_ms().p99()), ms(b.queue_wait_ms().p99()),
                      relative(a.queue_wait_ms().p99(), b.queue_wait_ms().p99())});
  faultRows(a, b, out.rows);
  out.checks.push_back(
      {fmt::format("success rate within {:.0f} percentage point", kSuccessTolerancePp),
       std::abs(success_gap_pp) <= kSuccessTolerancePp});
  const double p50 = a.latency_ms().p50();
  out.checks.push_back({fmt::format("median latency within {:.0f}%", kMedianTolerance * 100),
                        p50 > 0 && std::abs(b.latency_ms().p50() - p50) <= kMedianTolerance * p50});
  return out;
}

std::string renderFidelity(const results::RunResult& sim, const results::RunResult& live,
                           const Fidelity& fidelity) {
  std::string out =
      fmt::format("{}: {} · seed {} · {:g} s, simulated and run live (modes {} and {})\n\n",
                  sim.run().scenario(), sim.run().strategy(), sim.run().seed(),
                  sim.run().duration_s(), sim.run().mode(), live.run().mode());
  out += fmt::format("  {:<40} {:>14} {:>14} {:>12}\n", "", "sim", "live", "difference");
  for (const auto& row : fidelity.rows)
    out += fmt::format("  {:<40} {:>14} {:>14} {:>12}\n", row.figure, row.sim, row.live,
                       row.difference);
  out += '\n';
  for (const auto& check : fidelity.checks)
    out += fmt::format("  {}: {}\n", check.what, check.held ? "held" : "MISSED");
  return out;
}

}  // namespace faultline::reports
