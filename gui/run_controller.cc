#include "gui/run_controller.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "engine/sim/simulation.h"
#include "reports/comparison.h"

namespace faultline::gui {
namespace {

QString comparisonFailure(const reports::ComparisonError& error) {
  std::string text = error.path.empty() ? error.message : error.path + ": " + error.message;
  return QString::fromStdString(text);
}

}  // namespace

RunController::RunController(QObject* parent) : QObject(parent) {}

RunController::~RunController() {
  join();
}

void RunController::join() {
  stop_ = true;
  if (worker_.joinable()) worker_.join();
  stop_ = false;
}

std::optional<sim::ConfigError> RunController::startRun(const scenario::Scenario& scenario,
                                                        const sim::RunOverrides& overrides) {
  join();
  auto spec = sim::buildWorldSpec(scenario, overrides);
  if (!spec) return spec.error();
  busy_ = true;
  worker_ = std::jthread([this, spec = std::move(*spec)] {
    const sim::RunStatus status = sim::simulate(spec, bridge_, &stop_);
    const bool finished = status.finished();
    QString message;
    if (status.end == sim::RunEnd::kStopped) message = QStringLiteral("cancelled");
    if (status.end == sim::RunEnd::kRunaway) message = QString::fromStdString(status.message);
    QMetaObject::invokeMethod(
        this,
        [this, finished, message] {
          busy_ = false;
          emit runEnded(finished, message);
        },
        Qt::QueuedConnection);
  });
  return std::nullopt;
}

void RunController::startComparison(const scenario::Scenario& scenario,
                                    reports::ComparisonPlan plan) {
  join();
  busy_ = true;
  comparison_.reset();
  plan.watch_first = &bridge_;  // the first strategy's run streams in while the others compute
  const std::uint64_t generation = ++generation_;
  partial_.Clear();
  partial_strategies_.clear();
  for (const auto& strategy : plan.strategies)
    partial_.add_strategies()->set_strategy(strategy);
  plan.on_example_run = [this, generation](std::size_t strategy, const results::RunResult& run) {
    auto copy = std::make_shared<const results::RunResult>(run);
    QMetaObject::invokeMethod(
        this,
        [this, generation, strategy, copy] {
          if (generation == generation_) addExampleRun(strategy, *copy);
        },
        Qt::QueuedConnection);
  };
  worker_ = std::jthread([this, scenario, plan = std::move(plan)] {
    auto input = reports::runComparison(
        scenario, plan, &stop_, [this](std::size_t done, std::size_t runs, double fraction) {
          emit comparisonProgressed(static_cast<int>(done), static_cast<int>(runs), fraction);
        });
    std::optional<results::ComparisonResult> result;
    QString message;
    if (input) {
      result = reports::compare(std::move(*input));
    } else {
      message = comparisonFailure(input.error());
    }
    QMetaObject::invokeMethod(
        this,
        [this, result = std::move(result), message]() mutable {
          busy_ = false;
          const bool finished = result.has_value();
          comparison_ = std::move(result);
          emit comparisonEnded(finished, message);
        },
        Qt::QueuedConnection);
  });
}

void RunController::addExampleRun(std::size_t strategy, results::RunResult run) {
  const auto at =
      std::upper_bound(partial_strategies_.begin(), partial_strategies_.end(), strategy);
  const auto index = static_cast<int>(at - partial_strategies_.begin());
  partial_strategies_.insert(at, strategy);
  auto& runs = *partial_.mutable_example_runs();
  *runs.Add() = std::move(run);
  for (int i = runs.size() - 1; i > index; --i)
    runs.SwapElements(i, i - 1);
  emit exampleRunArrived();
}

void RunController::cancel() {
  stop_ = true;
}

std::optional<results::ComparisonResult> RunController::takeComparison() {
  return std::exchange(comparison_, std::nullopt);
}

}  // namespace faultline::gui
