#pragma once

#include <QMainWindow>
#include <optional>

#include "gui/host_states.h"
#include "gui/run_model.h"
#include "reports/results.pb.h"

class QTabWidget;
class QTimer;

namespace faultline::gui {

class ComparisonTable;
class PlotsPanel;
class RunControls;
class RunController;
class ScenarioPanel;
class TimelineBar;
class TopologyView;

// The window composes the panels and moves data between them; it draws nothing itself. Runs go
// to the controller's worker; what they produce arrives through the bridge and is shown on a
// 40 ms single-shot timer (one replot however many windows closed), so the window stays
// responsive whatever the engine does.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  MainWindow();
  ~MainWindow() override;

  // What the run controls ask for, on the editor's scenario. False, with the reason shown (the
  // validator's diagnostics at their lines, or the status line), when nothing started.
  bool startRun();
  void cancelRun();
  bool busy() const;

  // A results file of `run` or `compare`, shown as if just run. The error, when unreadable.
  std::optional<QString> openResults(const QString& path);
  std::optional<QString> saveResults(const QString& path) const;
  // HTML or PDF by the extension, through the reports module.
  std::optional<QString> exportReport(const QString& path) const;

  ScenarioPanel& scenarioPanel() { return *scenario_; }
  RunControls& runControls() { return *controls_; }
  TopologyView& topologyView() { return *topology_; }
  RunController& runController() { return *controller_; }
  TimelineBar& timeline() { return *timeline_; }
  PlotsPanel& plots() { return *plots_; }
  ComparisonTable& comparisonTable() { return *comparison_table_; }
  const RunModel& model() const { return model_; }
  const std::optional<results::ComparisonResult>& comparison() const { return comparison_; }

 signals:
  // A run or comparison ended (finished, cancelled or failed), its last data shown.
  void workEnded(bool finished);

 private:
  void buildMenus();
  void refresh();
  void refreshFromBridge();
  void showTopology();
  void redrawCharts();
  void showMoment(double time_s);
  void showRun(results::RunResult result);
  void showComparison(results::ComparisonResult comparison);
  void selectStrategy(const QString& strategy);
  void runEnded(bool finished, const QString& message);
  void comparisonEnded(bool finished, const QString& message);

  ScenarioPanel* scenario_;
  RunControls* controls_;
  TopologyView* topology_;
  ComparisonTable* comparison_table_;
  QTabWidget* views_;
  TimelineBar* timeline_;
  PlotsPanel* plots_;
  RunController* controller_;
  QTimer* refresh_timer_;
  RunModel model_;
  HostStates host_states_;  // the shown run's hosts, by name
  std::optional<results::ComparisonResult> comparison_;
  bool comparing_ = false;
};

}  // namespace faultline::gui
