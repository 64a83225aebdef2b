#include "reports/comparison_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include "engine/metrics/result_recorder.h"
#include "engine/sim/simulation.h"
#include "engine/sim/world_builder.h"

namespace faultline::reports {
namespace {

// Publishes one run's simulated time for the progress of the whole comparison.
class RunProgress final : public metrics::Observer {
 public:
  explicit RunProgress(std::atomic<std::int64_t>& simulated_ns) : simulated_ns_(simulated_ns) {}
  void onProgress(const metrics::Progress& progress) override {
    simulated_ns_.store(std::min(progress.simulated.time_since_epoch(), progress.duration).count(),
                        std::memory_order_relaxed);
  }

 private:
  std::atomic<std::int64_t>& simulated_ns_;
};

sim::RunOverrides overridesFor(const ComparisonPlan& plan, std::size_t strategy, std::size_t seed) {
  sim::RunOverrides overrides;
  overrides.strategy = plan.strategies[strategy];
  overrides.seed = plan.seeds[seed];
  overrides.duration = plan.duration;
  return overrides;
}

// The runs of one comparison and what they share between threads. Each run writes only its own
// slots, so the threads need no lock for the results.
class Runs {
 public:
  Runs(const scenario::Scenario& scenario, const ComparisonPlan& plan, ComparisonInput& input,
       const std::atomic<bool>* stop)
      : scenario_(scenario),
        stop_(stop),
        plan_(plan),
        input_(input),
        count_(plan.strategies.size() * plan.seeds.size()),
        simulated_ns_(count_),
        failures_(count_) {}

  std::size_t count() const { return count_; }
  std::atomic<bool>& halt() { return halt_; }

  // Takes runs until none are left or the comparison halts. Nothing escapes a worker thread (it
  // would terminate the process): a run that throws, out of memory say, fails the comparison.
  void work() noexcept {
    for (;;) {
      const std::size_t run = next_.fetch_add(1);
      if (stop_ != nullptr && stop_->load()) halt_.store(true);
      if (run >= count_ || halt_.load()) break;
      try {
        execute(run);
      } catch (const std::exception& error) {
        fail(run, {ComparisonError::Kind::kFailed, "", error.what()});
      } catch (...) {
        fail(run, {ComparisonError::Kind::kFailed, "", "an unknown error"});
      }
    }
    finished();
  }

  // A worker that will never run (its thread could not start) counts as finished.
  void finished() noexcept {
    std::lock_guard lock(mutex_);
    ++workers_done_;
    changed_.notify_all();
  }

  void haltAll() { halt_.store(true); }

  // Waits for `workers` to finish, reporting progress and passing a stop request on.
  void wait(unsigned workers, const ComparisonProgress& progress, balancer::Duration run_duration) {
    std::unique_lock lock(mutex_);
    for (;;) {
      const bool finished = changed_.wait_for(lock, std::chrono::milliseconds(200),
                                              [&] { return workers_done_ == workers; });
      if (stop_ != nullptr && stop_->load()) halt_.store(true);
      if (progress) progress(runs_done_.load(), count_, fractionDone(run_duration));
      if (finished) return;
    }
  }

  std::optional<ComparisonError> firstFailure() const {
    // A real failure explains more than the stops it caused in the other runs.
    for (const auto& failure : failures_) {
      if (failure && failure->kind != ComparisonError::Kind::kStopped) return failure;
    }
    for (const auto& failure : failures_) {
      if (failure) return failure;
    }
    // Stopped between runs: nothing failed, some never started.
    if (runs_done_.load() < count_)
      return ComparisonError{ComparisonError::Kind::kStopped, "", "stopped"};
    return std::nullopt;
  }

 private:
  void execute(std::size_t run) {
    const std::size_t strategy = run / plan_.seeds.size();
    const std::size_t seed = run % plan_.seeds.size();
    auto spec = sim::buildWorldSpec(scenario_, overridesFor(plan_, strategy, seed));
    if (!spec)
      return fail(run, {ComparisonError::Kind::kBadInput, spec.error().path, spec.error().message});
    metrics::DiscardWindows discard;
    metrics::ResultRecorder recorder(seed == 0 ? nullptr : &discard);
    RunProgress tracker(simulated_ns_[run]);
    metrics::ObserverList observers;
    observers.add(recorder);
    observers.add(tracker);
    if (run == 0 && plan_.watch_first != nullptr) observers.add(*plan_.watch_first);
    const sim::RunStatus status = sim::simulate(*spec, observers, &halt_);
    if (status.end == sim::RunEnd::kRunaway) {
      std::string message = plan_.strategies[strategy];
      message += ", seed ";
      message += std::to_string(plan_.seeds[seed]);
      message += ": ";
      message += status.message;
      return fail(run, {ComparisonError::Kind::kRunaway, "balancer", std::move(message)});
    }
    if (!status.finished()) return fail(run, {ComparisonError::Kind::kStopped, "", "stopped"});
    results::RunResult result = recorder.takeResult();
    if (seed == 0 && plan_.on_example_run) plan_.on_example_run(strategy, result);
    input_.runs[strategy][seed] = metricsOf(result);
    if (seed == 0) input_.example_runs[strategy] = std::move(result);
    simulated_ns_[run].store(spec->layout.duration.count());
    runs_done_.fetch_add(1);
  }

  void fail(std::size_t run, ComparisonError error) {
    failures_[run] = std::move(error);
    halt_.store(true);
  }

  double fractionDone(balancer::Duration run_duration) const {
    const double total = static_cast<double>(run_duration.count()) * static_cast<double>(count_);
    if (total <= 0) return 0;
    double done = 0;
    for (const auto& simulated : simulated_ns_)
      done += static_cast<double>(simulated.load(std::memory_order_relaxed));
    return std::min(1.0, done / total);
  }

  const scenario::Scenario& scenario_;
  const std::atomic<bool>* stop_;
  const ComparisonPlan& plan_;
  ComparisonInput& input_;
  const std::size_t count_;
  std::vector<std::atomic<std::int64_t>> simulated_ns_;
  std::vector<std::optional<ComparisonError>> failures_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> runs_done_{0};
  std::atomic<bool> halt_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  unsigned workers_done_ = 0;
};

}  // namespace

Expected<ComparisonInput, ComparisonError> runComparison(const scenario::Scenario& scenario,
                                                         const ComparisonPlan& plan,
                                                         const std::atomic<bool>* stop,
                                                         const ComparisonProgress& progress) {
  // Every strategy resolved once before any run: a bad name or override fails at once.
  balancer::Duration run_duration{};
  for (std::size_t s = 0; s < plan.strategies.size(); ++s) {
    auto spec = sim::buildWorldSpec(scenario, overridesFor(plan, s, 0));
    if (!spec) {
      return Unexpected(ComparisonError{ComparisonError::Kind::kBadInput, spec.error().path,
                                        spec.error().message});
    }
    run_duration = spec->layout.duration;
  }
  ComparisonInput input;
  input.scenario = scenario.name();
  input.description = scenario.description();
  input.duration_s = std::chrono::duration<double>(run_duration).count();
  input.seeds = plan.seeds;
  input.strategies = plan.strategies;
  input.confidence = plan.confidence;
  input.runs.assign(plan.strategies.size(), std::vector<RunMetrics>(plan.seeds.size()));
  input.example_runs.resize(plan.strategies.size());

  Runs runs(scenario, plan, input, stop);
  const unsigned workers = static_cast<unsigned>(
      std::clamp<std::size_t>(plan.jobs, 1, std::max<std::size_t>(runs.count(), 1)));
  {
    std::vector<std::jthread> threads;
    threads.reserve(workers);
    std::optional<std::string> thread_error;
    for (unsigned i = 0; i < workers; ++i) {
      try {
        threads.emplace_back([&runs] { runs.work(); });
      } catch (const std::system_error& error) {
        // Carry on with the threads there are; with none, nothing would ever run.
        if (threads.empty()) thread_error = error.what();
        for (unsigned missing = i; missing < workers; ++missing)
          runs.finished();
        break;
      }
    }
    if (thread_error) {
      runs.haltAll();
      return Unexpected(ComparisonError{ComparisonError::Kind::kFailed, "",
                                        "cannot start a thread: " + *thread_error});
    }
    runs.wait(workers, progress, run_duration);
  }
  if (auto failure = runs.firstFailure()) return Unexpected(std::move(*failure));
  return input;
}

}  // namespace faultline::reports
