#include "gui/run_bridge.h"

#include <chrono>
#include <utility>

namespace faultline::gui {

RunBridge::RunBridge() : recorder_(this) {}

void RunBridge::onRunStarted(const metrics::RunLayout& layout) {
  recorder_.onRunStarted(layout);
  events_seen_ = 0;
  {
    const std::lock_guard lock(mutex_);
    pending_ = RunUpdate();
    pending_.started = recorder_.result();
  }
  notify();
}

void RunBridge::onWindowClosed(const metrics::WindowStats& window) {
  recorder_.onWindowClosed(window);  // hands the window to onWindow
  collectEvents();
  notify();
}

void RunBridge::onWindow(const results::Window& window) {
  const std::lock_guard lock(mutex_);
  pending_.windows.push_back(window);
}

void RunBridge::onHostHealthChanged(const metrics::HostHealthEvent& event) {
  recorder_.onHostHealthChanged(event);
  collectEvents();
}

void RunBridge::onFailover(const metrics::FailoverEvent& event) {
  recorder_.onFailover(event);
  collectEvents();
}

void RunBridge::onInstanceHealthChanged(const metrics::InstanceHealthEvent& event) {
  recorder_.onInstanceHealthChanged(event);
  collectEvents();
}

void RunBridge::onFault(const metrics::FaultEvent& event) {
  recorder_.onFault(event);
  collectEvents();
}

void RunBridge::onHostStateChanged(const metrics::HostStateEvent& event) {
  recorder_.onHostStateChanged(event);
  collectEvents();
}

void RunBridge::onProgress(const metrics::Progress& progress) {
  if (progress.duration.count() <= 0) return;
  const double done =
      std::chrono::duration<double>(progress.simulated - balancer::kRunStart).count() /
      std::chrono::duration<double>(progress.duration).count();
  {
    const std::lock_guard lock(mutex_);
    pending_.progress = std::min(1.0, std::max(pending_.progress, done));
  }
  notify();
}

void RunBridge::onRunFinished(const metrics::RunSummary& summary) {
  recorder_.onRunFinished(summary);
  collectEvents();
  {
    const std::lock_guard lock(mutex_);
    pending_.summary = recorder_.result().summary();
    pending_.progress = 1;
  }
  notify();
}

void RunBridge::collectEvents() {
  const auto& events = recorder_.result().events();
  if (events_seen_ >= events.size()) return;
  const std::lock_guard lock(mutex_);
  for (; events_seen_ < events.size(); ++events_seen_)
    pending_.events.push_back(events[events_seen_]);
}

void RunBridge::notify() {
  {
    const std::lock_guard lock(mutex_);
    if (notified_) return;
    notified_ = true;
  }
  emit arrived();
}

RunUpdate RunBridge::take() {
  const std::lock_guard lock(mutex_);
  RunUpdate update = std::move(pending_);
  pending_ = RunUpdate();
  pending_.progress = update.progress;
  notified_ = false;
  return update;
}

}  // namespace faultline::gui
