#include "gui/screenshot.h"

#include <QApplication>
#include <QEventLoop>
#include <QPixmap>

#include "gui/main_window.h"
#include "gui/run_controls.h"
#include "gui/scenario_panel.h"
#include "gui/timeline_bar.h"

namespace faultline::gui {

std::optional<QString> startAsAsked(MainWindow& window, const StudioOptions& options) {
  if (!options.scenario) return std::nullopt;
  if (auto error = window.scenarioPanel().open(QString::fromStdString(*options.scenario))) {
    return error;
  }
  window.runControls().setStrategies(options.strategies);
  window.runControls().setSeeds(options.seeds);
  if (options.duration) window.runControls().setDuration(QString::fromStdString(*options.duration));
  if (window.startRun()) return std::nullopt;
  QString message = window.runControls().status();
  for (int i = 0; i < window.scenarioPanel().diagnosticCount(); ++i)
    message += QStringLiteral("\n") + window.scenarioPanel().diagnosticText(i);
  return message;
}

std::optional<QString> runAsAsked(MainWindow& window, const StudioOptions& options) {
  if (!options.scenario) return std::nullopt;
  bool finished = false;
  QEventLoop loop;
  QObject::connect(&window, &MainWindow::workEnded, &loop, [&](bool ok) {
    finished = ok;
    loop.quit();
  });
  if (auto error = startAsAsked(window, options)) return error;
  loop.exec();
  if (!finished) return QStringLiteral("the run did not finish: ") + window.runControls().status();
  const double end = window.model().duration();
  window.timeline().setTime(options.at_s ? std::min(*options.at_s, end) : end);
  return std::nullopt;
}

std::optional<QString> takeScreenshot(MainWindow& window, const StudioOptions& options) {
  window.resize(options.width, options.height);
  window.show();
  if (auto error = runAsAsked(window, options)) return error;
  QApplication::processEvents();
  window.repaint();
  const QPixmap picture = window.grab();
  const QString path = QString::fromStdString(*options.screenshot);
  if (!picture.save(path, "PNG")) return QStringLiteral("cannot write ") + path;
  return std::nullopt;
}

}  // namespace faultline::gui
