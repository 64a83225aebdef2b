#include "gui/run_model.h"

#include <algorithm>
#include <utility>

namespace faultline::gui {

void RunModel::clear() {
  result_.Clear();
  progress_ = 0;
}

void RunModel::set(results::RunResult result) {
  result_ = std::move(result);
  progress_ = 1;
}

bool RunModel::apply(RunUpdate update) {
  bool changed = update.progress != progress_;
  progress_ = update.progress;
  if (update.started) {
    result_ = std::move(*update.started);
    changed = true;
  }
  for (auto& window : update.windows)
    *result_.add_windows() = std::move(window);
  for (auto& event : update.events)
    *result_.add_events() = std::move(event);
  changed = changed || !update.windows.empty() || !update.events.empty();
  if (update.summary) {
    *result_.mutable_summary() = std::move(*update.summary);
    changed = true;
  }
  return changed;
}

double RunModel::duration() const {
  return result_.run().duration_s();
}

const results::Window* RunModel::windowAt(double time_s) const {
  const auto& windows = result_.windows();
  const auto after = std::upper_bound(
      windows.begin(), windows.end(), time_s,
      [](double t, const results::Window& window) { return t < window.start_s(); });
  if (after == windows.begin()) return nullptr;
  return &*std::prev(after);
}

std::optional<double> RunModel::nextFaultAfter(double time_s) const {
  std::optional<double> next;
  for (const auto& fault : result_.topology().faults()) {
    if (fault.start_s() <= time_s + 1e-9) continue;
    if (!next || fault.start_s() < *next) next = fault.start_s();
  }
  return next;
}

}  // namespace faultline::gui
