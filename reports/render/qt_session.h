#pragma once

#include <QtGlobal>
#include <memory>

class QApplication;

namespace faultline::reports::render {

// Qt's chatter about a headless environment (no XDG_RUNTIME_DIR, no window manager) is nothing
// a reader can act on: a message handler that lets only critical messages through, unless
// FAULTLINE_QT_DEBUG is set. QtSession installs it; so does the desktop app when headless.
void quietQtMessages(QtMsgType type, const QMessageLogContext& context, const QString& message);

// QCustomPlot is a QWidget, so drawing a chart needs a QApplication. A report is drawn without a
// display: the application runs on Qt's offscreen platform, whatever QT_QPA_PLATFORM says.
// Creates one only when none exists (the desktop app has its own), and destroys only its own.
// Construct it on the thread that draws, before any chart is drawn; `faultline run --json` never
// constructs one, so it never needs Qt to start.
class QtSession {
 public:
  QtSession();
  ~QtSession();
  QtSession(const QtSession&) = delete;
  QtSession& operator=(const QtSession&) = delete;

 private:
  std::unique_ptr<QApplication> app_;
  QtMessageHandler previous_handler_ = nullptr;
};

}  // namespace faultline::reports::render
