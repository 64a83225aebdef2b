#pragma once

#include <vector>

#include "engine/metrics/run_events.h"
#include "engine/metrics/run_layout.h"
#include "engine/metrics/run_summary.h"
#include "engine/metrics/window_stats.h"

namespace faultline::metrics {

// What the engine tells whoever listens: the CLI's progress bar, the result recorder, the desktop
// app's bridge. The engine never knows who listens (OMNeT++'s cEnvir: one model, headless or GUI).
// Calls come from the thread running the engine, in simulated-time order.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void onRunStarted(const RunLayout& /*layout*/) {}
  virtual void onWindowClosed(const WindowStats& /*window*/) {}
  virtual void onHostHealthChanged(const HostHealthEvent& /*event*/) {}
  virtual void onFailover(const FailoverEvent& /*event*/) {}
  virtual void onInstanceHealthChanged(const InstanceHealthEvent& /*event*/) {}
  virtual void onFault(const FaultEvent& /*event*/) {}
  virtual void onHostStateChanged(const HostStateEvent& /*event*/) {}
  virtual void onProgress(const Progress& /*progress*/) {}
  virtual void onRunFinished(const RunSummary& /*summary*/) {}
};

// Fans every notification out to several observers, in the order they were added.
class ObserverList final : public Observer {
 public:
  void add(Observer& observer) { observers_.push_back(&observer); }

  void onRunStarted(const RunLayout& layout) override {
    for (auto* o : observers_)
      o->onRunStarted(layout);
  }
  void onWindowClosed(const WindowStats& window) override {
    for (auto* o : observers_)
      o->onWindowClosed(window);
  }
  void onHostHealthChanged(const HostHealthEvent& event) override {
    for (auto* o : observers_)
      o->onHostHealthChanged(event);
  }
  void onFailover(const FailoverEvent& event) override {
    for (auto* o : observers_)
      o->onFailover(event);
  }
  void onInstanceHealthChanged(const InstanceHealthEvent& event) override {
    for (auto* o : observers_)
      o->onInstanceHealthChanged(event);
  }
  void onFault(const FaultEvent& event) override {
    for (auto* o : observers_)
      o->onFault(event);
  }
  void onHostStateChanged(const HostStateEvent& event) override {
    for (auto* o : observers_)
      o->onHostStateChanged(event);
  }
  void onProgress(const Progress& progress) override {
    for (auto* o : observers_)
      o->onProgress(progress);
  }
  void onRunFinished(const RunSummary& summary) override {
    for (auto* o : observers_)
      o->onRunFinished(summary);
  }

 private:
  std::vector<Observer*> observers_;
};

}  // namespace faultline::metrics
