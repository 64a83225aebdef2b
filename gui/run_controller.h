#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "engine/sim/world_builder.h"
#include "gui/run_bridge.h"
#include "reports/comparison_runner.h"
#include "scenarios/scenario.pb.h"

namespace faultline::gui {

// Runs the engine off the UI thread (one run, streamed through the bridge; or a comparison,
// whose strategies' example runs arrive as each finishes and whose figures arrive at the end) and
// tells the window when it ended, through queued signals. One piece of work at a time; cancel()
// stops it within an event or two of simulated time. Destroying the controller stops and joins the
// worker.
class RunController : public QObject {
  Q_OBJECT

 public:
  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;

  // One strategy and seed. The engine's checks (an unknown strategy, a bad override) run first,
  // here: their error is returned and nothing starts.
  std::optional<sim::ConfigError> startRun(const scenario::Scenario& scenario,
                                           const sim::RunOverrides& overrides);
  // Strategies x seeds on the worker (ComparisonPlan.jobs threads of its own); the first
  // strategy's first run streams through the bridge as a single run does.
  void startComparison(const scenario::Scenario& scenario, reports::ComparisonPlan plan);
  void cancel();
  bool busy() const { return busy_; }

  RunBridge& bridge() { return bridge_; }
  // The finished comparison, once comparisonEnded(true, ...) was emitted.
  std::optional<results::ComparisonResult> takeComparison();
  // The comparison going on as far as it is: its strategies, and the example runs (first seed)
  // of those whose run finished, in strategy order. No figures yet.
  const results::ComparisonResult& partialComparison() const { return partial_; }

 signals:
  void runEnded(bool finished, const QString& message);
  // Runs finished of all, and the share of all simulated time done.
  void comparisonProgressed(int runs_done, int runs, double fraction);
  void comparisonEnded(bool finished, const QString& message);
  // Another strategy's example run is in partialComparison().
  void exampleRunArrived();

 private:
  void join();
  void addExampleRun(std::size_t strategy, results::RunResult run);

  RunBridge bridge_;
  std::atomic<bool> stop_{false};
  std::jthread worker_;
  bool busy_ = false;
  std::optional<results::ComparisonResult> comparison_;
  results::ComparisonResult partial_;
  std::vector<std::size_t> partial_strategies_;  // of partial_'s example runs, in order
  // Counts the pieces of work started: a late arrival from an earlier comparison is dropped.
  std::uint64_t generation_ = 0;
};

}  // namespace faultline::gui
