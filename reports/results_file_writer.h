#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "balancer/expected.h"
#include "engine/metrics/observer.h"
#include "engine/metrics/result_recorder.h"
#include "reports/atomic_file.h"

namespace faultline::reports {

// Writes a run's results as JSON while the run goes on: each window is printed as it closes and
// the rest (run, topology, events, summary) around them, so memory stays flat however long the
// run. The bytes are exactly those of toJson() on the whole result (results_io.h).
//
// To a file, the writer fills an AtomicFile and commit() moves it into place: a reader never sees
// half a file, and a run that fails or is abandoned leaves nothing behind.
class ResultsFileWriter final : public metrics::Observer, private metrics::WindowSink {
 public:
  // Writes to `path`; "-" writes to `standard_output` instead.
  static Expected<std::unique_ptr<ResultsFileWriter>, std::string> open(
      const std::filesystem::path& path, std::ostream& standard_output);

  void onRunStarted(const metrics::RunLayout& layout) override;
  void onWindowClosed(const metrics::WindowStats& window) override;
  void onHostHealthChanged(const metrics::HostHealthEvent& event) override;
  void onFailover(const metrics::FailoverEvent& event) override;
  void onInstanceHealthChanged(const metrics::InstanceHealthEvent& event) override;
  void onFault(const metrics::FaultEvent& event) override;
  void onHostStateChanged(const metrics::HostStateEvent& event) override;
  void onRunFinished(const metrics::RunSummary& summary) override;

  // Completes the file and moves it into place. Only after onRunFinished.
  Expected<void, std::string> commit();

  // Everything but the windows, for the terminal summary.
  const results::RunResult& resultWithoutWindows() const { return recorder_.result(); }

 private:
  ResultsFileWriter(std::unique_ptr<AtomicFile> file, std::ostream* stream)
      : file_(std::move(file)), stream_(stream), recorder_(this) {}
  void onWindow(const results::Window& window) override;
  void write(std::string_view text);

  std::unique_ptr<AtomicFile> file_;  // null when writing to a stream
  std::ostream* stream_;              // null when writing to a file
  metrics::ResultRecorder recorder_;
  bool wrote_window_ = false;
  bool finished_ = false;
  bool failed_ = false;
};

}  // namespace faultline::reports
