// faultline-studio's responsiveness, measured (issue 7): the longest stall of the UI event loop
// while a 1-hour, 3-region run streams into the window, and the time to replot a chart of a
// million points. Not a test: figures for bench/README.md.
//
//   build/bench/gui/studio_bench [--duration 1h] [--replots 20]
//
// The stall: a 2 ms repeating timer on the UI thread notes the wall time between its ticks;
// the longest gap minus the period is the longest the window could not respond. The run goes
// exactly as a user's does: MainWindow::startRun, the worker thread, the bridge, the 40 ms
// refresh that rebuilds and replots every chart.
#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "gui/main_window.h"
#include "gui/run_controls.h"
#include "gui/scenario_panel.h"
#include "reports/render/qt_session.h"

namespace {

struct Options {
  std::string duration = "1h";
  int replots = 20;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--duration") options.duration = argv[i + 1];
    if (flag == "--replots") options.replots = std::max(1, std::atoi(argv[i + 1]));
  }
  return options;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

void measureStalls(const Options& options) {
  faultline::gui::MainWindow window;
  window.resize(1600, 1000);
  window.show();
  window.scenarioPanel().open(QStringLiteral("bench-3region"));
  window.runControls().setDuration(QString::fromStdString(options.duration));
  constexpr int kPeriodMs = 2;
  QElapsedTimer clock;
  std::vector<double> gaps;
  qint64 last = 0;
  QTimer heartbeat;
  heartbeat.setTimerType(Qt::PreciseTimer);
  QObject::connect(&heartbeat, &QTimer::timeout, [&] {
    const qint64 now = clock.nsecsElapsed();
    gaps.push_back(static_cast<double>(now - last) / 1e6);
    last = now;
  });
  QSignalSpy ended(&window, &faultline::gui::MainWindow::workEnded);
  clock.start();
  heartbeat.start(kPeriodMs);
  if (!window.startRun()) {
    std::printf("could not start: %s\n", qPrintable(window.runControls().status()));
    return;
  }
  ended.wait(3'600'000);
  const double wall_s = static_cast<double>(clock.nsecsElapsed()) / 1e9;
  heartbeat.stop();
  const double longest = gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end());
  std::printf("run: bench-3region for %s, %d windows, %.1f s of wall time\n",
              options.duration.c_str(), window.model().result().windows_size(), wall_s);
  std::printf(
      "event loop: %zu ticks of a %d ms timer; gap median %.2f ms, p99 %.2f ms, "
      "p99.9 %.2f ms, longest %.2f ms (stall = longest - period: %.2f ms)\n",
      gaps.size(), kPeriodMs, percentile(gaps, 0.5), percentile(gaps, 0.99),
      percentile(gaps, 0.999), longest, longest - kPeriodMs);
}

void measureReplot(const Options& options) {
  constexpr int kPoints = 1'000'000;
  QCustomPlot plot;
  plot.resize(1200, 500);
  QVector<double> x(kPoints);
  QVector<double> y(kPoints);
  std::mt19937_64 random(7);
  std::normal_distribution<double> step(0, 1);
  double value = 0;
  for (int i = 0; i < kPoints; ++i) {
    x[i] = i * 0.001;
    value += step(random);
    y[i] = value;
  }
  plot.addGraph()->setData(x, y, true);
  plot.rescaleAxes();
  plot.replot();  // the first draw lays out the axes
  std::vector<double> times;
  for (int i = 0; i < options.replots; ++i) {
    QElapsedTimer timer;
    timer.start();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    times.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
  }
  std::printf(
      "replot of %d points (1200 x 500, adaptive sampling on): median %.2f ms, max %.2f "
      "ms over %d replots\n",
      kPoints, percentile(times, 0.5), *std::max_element(times.begin(), times.end()),
      options.replots);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  qInstallMessageHandler(faultline::reports::render::quietQtMessages);
  QApplication app(argc, argv);
  measureReplot(options);
  measureStalls(options);
  return 0;
}
