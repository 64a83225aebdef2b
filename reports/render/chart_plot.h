#pragma once

#include <QColor>

#include "reports/chart.h"

class QCustomPlot;

namespace faultline::reports::render {

// The palette every Faultline chart uses (Tableau 10: distinct, and readable by most colour-blind
// readers), by ColorIndex, wrapping around.
QColor seriesColor(ColorIndex index);

// Sets up an empty QCustomPlot to show `chart`: title, axes, one graph per series (stacked ones
// filled between neighbours), dashed series dashed, fault intervals shaded and named, reference
// lines, a legend under the plot; bars with confidence whiskers for a bar chart. Used by the
// reports and the desktop app, so both look the same.
void drawChart(const Chart& chart, QCustomPlot& plot);

// drawChart in two steps, for a plot that shows one chart after another (the desktop app's live
// runs): the title and legend rows once, then the chart, replacing whatever the plot showed.
void prepareChartPlot(QCustomPlot& plot);
void showChart(const Chart& chart, QCustomPlot& plot);

}  // namespace faultline::reports::render
