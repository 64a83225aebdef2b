#pragma once

#include "gui/run_bridge.h"
#include "reports/results.pb.h"

namespace faultline::gui {

// The run the window shows, assembled on the UI thread from the bridge's updates (or set whole,
// from a results file or a comparison's example run).
class RunModel {
 public:
  void clear();
  void set(results::RunResult result);
  // Adds what arrived; whether anything did.
  bool apply(RunUpdate update);

  const results::RunResult& result() const { return result_; }
  bool empty() const { return !result_.has_run(); }
  bool finished() const { return result_.has_summary(); }
  double progress() const { return progress_; }
  // The simulated time the timeline spans: the scenario's duration.
  double duration() const;
  // The last window starting at or before `time_s`; nullptr before the first.
  const results::Window* windowAt(double time_s) const;
  // The start of the first fault after `time_s`, if any.
  std::optional<double> nextFaultAfter(double time_s) const;

 private:
  results::RunResult result_;
  double progress_ = 0;
};

}  // namespace faultline::gui
