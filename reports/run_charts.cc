#include "reports/run_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace faultline::reports {
namespace {

constexpr double kGap = std::numeric_limits<double>::quiet_NaN();

double middle(const results::Window& window) {
  return (window.start_s() + window.end_s()) / 2;
}

// After the traffic ended, while the last requests complete.
bool draining(const results::RunResult& result, const results::Window& window) {
  const double end = result.run().duration_s();
  return end > 0 && window.start_s() >= end;
}

double length(const results::Window& window) {
  return std::max(window.end_s() - window.start_s(), 1e-9);
}

// A series over the windows: one point per window, at its middle.
template <typename Value>
ChartSeries overWindows(const results::RunResult& result, std::string name, ColorIndex color,
                        Value value) {
  ChartSeries series{std::move(name), {}, {}, color, false};
  series.x.reserve(result.windows_size());
  series.y.reserve(result.windows_size());
  for (const auto& window : result.windows()) {
    if (draining(result, window)) break;
    series.x.push_back(middle(window));
    series.y.push_back(value(window));
  }
  return series;
}

TimeChart timeChart(const results::RunResult& result, std::string title, std::string y_label) {
  TimeChart chart;
  chart.title = std::move(title);
  chart.y_label = std::move(y_label);
  chart.faults = faultBands(result);
  chart.x_end_s = timeEnd(result);
  return chart;
}

TimeChart requestsByRegion(const results::RunResult& result) {
  TimeChart chart = timeChart(result, "Requests by serving region", "requests/s");
  chart.stacked = true;
  const auto& regions = result.topology().regions();
  for (int r = 0; r < regions.size(); ++r) {
    chart.series.push_back(overWindows(result, regions[r].name(), r, [r](const auto& window) {
      const double to = r < window.regions_size() ? window.regions(r).requests_to() : 0;
      return to / length(window);
    }));
  }
  // Requests no backend saw: refused by the balancer (no healthy host, circuit open, rate limit)
  // or lost on the way. Shown only when there were some.
  auto refused = overWindows(
      result, "refused or lost before a backend", regions.size(),
      [](const results::Window& window) {
        double served = 0;  // in double: untrusted counts must not overflow
        for (const auto& region : window.regions())
          served += static_cast<double>(region.requests_to());
        return std::max(0.0, static_cast<double>(window.requests()) - served) / length(window);
      });
  if (std::any_of(refused.y.begin(), refused.y.end(), [](double y) { return y > 0; })) {
    chart.series.push_back(std::move(refused));
  }
  return chart;
}

TimeChart successRate(const results::RunResult& result) {
  TimeChart chart = timeChart(result, "Success rate", "% of completed requests");
  chart.series.push_back(successRateSeries(result, 0));
  const double target = result.summary().slo().availability_target();
  if (target > 0) chart.references.push_back({"SLO", target * 100});
  return chart;
}

TimeChart latency(const results::RunResult& result) {
  TimeChart chart = timeChart(result, "Latency of successful requests", "ms");
  chart.series.push_back(latencySeries(result, &results::LatencyStats::p50, 0));
  chart.series.push_back(latencySeries(result, &results::LatencyStats::p99, 1));
  useLogScaleWhenWide(chart);
  const auto& slo = result.summary().slo();
  if (slo.latency_target_ms() > 0) {
    chart.references.push_back(
        {fmt::format("SLO p{:g}", slo.latency_percentile()), slo.latency_target_ms()});
  }
  return chart;
}

// Per region: the hosts able to serve (the truth, dashed) and those the balancers route to (the
// most pessimistic balancer's view): the gap between the two is what health checking and
// outlier detection have not yet seen, or have ejected.
TimeChart hosts(const results::RunResult& result) {
  TimeChart chart = timeChart(result, "Hosts up and healthy, per region", "hosts");
  const auto& regions = result.topology().regions();
  for (int r = 0; r < regions.size(); ++r) {
    chart.series.push_back(
        overWindows(result, regions[r].name() + " healthy", r, [r](const results::Window& window) {
          const int healthy = lowestHealthy(window, r);
          return healthy < 0 ? kGap : static_cast<double>(healthy);
        }));
    auto up = overWindows(result, regions[r].name() + " up", r, [r](const auto& window) {
      return r < window.regions_size() ? static_cast<double>(window.regions(r).hosts_up()) : kGap;
    });
    up.dashed = true;
    chart.series.push_back(std::move(up));
  }
  return chart;
}

TimeChart costRate(const results::RunResult& result) {
  TimeChart chart = timeChart(result, "Cost rate", "USD/hour");
  constexpr double kSecondsPerHour = 3600;
  chart.series.push_back(
      overWindows(result, "infrastructure + egress", 0, [](const results::Window& window) {
        return withoutDowntime(window.cost()) * kSecondsPerHour / length(window);
      }));
  chart.series.push_back(overWindows(result, "with downtime", 3, [](const results::Window& window) {
    return window.cost().total_usd() * kSecondsPerHour / length(window);
  }));
  // Downtime is billed by the minute at thousands of dollars: next to it the hosts would lie
  // flat on zero.
  useLogScaleWhenWide(chart);
  return chart;
}

// What the run has cost so far: hosts and egress, and downtime priced by the minute.
TimeChart cumulativeCost(const results::RunResult& result) {
  TimeChart chart = timeChart(result, "Cumulative cost", "USD");
  double infrastructure = 0;
  double downtime = 0;
  chart.series.push_back(
      overWindows(result, "infrastructure + egress", 0, [&](const results::Window& window) {
        infrastructure += withoutDowntime(window.cost());
        return infrastructure;
      }));
  chart.series.push_back(overWindows(result, "downtime", 3, [&](const results::Window& window) {
    downtime += window.cost().downtime_usd();
    return downtime;
  }));
  return chart;
}

}  // namespace

std::vector<Chart> runCharts(const results::RunResult& result) {
  return {requestsByRegion(result), successRate(result),   latency(result), hosts(result),
          costRate(result),         cumulativeCost(result)};
}

ChartSeries successRateSeries(const results::RunResult& result, ColorIndex color) {
  return overWindows(result, "success rate", color, [](const results::Window& window) {
    return window.requests() > 0 ? 100.0 * window.ok() / window.requests() : kGap;
  });
}

ChartSeries latencySeries(const results::RunResult& result, LatencyPick pick, ColorIndex color) {
  const std::string name = pick == &results::LatencyStats::p50   ? "p50"
                           : pick == &results::LatencyStats::p90 ? "p90"
                           : pick == &results::LatencyStats::p99 ? "p99"
                                                                 : "latency";
  return overWindows(result, name, color, [pick](const results::Window& window) {
    const auto& latency = window.latency_ms();
    return latency.count() > 0 ? (latency.*pick)() : kGap;
  });
}

ChartSeries failureRateSeries(const results::RunResult& result, ColorIndex color) {
  return overWindows(result, "failed requests/s", color, [](const results::Window& window) {
    return window.failed() / length(window);
  });
}

void useLogScaleWhenWide(TimeChart& chart) {
  double low = std::numeric_limits<double>::infinity();
  double high = 0;
  for (const auto& series : chart.series) {
    for (double y : series.y) {
      if (!(y > 0)) continue;
      low = std::min(low, y);
      high = std::max(high, y);
    }
  }
  chart.log_y = high > 50 * low;
}

int lowestHealthy(const results::Window& window, int region) {
  int healthy = -1;
  for (const auto& view : window.balancers()) {
    // A dead tier instance routes nothing, whatever its checks last saw.
    if (view.down() || region < 0 || region >= view.healthy_hosts_size()) continue;
    const int seen = std::max(0, view.healthy_hosts(region));
    healthy = healthy < 0 ? seen : std::min(healthy, seen);
  }
  return healthy;
}

double withoutDowntime(const results::CostStats& cost) {
  return cost.total_usd() - cost.downtime_usd();
}

std::vector<FaultBand> faultBands(const results::RunResult& result) {
  std::vector<FaultBand> bands;
  for (const auto& fault : result.topology().faults())
    bands.push_back({fault.name(), fault.start_s(), fault.end_s()});
  return bands;
}

double timeEnd(const results::RunResult& result) {
  if (result.run().duration_s() > 0) return result.run().duration_s();
  return result.windows().empty() ? 0 : result.windows().rbegin()->end_s();
}

}  // namespace faultline::reports
