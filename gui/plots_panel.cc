#include "gui/plots_panel.h"

#include <qcustomplot.h>

#include <QGridLayout>

#include "reports/render/chart_plot.h"

namespace faultline::gui {
namespace {

constexpr int kColumns = 2;
const QString kCursorName = QStringLiteral("cursor");

}  // namespace

PlotsPanel::PlotsPanel(QWidget* parent) : QWidget(parent), grid_(new QGridLayout(this)) {
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setSpacing(6);
}

QCustomPlot* PlotsPanel::addPlot() {
  auto* plot = new QCustomPlot(this);
  plot->setMinimumHeight(230);
  reports::render::prepareChartPlot(*plot);
  plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot->axisRect()->setRangeDrag(Qt::Horizontal);
  plot->axisRect()->setRangeZoom(Qt::Horizontal);
  connect(plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
          [this, plot](const QCPRange&) { linkTimeAxes(plot); });
  connect(plot, &QCustomPlot::mousePress, this, [this, plot](QMouseEvent* event) {
    const auto index =
        static_cast<std::size_t>(std::find(plots_.begin(), plots_.end(), plot) - plots_.begin());
    if (index < time_charts_.size() && time_charts_[index]) {
      emit timeClicked(plot->xAxis->pixelToCoord(event->position().x()));
    }
  });
  const int index = static_cast<int>(plots_.size());
  grid_->addWidget(plot, index / kColumns, index % kColumns);
  plots_.push_back(plot);
  time_charts_.push_back(false);
  return plot;
}

void PlotsPanel::showCharts(const std::vector<reports::Chart>& charts) {
  while (plots_.size() < charts.size())
    addPlot();
  visible_ = static_cast<int>(charts.size());
  for (std::size_t i = 0; i < plots_.size(); ++i) {
    QCustomPlot& plot = *plots_[i];
    plot.setVisible(i < charts.size());
    if (i >= charts.size()) continue;
    linking_ = true;  // a new chart sets its own range: not a user's drag to follow
    reports::render::showChart(charts[i], plot);
    // Antialiased area fills made a live replot of thousands of windows about a third slower (16
    // against 12 ms, timed once near 2,850 windows); their edges are steps that look the same
    // without.
    plot.setNotAntialiasedElements(QCP::aeFills);
    linking_ = false;
    time_charts_[i] = std::holds_alternative<reports::TimeChart>(charts[i]);
    if (time_charts_[i]) placeCursor(plot);
    plot.replot(QCustomPlot::rpQueuedReplot);
  }
}

void PlotsPanel::placeCursor(QCustomPlot& plot) {
  auto* line = new QCPItemStraightLine(&plot);
  line->setObjectName(kCursorName);
  line->setPen(QPen(QColor(0x33, 0x33, 0x33), 1.2, Qt::DashDotLine));
  line->point1->setCoords(cursor_s_, 0);
  line->point2->setCoords(cursor_s_, 1);
}

void PlotsPanel::setCursor(double time_s) {
  cursor_s_ = time_s;
  for (int i = 0; i < visible_; ++i) {
    QCustomPlot& plot = *plots_[static_cast<std::size_t>(i)];
    for (int item = 0; item < plot.itemCount(); ++item) {
      auto* line = qobject_cast<QCPItemStraightLine*>(plot.item(item));
      if (line == nullptr || line->objectName() != kCursorName) continue;
      line->point1->setCoords(time_s, 0);
      line->point2->setCoords(time_s, 1);
    }
    plot.replot(QCustomPlot::rpQueuedReplot);
  }
}

void PlotsPanel::linkTimeAxes(QCustomPlot* source) {
  if (linking_) return;
  const auto index =
      static_cast<std::size_t>(std::find(plots_.begin(), plots_.end(), source) - plots_.begin());
  if (index >= time_charts_.size() || !time_charts_[index]) return;
  linking_ = true;
  for (std::size_t i = 0; i < plots_.size(); ++i) {
    if (plots_[i] == source || !time_charts_[i]) continue;
    plots_[i]->xAxis->setRange(source->xAxis->range());
    plots_[i]->replot(QCustomPlot::rpQueuedReplot);
  }
  linking_ = false;
}

QCustomPlot* PlotsPanel::plot(int index) const {
  if (index < 0 || index >= visible_) return nullptr;
  return plots_[static_cast<std::size_t>(index)];
}

int PlotsPanel::pointCount(int index) const {
  QCustomPlot* p = plot(index);
  if (p == nullptr) return 0;
  int points = 0;
  for (int i = 0; i < p->plottableCount(); ++i) {
    if (auto* plottable = p->plottable(i)->interface1D()) points += plottable->dataCount();
  }
  return points;
}

}  // namespace faultline::gui
