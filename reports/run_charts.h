#pragma once

#include <vector>

#include "reports/chart.h"
#include "reports/results.pb.h"

namespace faultline::reports {

// The charts of one run, every one over its windows with the faults shaded (docs/metrics.md,
// "Report charts"): requests per second by serving region (stacked, with what the balancers
// refused on top), success rate against the SLO, latency p50 and p99, hosts up and hosts the
// balancers consider healthy per region, the cost rate and the cost so far. A window without
// requests leaves a gap (NaN) in the rates that need them. The charts end with the traffic
// (run.duration_s): the drain after it, a fraction of a window, would read as a sudden drop.
std::vector<Chart> runCharts(const results::RunResult& result);

// The parts, for the comparison's overlays and the desktop app. `color` colours every series.
ChartSeries successRateSeries(const results::RunResult& result, ColorIndex color);
using LatencyPick = double (results::LatencyStats::*)() const;  // &LatencyStats::p99
ChartSeries latencySeries(const results::RunResult& result, LatencyPick pick, ColorIndex color);
ChartSeries failureRateSeries(const results::RunResult& result, ColorIndex color);
// Timeouts beside single milliseconds flatten a linear axis: a chart whose positive values span
// more than a factor of 50 is drawn on a log axis.
void useLogScaleWhenWide(TimeChart& chart);
// The hosts of `region` the most pessimistic running balancer considers healthy in a window; -1
// when no running balancer's view covers the region. The charts and the desktop app's map both read
// it.
int lowestHealthy(const results::Window& window, int region);
// A window's cost without its downtime: hosts, balancers and egress.
double withoutDowntime(const results::CostStats& cost);
std::vector<FaultBand> faultBands(const results::RunResult& result);
double timeEnd(const results::RunResult& result);

}  // namespace faultline::reports
