#pragma once

#include <chrono>
#include <cstdio>

#include "engine/metrics/observer.h"

namespace faultline::cli {

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
  void clear();

  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace faultline::cli
