#pragma once

#include <QWidget>
#include <vector>

#include "reports/chart.h"

class QCustomPlot;
class QGridLayout;

namespace faultline::gui {

// The run's charts (the reports' charts, drawn the same way), two to a row, their time axes
// linked: dragging or zooming one moves them all. A vertical line marks the timeline's moment;
// clicking a time chart moves the timeline there.
class PlotsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PlotsPanel(QWidget* parent = nullptr);

  // One plot per chart, in order; plots are added as needed and hidden when unused. Queues one
  // replot of each.
  void showCharts(const std::vector<reports::Chart>& charts);
  void setCursor(double time_s);

  int plotCount() const { return visible_; }
  QCustomPlot* plot(int index) const;
  // Data points in a plot, over all its graphs and bars: what a test checks.
  int pointCount(int index) const;

 signals:
  void timeClicked(double time_s);

 private:
  QCustomPlot* addPlot();
  void placeCursor(QCustomPlot& plot);
  void linkTimeAxes(QCustomPlot* source);

  QGridLayout* grid_;
  std::vector<QCustomPlot*> plots_;
  std::vector<bool> time_charts_;
  int visible_ = 0;
  double cursor_s_ = 0;
  bool linking_ = false;
};

}  // namespace faultline::gui
