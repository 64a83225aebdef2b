#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "balancer/expected.h"
#include "balancer/time.h"
#include "engine/metrics/observer.h"
#include "reports/comparison.h"
#include "scenarios/scenario.pb.h"

namespace faultline::reports {

struct ComparisonPlan {
  std::vector<std::string> strategies;
  std::vector<std::uint64_t> seeds;
  std::optional<balancer::Duration> duration;
  unsigned jobs = 1;  // runs at once, each on a thread of its own
  double confidence = 0.95;
  // Also hears the first run (first strategy, first seed) as it goes, on the thread running it:
  // the desktop app shows it live while the rest compute. Never told of the other runs.
  metrics::Observer* watch_first = nullptr;
  // Given each strategy's example run (its first seed) as soon as it finished, on the thread
  // that ran it (so from several threads at once when jobs > 1): the desktop app overlays the
  // strategies as they come in. Not called for the other seeds' runs.
  std::function<void(std::size_t strategy, const results::RunResult& run)> on_example_run;
};

// Why a comparison could not be made: a strategy or override the engine refuses (`path` names
// it, as buildWorldSpec does), a run that became a runaway, a stop request, or a run that failed
// for want of memory or threads.
struct ComparisonError {
  enum class Kind { kBadInput, kRunaway, kStopped, kFailed };
  Kind kind = Kind::kBadInput;
  std::string path;
  std::string message;
};

// How far the runs are: called from the waiting thread, at most about five times a second and
// once at the end, with the simulated time done over the simulated time of all runs.
using ComparisonProgress = std::function<void(std::size_t runs_done, std::size_t runs, double)>;

// Runs every strategy with every seed (strategies x seeds runs) on `jobs` threads and gathers
// their figures. Every run is a separate simulation with its own state, so the results do not
// depend on the number of threads or on which finishes first: they are stored by (strategy,
// seed). Keeps one full run per strategy (the first seed) for charts.
Expected<ComparisonInput, ComparisonError> runComparison(const scenario::Scenario& scenario,
                                                         const ComparisonPlan& plan,
                                                         const std::atomic<bool>* stop,
                                                         const ComparisonProgress& progress);

}  // namespace faultline::reports
