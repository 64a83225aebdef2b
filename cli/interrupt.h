#pragma once

#include <atomic>

namespace faultline::cli {

// While it lives, SIGINT and SIGTERM ask the running simulation to stop instead of killing the
// process: the run ends at its next check, the results file in progress is removed rather than
// left half-written, and the command exits with 128 + the signal's number, as shells expect.
// Signals are process-wide, so at most one may exist at a time.
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  const std::atomic<bool>& requested() const;
  // The signal that asked to stop, or 0.
  int signal() const;
};

}  // namespace faultline::cli
