// The desktop app as a user drives it, under the offscreen platform: open a built-in, run it,
// scrub, compare, and a bad edit that must not run. Runs are real simulations on the worker
// thread; the tests wait for the window's signal (QSignalSpy), never for a fixed time.
#include "gui/main_window.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <QImage>
#include <QSignalSpy>

#include "gui/comparison_table.h"
#include "gui/plots_panel.h"
#include "gui/run_controller.h"
#include "gui/run_controls.h"
#include "gui/scenario_panel.h"
#include "gui/screenshot.h"
#include "gui/timeline_bar.h"
#include "gui/topology_view.h"
#include "tests/gui/gui_test_support.h"
#include "tests/support/temp_dir.h"

namespace faultline::gui {
namespace {

using ::testing::HasSubstr;

constexpr int kRunTimeoutMs = 120'000;  // a bound for a sanitizer build, not an expectation

class MainWindowTest : public testing::GuiTest {
 protected:
  // Runs what the controls say and waits for the end; whether the work finished.
  bool runToEnd() {
    QSignalSpy ended(&window_, &MainWindow::workEnded);
    if (!window_.startRun()) return false;
    if (!ended.wait(kRunTimeoutMs)) return false;
    return ended.takeFirst().at(0).toBool();
  }

  MainWindow window_;
};

TEST_F(MainWindowTest, ARegionOutageIsSeenOnTheMapAndInThePlots) {
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("region-outage")).has_value());
  ASSERT_TRUE(runToEnd()) << window_.runControls().status().toStdString();
  const auto& result = window_.model().result();
  ASSERT_EQ(result.run().duration_s(), 300);
  // One point per window of the traffic in every time chart (the drain is left out).
  int windows = 0;
  for (const auto& window : result.windows())
    windows += window.start_s() < 300;
  ASSERT_EQ(window_.plots().plotCount(), 6);
  EXPECT_EQ(window_.plots().pointCount(1), windows);      // success rate: one series
  EXPECT_EQ(window_.plots().pointCount(2), 2 * windows);  // p50 and p99

  auto& timeline = window_.timeline();
  timeline.setTime(60);
  EXPECT_EQ(window_.topologyView().regionHealth(0), Health::kHealthy);
  timeline.setTime(150);  // us-east dark from 120 s to 240 s, its traffic in us-west
  EXPECT_EQ(window_.topologyView().regionHealth(0), Health::kDown);
  // Host by host (the run's host events agree with its counts): every us-east host down, and
  // ejected by the balancers that checked them; us-west serving.
  const auto east = window_.topologyView().regionHosts(0);
  ASSERT_FALSE(east.empty());
  EXPECT_THAT(east, ::testing::Each(HostState::kDown));
  EXPECT_THAT(window_.topologyView().regionHosts(1), ::testing::Each(HostState::kServing));
  EXPECT_THAT(window_.topologyView().faultsOn(0), ::testing::ElementsAre("us-east dark"));
  EXPECT_GT(window_.topologyView().trafficRate(0, 1), 1000);
  timeline.setTime(290);
  EXPECT_EQ(window_.topologyView().regionHealth(0), Health::kHealthy);
  EXPECT_THAT(window_.topologyView().regionHosts(0), ::testing::Each(HostState::kServing));
  EXPECT_EQ(window_.topologyView().trafficRate(0, 1), 0);
}

TEST_F(MainWindowTest, TheTimelinePlaysAndJumpsToTheNextFault) {
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("region-outage")).has_value());
  window_.runControls().setDuration(QStringLiteral("130s"));
  ASSERT_TRUE(runToEnd());
  auto& timeline = window_.timeline();
  timeline.setTime(0);
  timeline.setSpeed(100);
  timeline.play();
  timeline.advance(0.04);  // one tick of the play timer: 4 simulated seconds at 100x
  EXPECT_NEAR(timeline.time(), 4, 1e-9);
  timeline.pause();
  timeline.jumpToNextFault();
  EXPECT_EQ(timeline.time(), 120);
  timeline.jumpToNextFault();  // none after
  EXPECT_EQ(timeline.time(), 120);
  timeline.setTime(1e9);  // clamped to the run
  EXPECT_EQ(timeline.time(), 130);
}

TEST_F(MainWindowTest, AnInvalidEditIsShownAtItsLineAndDoesNotRun) {
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("region-outage")).has_value());
  QString text = window_.scenarioPanel().text();
  text.replace(text.indexOf(QStringLiteral("workers: 8")), 10, QStringLiteral("workers: 0"));
  window_.scenarioPanel().setText(text);
  QSignalSpy ended(&window_, &MainWindow::workEnded);
  EXPECT_FALSE(window_.startRun());
  EXPECT_FALSE(window_.busy());
  ASSERT_GE(window_.scenarioPanel().diagnosticCount(), 1);
  EXPECT_THAT(window_.scenarioPanel().diagnosticText(0).toStdString(), HasSubstr("region-outage:"));
  EXPECT_THAT(window_.scenarioPanel().diagnosticText(0).toStdString(),
              HasSubstr("workers: must be >= 1 (got 0)"));
  EXPECT_THAT(window_.runControls().status().toStdString(), HasSubstr("breaks 1 rule"));
  EXPECT_TRUE(window_.model().empty());
  EXPECT_EQ(ended.count(), 0);
  // A bad strategy is the engine's check: shown the same way, nothing runs.
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("region-outage")).has_value());
  window_.runControls().setDuration(QStringLiteral("ten seconds"));
  EXPECT_FALSE(window_.startRun());
  EXPECT_THAT(window_.runControls().status().toStdString(), HasSubstr("Duration: "));
}

TEST_F(MainWindowTest, AComparisonOverlaysItsStrategiesAndAClickShowsOne) {
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("region-outage")).has_value());
  window_.runControls().setStrategies({"round-robin", "maglev"});
  window_.runControls().setSeeds(2);
  window_.runControls().setDuration(QStringLiteral("125s"));
  // Each strategy's overlay appears when its example run is done, before the comparison ends.
  std::vector<int> overlaid_points;
  QObject::connect(&window_.runController(), &RunController::exampleRunArrived, &window_, [&] {
    overlaid_points.push_back(window_.plots().pointCount(0));  // success rates overlaid
  });
  QSignalSpy ended(&window_.runController(), &RunController::comparisonEnded);
  ASSERT_TRUE(runToEnd()) << window_.runControls().status().toStdString();
  ASSERT_EQ(overlaid_points.size(), 2u);
  ASSERT_EQ(ended.count(), 1);
  EXPECT_GT(overlaid_points[0], 0);
  EXPECT_GT(overlaid_points[1], overlaid_points[0]);  // the second strategy's line added
  ASSERT_TRUE(window_.comparison().has_value());
  auto& table = window_.comparisonTable();
  ASSERT_EQ(table.rowCount(), 2);
  // Three overlays (success rate, failures, p99), then the shown run's six charts.
  EXPECT_EQ(window_.plots().plotCount(), 9);
  const std::string first = window_.comparison()->ranking(0).strategy();
  EXPECT_EQ(window_.model().result().run().strategy(), first);
  const int other_row = 1;
  const std::string other = table.item(other_row, 1)->text().toStdString();
  emit table.cellClicked(other_row, 1);
  EXPECT_EQ(window_.model().result().run().strategy(), other);
  EXPECT_EQ(window_.model().result().run().seed(), 1u);
}

TEST_F(MainWindowTest, CancelStopsARun) {
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("bench-3region")).has_value());
  window_.runControls().setDuration(QStringLiteral("1h"));
  QSignalSpy ended(&window_, &MainWindow::workEnded);
  ASSERT_TRUE(window_.startRun());
  EXPECT_TRUE(window_.busy());
  window_.cancelRun();
  ASSERT_TRUE(ended.wait(kRunTimeoutMs));
  EXPECT_FALSE(ended.takeFirst().at(0).toBool());
  EXPECT_FALSE(window_.busy());
  EXPECT_THAT(window_.runControls().status().toStdString(), HasSubstr("cancelled"));
}

TEST_F(MainWindowTest, ResultsSaveOpenAndExport) {
  ASSERT_FALSE(window_.scenarioPanel().open(QStringLiteral("region-outage")).has_value());
  window_.runControls().setDuration(QStringLiteral("125s"));
  ASSERT_TRUE(runToEnd());
  const faultline::testing::TempDir dir;
  const QString json = QString::fromStdString((dir / "r.json").string());
  ASSERT_FALSE(window_.saveResults(json).has_value());
  ASSERT_FALSE(window_.exportReport(QString::fromStdString((dir / "r.pdf").string())));
  ASSERT_FALSE(window_.exportReport(QString::fromStdString((dir / "r.html").string())));
  EXPECT_TRUE(window_.exportReport(QString::fromStdString((dir / "r.txt").string())).has_value());
  MainWindow other;
  ASSERT_FALSE(other.openResults(json).has_value());
  EXPECT_EQ(other.model().result().windows_size(), window_.model().result().windows_size());
  EXPECT_EQ(other.plots().plotCount(), 6);
  EXPECT_TRUE(other.openResults(QStringLiteral("/no/such.json")).has_value());
}

TEST_F(MainWindowTest, AScreenshotShowsTheWindowAtTheMomentAsked) {
  const faultline::testing::TempDir dir;
  StudioOptions options;
  options.scenario = "region-outage";
  options.duration = "130s";
  options.at_s = 125;
  options.screenshot = (dir / "shot.png").string();
  options.width = 1200;
  options.height = 800;
  ASSERT_FALSE(takeScreenshot(window_, options).has_value());
  EXPECT_EQ(window_.timeline().time(), 125);
  QImage shot;
  ASSERT_TRUE(shot.load(QString::fromStdString(*options.screenshot)));
  EXPECT_EQ(shot.size(), QSize(1200, 800));
  StudioOptions bad = options;
  bad.scenario = "no-such-scenario";
  EXPECT_TRUE(takeScreenshot(window_, bad).has_value());
}

}  // namespace
}  // namespace faultline::gui
