#pragma once

#include <string>
#include <variant>
#include <vector>

namespace faultline::reports {

// What a chart shows, with its data, and nothing of how it is drawn: built from results here,
// drawn by reports/render (QCustomPlot) for the HTML and PDF reports and by the desktop app, so
// every picture of a run is the same picture.

// Which of the palette's colours a series takes: the same region, or strategy, is the same colour
// in every chart.
using ColorIndex = int;

struct ChartSeries {
  std::string name;
  std::vector<double> x;  // seconds since the start, ascending
  std::vector<double> y;
  ColorIndex color = 0;
  bool dashed = false;
};

// A fault's interval, shaded behind the data and labelled with the fault's name.
struct FaultBand {
  std::string name;
  double start_s = 0;
  double end_s = 0;
};

// A horizontal line the data is judged against (the SLO's target).
struct ReferenceLine {
  std::string label;
  double y = 0;
};

// Series over simulated time, one value per results window.
struct TimeChart {
  std::string title;
  std::string y_label;
  std::vector<ChartSeries> series;
  // Each series is drawn on top of the ones before it (requests per region).
  bool stacked = false;
  bool log_y = false;
  std::vector<FaultBand> faults;
  std::vector<ReferenceLine> references;
  double x_end_s = 0;
};

// One bar per strategy with its confidence interval as whiskers.
struct Bar {
  std::string label;
  double value = 0;
  double low = 0;
  double high = 0;
  ColorIndex color = 0;
};

struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<Bar> bars;
};

using Chart = std::variant<TimeChart, BarChart>;

// Whether a chart has anything to draw: a series with a point, or a bar.
bool hasData(const Chart& chart);

const std::string& chartTitle(const Chart& chart);

}  // namespace faultline::reports
