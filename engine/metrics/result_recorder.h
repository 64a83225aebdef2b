#pragma once

#include <optional>

#include "engine/metrics/fault_impact.h"
#include "engine/metrics/observer.h"
#include "reports/results.pb.h"

namespace faultline::metrics {

// Receives each window of a run as it closes, in results form.
class WindowSink {
 public:
  virtual ~WindowSink() = default;
  virtual void onWindow(const results::Window& window) = 0;
};

// For results that need no time series (a terminal summary, a comparison's figures): windows are
// dropped as they close.
class DiscardWindows final : public WindowSink {
 public:
  void onWindow(const results::Window& /*window*/) override {}
};

// Builds the results (reports/results.proto) from what the engine reports: the same shape for the
// simulator and live mode, for the CLI, the reports and the desktop app. With a WindowSink, windows
// go to the sink as they close and are not kept, so memory stays flat however long the run
// (reports::ResultsFileWriter streams them to disk that way).
class ResultRecorder final : public Observer {
 public:
  explicit ResultRecorder(WindowSink* window_sink = nullptr) : window_sink_(window_sink) {}

  void onRunStarted(const RunLayout& layout) override;
  void onWindowClosed(const WindowStats& window) override;
  void onHostHealthChanged(const HostHealthEvent& event) override;
  void onFailover(const FailoverEvent& event) override;
  void onInstanceHealthChanged(const InstanceHealthEvent& event) override;
  void onFault(const FaultEvent& event) override;
  void onHostStateChanged(const HostStateEvent& event) override;
  void onRunFinished(const RunSummary& summary) override;

  const results::RunResult& result() const { return result_; }
  results::RunResult takeResult() { return std::move(result_); }

 private:
  results::Event& addEvent(TimePoint time, results::Event::Kind kind);
  const std::string& regionName(std::optional<std::uint32_t> region) const;

  WindowSink* window_sink_;
  RunLayout layout_;
  std::optional<FaultImpactTracker> fault_impact_;
  results::RunResult result_;
  results::Window scratch_window_;  // reused for every window sent to the sink
};

}  // namespace faultline::metrics
