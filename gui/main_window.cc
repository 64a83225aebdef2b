#include "gui/main_window.h"

#include <algorithm>

#include <QApplication>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QMenuBar>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "balancer/strategy_registry.h"
#include "gui/comparison_table.h"
#include "gui/plots_panel.h"
#include "gui/run_controller.h"
#include "gui/run_controls.h"
#include "gui/scenario_panel.h"
#include "gui/timeline_bar.h"
#include "gui/topology_view.h"
#include "reports/comparison_charts.h"
#include "reports/render/report_formats.h"
#include "reports/report_document.h"
#include "reports/results_io.h"
#include "reports/run_charts.h"

namespace faultline::gui {
namespace {

constexpr int kRefreshMs = 40;
constexpr int kSlowestRefreshMs = 1000;

QString qt(const std::string& text) {
  return QString::fromStdString(text);
}

// The end of what the timeline can show: the last window's end, the whole run once finished.
double availableEnd(const RunModel& model) {
  if (model.finished()) return model.duration();
  const auto& windows = model.result().windows();
  return windows.empty() ? 0 : windows.rbegin()->end_s();
}

}  // namespace

MainWindow::MainWindow()
    : scenario_(new ScenarioPanel),
      controls_(new RunControls),
      topology_(new TopologyView),
      comparison_table_(new ComparisonTable),
      views_(new QTabWidget),
      timeline_(new TimelineBar),
      plots_(new PlotsPanel),
      controller_(new RunController(this)),
      refresh_timer_(new QTimer(this)) {
  setWindowTitle(tr("Faultline Studio"));
  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->addWidget(scenario_, 1);
  left_layout->addWidget(controls_);
  views_->addTab(topology_, tr("Topology"));
  views_->addTab(comparison_table_, tr("Comparison"));
  auto* plots_scroll = new QScrollArea;
  plots_scroll->setWidget(plots_);
  plots_scroll->setWidgetResizable(true);
  auto* right = new QSplitter(Qt::Vertical);
  auto* top = new QWidget;
  auto* top_layout = new QVBoxLayout(top);
  top_layout->setContentsMargins(0, 0, 0, 0);
  top_layout->addWidget(views_, 1);
  top_layout->addWidget(timeline_);
  right->addWidget(top);
  right->addWidget(plots_scroll);
  right->setSizes({420, 580});
  auto* main = new QSplitter(Qt::Horizontal);
  main->addWidget(left);
  main->addWidget(right);
  main->setSizes({360, 1240});
  setCentralWidget(main);
  buildMenus();

  refresh_timer_->setSingleShot(true);
  refresh_timer_->setInterval(kRefreshMs);
  connect(refresh_timer_, &QTimer::timeout, this, &MainWindow::refresh);
  connect(&controller_->bridge(), &RunBridge::arrived, this, [this] {
    if (!refresh_timer_->isActive()) refresh_timer_->start();
  });
  connect(controller_, &RunController::runEnded, this, &MainWindow::runEnded);
  connect(controller_, &RunController::comparisonEnded, this, &MainWindow::comparisonEnded);
  connect(controller_, &RunController::exampleRunArrived, this, [this] {
    if (comparing_) redrawCharts();
  });
  connect(controller_, &RunController::comparisonProgressed, this,
          [this](int done, int runs, double fraction) {
            controls_->setProgress(fraction);
            controls_->setStatus(tr("Comparing: %1 of %2 runs done...").arg(done).arg(runs));
          });
  connect(controls_, &RunControls::runClicked, this, &MainWindow::startRun);
  connect(controls_, &RunControls::cancelClicked, this, &MainWindow::cancelRun);
  connect(timeline_, &TimelineBar::timeChanged, this, &MainWindow::showMoment);
  connect(plots_, &PlotsPanel::timeClicked, timeline_, &TimelineBar::setTime);
  connect(comparison_table_, &ComparisonTable::strategySelected, this, &MainWindow::selectStrategy);
  timeline_->setNextFault([this](double t) { return model_.nextFaultAfter(t); });
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("Open results..."), this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open results"), QString(), tr("Results (*.json)"));
    if (path.isEmpty()) return;
    if (auto error = openResults(path)) controls_->setStatus(*error);
  });
  file->addAction(tr("Save results..."), this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save results"), QString(), tr("Results (*.json)"));
    if (path.isEmpty()) return;
    if (auto error = saveResults(path)) controls_->setStatus(*error);
  });
  file->addAction(tr("Export report..."), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export report"), QString(),
                                                      tr("Reports (*.html *.pdf)"));
    if (path.isEmpty()) return;
    if (auto error = exportReport(path)) controls_->setStatus(*error);
  });
  file->addSeparator();
  file->addAction(tr("Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
}

bool MainWindow::startRun() {
  if (controller_->busy()) return false;
  auto loaded = scenario_->load();
  if (!loaded) {
    controls_->setStatus(tr("The scenario breaks %n rule(s): see under the text.", "",
                            scenario_->diagnosticCount()));
    return false;
  }
  const auto request = controls_->request();
  if (const auto* problem = std::get_if<QString>(&request)) {
    controls_->setStatus(*problem);
    return false;
  }
  const auto& wanted = std::get<RunRequest>(request);
  model_.clear();
  comparison_.reset();
  comparison_table_->setRowCount(0);
  refresh_timer_->setInterval(kRefreshMs);
  if (wanted.strategies.size() <= 1 && wanted.seeds == 1) {
    sim::RunOverrides overrides;
    overrides.seed = wanted.first_seed;
    overrides.duration = wanted.duration;
    if (!wanted.strategies.empty()) overrides.strategy = wanted.strategies.front();
    if (auto error = controller_->startRun(loaded->scenario, overrides)) {
      scenario_->showDiagnostics(
          {{loaded->source_map.locate(error->path), error->path, error->message}});
      controls_->setStatus(qt(error->path + ": " + error->message));
      return false;
    }
    views_->setCurrentWidget(topology_);
    controls_->setStatus(tr("Running..."));
  } else {
    reports::ComparisonPlan plan;
    plan.strategies = wanted.strategies;
    if (plan.strategies.empty()) {
      for (const auto& info : balancer::knownStrategies())
        plan.strategies.emplace_back(info.name);
    }
    for (int i = 0; i < wanted.seeds; ++i)
      plan.seeds.push_back(wanted.first_seed + static_cast<std::uint64_t>(i));
    plan.duration = wanted.duration;
    plan.jobs = std::max(1u, std::thread::hardware_concurrency());
    comparing_ = true;
    views_->setCurrentWidget(topology_);
    controls_->setStatus(tr("Comparing %1 strategies over %2 seed(s)...")
                             .arg(plan.strategies.size())
                             .arg(wanted.seeds));
    controller_->startComparison(loaded->scenario, std::move(plan));
  }
  controls_->setBusy(true);
  return true;
}

void MainWindow::cancelRun() {
  controller_->cancel();
}

bool MainWindow::busy() const {
  return controller_->busy();
}

void MainWindow::refresh() {
  QElapsedTimer cost;
  cost.start();
  refreshFromBridge();
  // A refresh rebuilds the charts from every window: on a run of many hours it grows, and the
  // window must still answer between refreshes. At most a third of the time goes to them.
  refresh_timer_->setInterval(
      static_cast<int>(std::clamp<qint64>(2 * cost.elapsed(), kRefreshMs, kSlowestRefreshMs)));
}

void MainWindow::refreshFromBridge() {
  RunUpdate update = controller_->bridge().take();
  const bool started = update.started.has_value();
  if (!model_.apply(std::move(update))) return;
  if (started) showTopology();
  if (!comparing_) controls_->setProgress(model_.progress());  // a comparison counts its runs
  redrawCharts();
  timeline_->setSpan(model_.duration(), availableEnd(model_));
  showMoment(timeline_->time());
}

void MainWindow::showTopology() {
  topology_->setTopology(model_.result().topology());
  host_states_ = HostStates(model_.result().topology());
}

void MainWindow::redrawCharts() {
  std::vector<reports::Chart> charts;
  // The strategies overlaid: all of a comparison shown, or those finished of one going on.
  if (comparison_) {
    charts = reports::comparisonOverlays(*comparison_);
  } else if (comparing_) {
    charts = reports::comparisonOverlays(controller_->partialComparison());
  }
  if (!model_.empty()) {
    for (auto& chart : reports::runCharts(model_.result()))
      charts.push_back(std::move(chart));
  }
  plots_->showCharts(charts);
  plots_->setCursor(timeline_->time());
}

void MainWindow::showMoment(double time_s) {
  const results::Window* window = model_.windowAt(time_s);
  // Hosts as they were when the window closed, as its counts are.
  topology_->setWindow(window, window ? host_states_.at(model_.result(), window->end_s())
                                      : std::vector<HostState>{});
  plots_->setCursor(time_s);
}

void MainWindow::runEnded(bool finished, const QString& message) {
  refresh();
  controls_->setBusy(false);
  controls_->setProgress(finished ? 1 : model_.progress());
  if (finished) {
    const auto& summary = model_.result().summary();
    controls_->setStatus(tr("Done: availability %1%, %2 requests failed, SLO %3.")
                             .arg(summary.availability() * 100, 0, 'f', 4)
                             .arg(summary.requests_failed())
                             .arg(summary.slo().met() ? tr("held") : tr("missed")));
  } else {
    controls_->setStatus(tr("Stopped: %1").arg(message));
  }
  emit workEnded(finished);
}

void MainWindow::comparisonEnded(bool finished, const QString& message) {
  comparing_ = false;
  controller_->bridge().take();  // the first run's last windows: the comparison has it whole
  controls_->setBusy(false);
  auto comparison = controller_->takeComparison();
  if (!finished || !comparison) {
    controls_->setStatus(tr("Comparison stopped: %1").arg(message));
    emit workEnded(false);
    return;
  }
  showComparison(std::move(*comparison));
  controls_->setStatus(tr("Compared %1 strategies over %2 seed(s).")
                           .arg(comparison_->strategies_size())
                           .arg(comparison_->seeds_size()));
  emit workEnded(true);
}

void MainWindow::showRun(results::RunResult result) {
  model_.set(std::move(result));
  showTopology();
  redrawCharts();
  timeline_->setSpan(model_.duration(), availableEnd(model_));
  showMoment(timeline_->time());
}

void MainWindow::showComparison(results::ComparisonResult comparison) {
  comparison_ = std::move(comparison);
  comparison_table_->showComparison(*comparison_);
  views_->setCurrentWidget(comparison_table_);
  if (comparison_->ranking_size() > 0) {
    selectStrategy(qt(comparison_->ranking(0).strategy()));
    return;
  }
  model_.clear();
  redrawCharts();
}

void MainWindow::selectStrategy(const QString& strategy) {
  if (!comparison_ || controller_->busy()) return;
  for (const auto& run : comparison_->example_runs()) {
    if (qt(run.run().strategy()) != strategy) continue;
    showRun(run);
    return;
  }
}

std::optional<QString> MainWindow::openResults(const QString& path) {
  // The run going on would stream its windows into the opened results.
  if (controller_->busy()) return tr("a run is going: cancel it before opening results");
  auto results = reports::readAnyResultsFile(path.toStdString());
  if (!results) return qt(results.error());
  comparison_.reset();
  comparison_table_->setRowCount(0);
  if (auto* run = std::get_if<results::RunResult>(&*results)) {
    showRun(std::move(*run));
  } else {
    showComparison(std::move(std::get<results::ComparisonResult>(*results)));
  }
  return std::nullopt;
}

std::optional<QString> MainWindow::saveResults(const QString& path) const {
  if (!comparison_ && !model_.finished()) return tr("nothing to save: no finished run");
  const std::string json =
      comparison_ ? reports::toJson(*comparison_) : reports::toJson(model_.result());
  if (auto written = reports::writeFileAtomically(path.toStdString(), json); !written) {
    return qt(written.error());
  }
  return std::nullopt;
}

std::optional<QString> MainWindow::exportReport(const QString& path) const {
  if (!comparison_ && !model_.finished()) return tr("nothing to report: no finished run");
  const bool pdf = path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
  const bool html = path.endsWith(QStringLiteral(".html"), Qt::CaseInsensitive) ||
                    path.endsWith(QStringLiteral(".htm"), Qt::CaseInsensitive);
  if (!pdf && !html) return tr("a report is .html or .pdf: %1").arg(path);
  const reports::Document document = comparison_ ? reports::reportDocument(*comparison_)
                                                 : reports::reportDocument(model_.result());
  const auto format =
      pdf ? reports::render::ReportFormat::kPdf : reports::render::ReportFormat::kHtml;
  const std::string content = reports::render::renderReport(document, format);
  if (auto written = reports::writeFileAtomically(path.toStdString(), content); !written) {
    return qt(written.error());
  }
  return std::nullopt;
}

}  // namespace faultline::gui
