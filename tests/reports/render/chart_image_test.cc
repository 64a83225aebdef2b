// Charts drawn by QCustomPlot: pictures of the right size that show their data, not an empty
// frame.
#include "reports/render/chart_image.h"

#include <gtest/gtest.h>

#include <QImage>

#include "reports/comparison_charts.h"
#include "reports/run_charts.h"
#include "tests/reports/render/render_test_support.h"

namespace faultline::reports::render {
namespace {

using testing::RenderTest;

// The same chart, axes, title and legend included, without its data.
Chart withoutData(Chart chart) {
  if (auto* time = std::get_if<TimeChart>(&chart)) {
    for (auto& series : time->series) {
      series.x.clear();
      series.y.clear();
    }
    return chart;
  }
  for (auto& bar : std::get<BarChart>(chart).bars)
    bar.value = bar.low = bar.high = 0;
  return chart;
}

// Pixels that differ between two pictures of the same size.
double differingShare(const QImage& a, const QImage& b) {
  if (a.size() != b.size()) return 1;
  long differing = 0;
  for (int y = 0; y < a.height(); ++y) {
    for (int x = 0; x < a.width(); ++x)
      differing += a.pixel(x, y) != b.pixel(x, y);
  }
  return static_cast<double>(differing) / (a.width() * a.height());
}

// Data fill at least this share of the picture: a line over a 760 x 340 plot, drawn twice as
// large, covers more than half a percent; an empty frame differs by nothing.
constexpr double kDataShare = 0.005;

void expectDataDrawn(const Chart& chart) {
  QImage drawn;
  QImage empty;
  ASSERT_TRUE(drawn.loadFromData(chartPng(chart, QSize(760, 340), 2), "PNG"));
  ASSERT_TRUE(empty.loadFromData(chartPng(withoutData(chart), QSize(760, 340), 2), "PNG"));
  EXPECT_EQ(drawn.size(), QSize(1520, 680));
  EXPECT_GT(differingShare(drawn, empty), kDataShare) << chartTitle(chart);
}

class ChartImageTest : public RenderTest {};

TEST_F(ChartImageTest, EveryChartOfARunShowsItsData) {
  const auto charts = runCharts(testing::regionOutageRun());
  ASSERT_EQ(charts.size(), 6u);
  for (const auto& chart : charts)
    expectDataDrawn(chart);
}

TEST_F(ChartImageTest, EveryChartOfAComparisonShowsItsData) {
  const auto comparison = testing::regionOutageComparison();
  for (const auto& chart : comparisonBarCharts(comparison))
    expectDataDrawn(chart);
  for (const auto& chart : comparisonOverlays(comparison))
    expectDataDrawn(chart);
}

TEST_F(ChartImageTest, APictureIsVector) {
  const auto charts = runCharts(testing::regionOutageRun());
  const QPicture picture = chartPicture(charts[1], QSize(700, 300));
  EXPECT_GT(picture.size(), 1000u);  // recorded drawing commands
  EXPECT_LE(picture.boundingRect().width(), 701);
}

TEST_F(ChartImageTest, NastyChartsStillDraw) {
  TimeChart nasty;
  nasty.title = "nothing but gaps and one huge value";
  nasty.log_y = true;
  nasty.series.push_back({"a", {0, 1, 2}, {std::nan(""), 0, 1e300}, 3, true});
  nasty.faults.push_back({"backwards", 5, 1});
  BarChart bars;
  bars.title = "one bar, no spread";
  bars.bars.push_back({"x", 0, 0, 0, 99});
  for (const Chart& chart : {Chart(nasty), Chart(bars), Chart(TimeChart{}), Chart(BarChart{})}) {
    QImage image;
    EXPECT_TRUE(image.loadFromData(chartPng(chart, QSize(300, 200), 1), "PNG"));
  }
}

}  // namespace
}  // namespace faultline::reports::render
