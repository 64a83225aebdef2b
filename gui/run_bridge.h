#pragma once

#include <QObject>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/metrics/result_recorder.h"
#include "reports/results.pb.h"

namespace faultline::gui {

// What arrived from the engine since the window last looked.
struct RunUpdate {
  // The run's description and topology, with no windows or events: once, at the start.
  std::optional<results::RunResult> started;
  std::vector<results::Window> windows;
  std::vector<results::Event> events;
  // The summary, once the run finished.
  std::optional<results::Summary> summary;
  double progress = 0;  // of the scenario's simulated duration, 0 to 1
};

// The engine's observer in the desktop app (DESIGN.md, seam 3): called on the worker thread, it
// records the run in results form (the recorder the CLI uses) and keeps what is new under a lock;
// the window takes it on its own timer (take()) and replots once, so the engine never waits for
// the screen and the screen never waits for the engine. `arrived` is emitted (queued across
// threads) at most once per take().
class RunBridge final : public QObject, public metrics::Observer, private metrics::WindowSink {
  Q_OBJECT

 public:
  RunBridge();

  // The engine's thread.
  void onRunStarted(const metrics::RunLayout& layout) override;
  void onWindowClosed(const metrics::WindowStats& window) override;
  void onHostHealthChanged(const metrics::HostHealthEvent& event) override;
  void onFailover(const metrics::FailoverEvent& event) override;
  void onInstanceHealthChanged(const metrics::InstanceHealthEvent& event) override;
  void onFault(const metrics::FaultEvent& event) override;
  void onHostStateChanged(const metrics::HostStateEvent& event) override;
  void onProgress(const metrics::Progress& progress) override;
  void onRunFinished(const metrics::RunSummary& summary) override;

  // Any thread (the window's): everything new since the last call.
  RunUpdate take();

 signals:
  void arrived();

 private:
  void onWindow(const results::Window& window) override;
  // Moves the events the recorder added since the last call into the pending update.
  void collectEvents();
  void notify();

  metrics::ResultRecorder recorder_;
  int events_seen_ = 0;  // the engine's thread only

  std::mutex mutex_;
  RunUpdate pending_;
  bool notified_ = false;
};

}  // namespace faultline::gui
