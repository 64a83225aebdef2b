// faultline-studio: the desktop app. See gui/main_window.h; `--screenshot` runs it headless.
#include <QApplication>
#include <QTimer>
#include <cstdio>

#include "gui/main_window.h"
#include "gui/screenshot.h"
#include "gui/studio_options.h"
#include "reports/render/qt_session.h"

int main(int argc, char** argv) {
  using namespace faultline::gui;
  auto parsed = parseStudioOptions(argc, argv);
  if (auto* exit = std::get_if<std::pair<int, std::string>>(&parsed)) {
    std::fprintf(exit->first == 0 ? stdout : stderr, "%s\n", exit->second.c_str());
    return exit->first;
  }
  const auto& options = std::get<StudioOptions>(parsed);
  // A screenshot needs no display: Qt's offscreen platform, unless the caller chose one.
  if (options.screenshot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  if (options.screenshot) qInstallMessageHandler(faultline::reports::render::quietQtMessages);
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Faultline Studio"));
  QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 9));
  MainWindow window;
  if (options.screenshot) {
    if (auto error = takeScreenshot(window, options)) {
      std::fprintf(stderr, "faultline-studio: %s\n", qPrintable(*error));
      return 2;
    }
    return 0;
  }
  window.resize(options.width, options.height);
  window.show();
  // Started from the event loop itself: a nested loop before exec() would keep the application
  // from quitting when its window closes.
  QTimer::singleShot(0, &window, [&window, &options] {
    if (auto error = startAsAsked(window, options)) {
      std::fprintf(stderr, "faultline-studio: %s\n", qPrintable(*error));
    }
  });
  return QApplication::exec();
}
