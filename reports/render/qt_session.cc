#include "reports/render/qt_session.h"

#include <QApplication>
#include <QFont>
#include <cstdio>

namespace faultline::reports::render {
namespace {

// QApplication keeps references to argc and argv for its whole life.
int argc = 1;
char program[] = "faultline";
char* argv[] = {program, nullptr};

}  // namespace

void quietQtMessages(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type != QtCriticalMsg && type != QtFatalMsg &&
      !qEnvironmentVariableIsSet("FAULTLINE_QT_DEBUG")) {
    return;
  }
  std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

QtSession::QtSession() {
  if (QApplication::instance() != nullptr) return;
  // A report opens no window: the offscreen platform always works, where a platform named in
  // the environment (xcb without a display) would abort the process.
  qputenv("QT_QPA_PLATFORM", "offscreen");
  previous_handler_ = qInstallMessageHandler(quietQtMessages);
  app_ = std::make_unique<QApplication>(argc, argv);
  QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 9));
}

QtSession::~QtSession() {
  if (!app_) return;
  app_.reset();
  qInstallMessageHandler(previous_handler_);
}

}  // namespace faultline::reports::render
