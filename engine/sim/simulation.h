#pragma once

#include <atomic>

#include "balancer/expected.h"
#include "engine/metrics/observer.h"
#include "engine/sim/run_status.h"
#include "engine/sim/world_builder.h"
#include "engine/sim/world_spec.h"
#include "reports/results.pb.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim {

// Runs a resolved scenario in virtual time, reporting to `observer` from the calling thread.
// Unless the run finished, the observer got no summary.
RunStatus simulate(const WorldSpec& spec, metrics::Observer& observer,
                   const std::atomic<bool>* stop = nullptr);

// The whole path a user takes, scenario in and results out: resolve, simulate, record.
// `extra` also hears everything (a progress bar, say). A runaway run is an error at the path
// "balancer" (the scenario's work outgrew the simulator).
Expected<results::RunResult, ConfigError> simulateScenario(const scenario::Scenario& scenario,
                                                           const RunOverrides& overrides,
                                                           metrics::Observer* extra = nullptr);

}  // namespace faultline::sim
