#include "reports/render/chart_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace faultline::reports::render {
namespace {

constexpr double kSeriesPenWidth = 1.6;
const QString kFont = QStringLiteral("DejaVu Sans");

QFont font(int point_size, bool bold = false) {
  QFont f(kFont, point_size);
  f.setBold(bold);
  return f;
}

// The title's element, which prepareChartPlot put in the first row.
QCPTextElement* titleOf(QCustomPlot& plot) {
  auto* layout = plot.plotLayout();
  if (layout->rowCount() < 3) return nullptr;
  return qobject_cast<QCPTextElement*>(layout->element(0, 0));
}

void setTitle(QCustomPlot& plot, const std::string& title) {
  if (auto* element = titleOf(plot)) element->setText(QString::fromStdString(title));
}

// As many legend entries to a row as fit the plot's width.
void wrapLegend(QCustomPlot& plot) {
  int longest = 1;
  for (int i = 0; i < plot.legend->itemCount(); ++i) {
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot.legend->item(i))) {
      longest = std::max(longest, static_cast<int>(item->plottable()->name().size()));
    }
  }
  constexpr int kIconAndGap = 50;
  constexpr int kCharWidth = 7;
  plot.legend->setWrap(std::max(1, plot.width() / (kIconAndGap + kCharWidth * longest)));
  plot.legend->setFillOrder(QCPLegend::foColumnsFirst, true);
}

// Everything a previous chart left: its graphs, bars, bands and lines, and its axes' scales.
void clearChart(QCustomPlot& plot) {
  plot.clearPlottables();
  plot.clearItems();
  plot.yAxis->setScaleType(QCPAxis::stLinear);
  plot.yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  plot.xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  plot.xAxis->setSubTicks(true);
  plot.xAxis->grid()->setVisible(true);
  plot.xAxis->setTickLabelRotation(0);
}

void styleAxes(QCustomPlot& plot, const std::string& x_label, const std::string& y_label) {
  for (QCPAxis* axis : {plot.xAxis, plot.yAxis}) {
    axis->setTickLabelFont(font(8));
    axis->setLabelFont(font(8));
    axis->setBasePen(QPen(QColor(0x60, 0x60, 0x60), 1));
    axis->setTickPen(QPen(QColor(0x60, 0x60, 0x60), 1));
    axis->setSubTickPen(QPen(QColor(0x90, 0x90, 0x90), 1));
    axis->grid()->setPen(QPen(QColor(0xdd, 0xdd, 0xdd), 1, Qt::DotLine));
  }
  plot.xAxis->setLabel(QString::fromStdString(x_label));
  plot.yAxis->setLabel(QString::fromStdString(y_label));
}

QPen seriesPen(const ChartSeries& series) {
  QPen pen(seriesColor(series.color), kSeriesPenWidth);
  if (series.dashed) pen.setStyle(Qt::DashLine);
  return pen;
}

// Stacked series: each graph holds the running total and fills down to the one below it.
void addStackedSeries(QCustomPlot& plot, const TimeChart& chart) {
  std::vector<double> total;
  QCPGraph* below = nullptr;
  for (const auto& series : chart.series) {
    total.resize(series.y.size(), 0.0);
    QVector<double> x(series.x.begin(), series.x.end());
    QVector<double> y(static_cast<int>(series.y.size()));
    for (std::size_t i = 0; i < series.y.size(); ++i) {
      if (std::isfinite(series.y[i])) total[i] += series.y[i];
      y[static_cast<int>(i)] = total[i];
    }
    QCPGraph* graph = plot.addGraph();
    graph->setName(QString::fromStdString(series.name));
    graph->setPen(QPen(seriesColor(series.color), 1));
    QColor fill = seriesColor(series.color);
    fill.setAlpha(150);
    graph->setBrush(fill);
    if (below != nullptr) graph->setChannelFillGraph(below);
    graph->setData(x, y, true);
    below = graph;
  }
}

void addLines(QCustomPlot& plot, const TimeChart& chart) {
  for (const auto& series : chart.series) {
    QVector<double> x(series.x.begin(), series.x.end());
    QVector<double> y(series.y.begin(), series.y.end());
    // A log axis has no place for zero: leave a gap there instead.
    if (chart.log_y) {
      for (double& v : y) {
        if (!(v > 0)) v = std::numeric_limits<double>::quiet_NaN();
      }
    }
    QCPGraph* graph = plot.addGraph();
    graph->setName(QString::fromStdString(series.name));
    graph->setPen(seriesPen(series));
    graph->setData(x, y, true);
  }
}

// Faults shaded on a layer under the grid, each named at its top left.
// The row of each fault's label: faults that start close together (within a sixth of the time
// axis, about a label's width) take the rows under the earlier ones' instead of writing over them.
std::vector<int> labelRows(const std::vector<FaultBand>& faults, double span) {
  constexpr int kRows = 4;
  std::vector<int> rows(faults.size(), 0);
  for (std::size_t i = 0; i < faults.size(); ++i) {
    std::vector<bool> taken(kRows, false);
    for (std::size_t j = 0; j < i; ++j) {
      if (std::abs(faults[j].start_s - faults[i].start_s) < span / 6) taken[rows[j]] = true;
    }
    const auto free = std::find(taken.begin(), taken.end(), false);
    rows[i] =
        free == taken.end() ? static_cast<int>(i % kRows) : static_cast<int>(free - taken.begin());
  }
  return rows;
}

void addFaultBands(QCustomPlot& plot, const std::vector<FaultBand>& faults, double span) {
  if (faults.empty()) return;
  const std::vector<int> rows = labelRows(faults, span);
  constexpr double kRowHeight = 0.075;  // of the axis rect
  if (plot.layer(QStringLiteral("faults")) == nullptr) {
    plot.addLayer(QStringLiteral("faults"), plot.layer(QStringLiteral("grid")),
                  QCustomPlot::limBelow);
  }
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const FaultBand& fault = faults[i];
    auto* band = new QCPItemRect(&plot);
    band->setLayer(QStringLiteral("faults"));
    band->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    band->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    band->topLeft->setCoords(fault.start_s, 0);
    band->bottomRight->setCoords(std::max(fault.end_s, fault.start_s), 1);
    band->setPen(Qt::NoPen);
    band->setBrush(QColor(214, 39, 40, 28));
    auto* label = new QCPItemText(&plot);
    label->setLayer(QStringLiteral("faults"));
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(fault.start_s, rows[i] * kRowHeight);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setPadding(QMargins(3, 2, 3, 2));
    label->setFont(font(7));
    label->setColor(QColor(150, 30, 30));
    label->setText(QString::fromStdString(fault.name));
  }
}

void addReferences(QCustomPlot& plot, const std::vector<ReferenceLine>& references) {
  for (const auto& reference : references) {
    auto* line = new QCPItemStraightLine(&plot);
    line->point1->setCoords(0, reference.y);
    line->point2->setCoords(1, reference.y);
    line->setPen(QPen(QColor(0x55, 0x55, 0x55), 1, Qt::DashLine));
    auto* label = new QCPItemText(&plot);
    label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(1, reference.y);
    label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    label->setFont(font(7));
    label->setColor(QColor(0x55, 0x55, 0x55));
    label->setText(QString::fromStdString(reference.label));
  }
}

// The value axis fits the data and the reference lines, with a little room; a linear axis of
// non-negative data starts at zero unless the data sit far above it (success rates near 100%).
void fitValueAxis(QCustomPlot& plot, const TimeChart& chart) {
  bool found = false;
  QCPRange range = plot.graphCount() > 0 ? plot.graph(0)->getValueRange(found) : QCPRange();
  for (int g = 1; g < plot.graphCount(); ++g) {
    bool ok = false;
    const QCPRange r = plot.graph(g)->getValueRange(ok);
    if (!ok) continue;
    range = found ? QCPRange(std::min(range.lower, r.lower), std::max(range.upper, r.upper)) : r;
    found = true;
  }
  for (const auto& reference : chart.references) {
    range = found ? QCPRange(std::min(range.lower, reference.y), std::max(range.upper, reference.y))
                  : QCPRange(reference.y, reference.y);
    found = true;
  }
  if (!found) range = QCPRange(0, 1);
  if (chart.log_y) {
    plot.yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot.yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    plot.yAxis->setRange(std::max(range.lower, 1e-3) / 1.5, std::max(range.upper, 1e-3) * 1.5);
    return;
  }
  // A flat line far from zero (10 hosts all along) reads best from zero too.
  if (range.lower >= 0 && (range.lower < 0.5 * range.upper || range.lower == range.upper)) {
    range.lower = 0;
  }
  const double span = range.upper - range.lower;
  const double pad = span > 0 ? span * 0.06 : std::max(std::abs(range.upper) * 0.05, 1.0);
  plot.yAxis->setRange(range.lower == 0 ? 0 : range.lower - pad, range.upper + pad);
}

void showTimeChart(const TimeChart& chart, QCustomPlot& plot) {
  setTitle(plot, chart.title);
  styleAxes(plot, "time, s", chart.y_label);
  if (chart.stacked) {
    addStackedSeries(plot, chart);
  } else {
    addLines(plot, chart);
  }
  plot.xAxis->setRange(0, chart.x_end_s > 0 ? chart.x_end_s : 1);
  fitValueAxis(plot, chart);
  addFaultBands(plot, chart.faults, chart.x_end_s > 0 ? chart.x_end_s : 1);
  addReferences(plot, chart.references);
  wrapLegend(plot);
}

// One QCPBars per strategy (so each keeps its colour) with its interval as error bars.
void showBarChart(const BarChart& chart, QCustomPlot& plot) {
  setTitle(plot, chart.title);
  styleAxes(plot, "", chart.y_label);
  auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& bar = chart.bars[i];
    const double x = static_cast<double>(i + 1);
    ticker->addTick(x, QString::fromStdString(bar.label));
    auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
    bars->setWidth(0.6);
    bars->setPen(Qt::NoPen);
    bars->setBrush(seriesColor(bar.color));
    bars->setData(QVector<double>{x}, QVector<double>{bar.value}, true);
    auto* whiskers = new QCPErrorBars(plot.xAxis, plot.yAxis);
    whiskers->setDataPlottable(bars);
    whiskers->setPen(QPen(QColor(0x22, 0x22, 0x22), 1.2));
    whiskers->setWhiskerWidth(10);
    whiskers->setData(QVector<double>{std::max(0.0, bar.value - bar.low)},
                      QVector<double>{std::max(0.0, bar.high - bar.value)});
    low = std::min({low, bar.low, bar.value});
    high = std::max({high, bar.high, bar.value});
  }
  plot.xAxis->setTicker(ticker);
  plot.xAxis->setSubTicks(false);
  plot.xAxis->grid()->setVisible(false);
  plot.xAxis->setTickLabelRotation(chart.bars.size() > 4 ? 25 : 0);
  plot.xAxis->setRange(0.3, static_cast<double>(chart.bars.size()) + 0.7);
  if (!std::isfinite(low)) low = high = 0;
  // Figures far from zero that differ (availability near 100%) would give every bar the same
  // height: the axis then starts near the lowest interval, as its labels show. Equal figures
  // keep a zero-based axis, which shows them equal without inventing digits.
  const bool differ = high - low > 1e-9 * std::max(std::abs(high), 1.0);
  if (differ && low > 0 && low > 0.5 * high) {
    const double pad = (high - low) * 0.25;
    plot.yAxis->setRange(low - pad, high + pad);
    return;
  }
  plot.yAxis->setRange(std::min(0.0, low * 1.1), high > 0 ? high * 1.12 : 1);
}

}  // namespace

QColor seriesColor(ColorIndex index) {
  static const std::array<QColor, 10> kPalette = {
      QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
      QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
      QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
      QColor(0x17, 0xbe, 0xcf)};
  const auto n = static_cast<int>(kPalette.size());
  return kPalette[static_cast<std::size_t>(((index % n) + n) % n)];
}

void prepareChartPlot(QCustomPlot& plot) {
  plot.setAntialiasedElements(QCP::aeAll);
  plot.setBackground(Qt::white);
  auto* layout = plot.plotLayout();
  layout->insertRow(0);
  layout->addElement(0, 0, new QCPTextElement(&plot, QString(), font(10, true)));
  // The legend in a row of its own under the plot, filled left to right: it never hides data.
  plot.legend->setVisible(true);
  plot.legend->setFont(font(8));
  plot.legend->setBorderPen(Qt::NoPen);
  plot.axisRect()->insetLayout()->take(plot.legend);
  layout->addElement(2, 0, plot.legend);
  layout->setRowStretchFactor(2, 0.001);
}

void showChart(const Chart& chart, QCustomPlot& plot) {
  clearChart(plot);
  if (const auto* time = std::get_if<TimeChart>(&chart)) {
    showTimeChart(*time, plot);
  } else {
    showBarChart(std::get<BarChart>(chart), plot);
    wrapLegend(plot);
  }
}

void drawChart(const Chart& chart, QCustomPlot& plot) {
  prepareChartPlot(plot);
  showChart(chart, plot);
}

}  // namespace faultline::reports::render
