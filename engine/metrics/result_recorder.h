#pragma once

#include "engine/metrics/observer.h"
#include "reports/results.pb.h"

namespace faultline::metrics {

// Builds the results file (reports/results.proto) from what the engine reports: the same shape
// for the simulator and live mode, for the CLI, the reports and the desktop app.
class ResultRecorder final : public Observer {
 public:
  void onRunStarted(const RunLayout& layout) override;
  void onWindowClosed(const WindowStats& window) override;
  void onHostHealthChanged(const HostHealthEvent& event) override;
  void onFailover(const FailoverEvent& event) override;
  void onFault(const FaultEvent& event) override;
  void onRunFinished(const RunSummary& summary) override;

  const results::RunResult& result() const { return result_; }
  results::RunResult takeResult() { return std::move(result_); }

 private:
  results::Event& addEvent(TimePoint time, results::Event::Kind kind);
  const std::string& regionName(std::optional<std::uint32_t> region) const;

  RunLayout layout_;
  results::RunResult result_;
};

}  // namespace faultline::metrics
