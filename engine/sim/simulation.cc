#include "engine/sim/simulation.h"

#include "engine/metrics/result_recorder.h"
#include "engine/sim/world.h"

namespace faultline::sim {

RunStatus simulate(const WorldSpec& spec, metrics::Observer& observer,
                   const std::atomic<bool>* stop) {
  World world(spec, observer);
  return world.run(stop);
}

Expected<results::RunResult, ConfigError> simulateScenario(const scenario::Scenario& scenario,
                                                           const RunOverrides& overrides,
                                                           metrics::Observer* extra) {
  auto spec = buildWorldSpec(scenario, overrides);
  if (!spec) return Unexpected(spec.error());
  metrics::ResultRecorder recorder;
  metrics::ObserverList observers;
  observers.add(recorder);
  if (extra != nullptr) observers.add(*extra);
  const RunStatus status = simulate(*spec, observers);
  if (status.end == RunEnd::kRunaway) return Unexpected(ConfigError{"balancer", status.message});
  return recorder.takeResult();
}

}  // namespace faultline::sim
