#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "engine/metrics/observer.h"

namespace faultline::cli {

// One line of a terminal stream, redrawn in place and erased at the end; inert when the stream is
// not a terminal, so logs and pipes stay clean.
class StatusLine {
 public:
  explicit StatusLine(std::FILE* stream);
  ~StatusLine();
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

  bool enabled() const { return enabled_; }
  bool drawn() const { return drawn_; }
  void draw(const std::string& text);
  void clear();

  // "[#########.....................]": `fraction` of a 30-character bar.
  static std::string bar(double fraction);

 private:
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
};

// Shows how far a run has got, on one line of stderr redrawn at most ten times a second:
// simulated time against the scenario's duration and the simulator's speed. Draws nothing when
// stderr is not a terminal, so logs and pipes stay clean.
class ProgressBar final : public metrics::Observer {
 public:
  explicit ProgressBar(std::FILE* stream);
  ~ProgressBar() override;

  void onProgress(const metrics::Progress& progress) override;
  void onRunFinished(const metrics::RunSummary& summary) override;

 private:
  StatusLine line_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace faultline::cli
