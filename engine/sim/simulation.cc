#include "engine/sim/simulation.h"

#include "engine/metrics/result_recorder.h"
#include "engine/sim/world.h"

namespace faultline::sim {

bool simulate(const WorldSpec& spec, metrics::Observer& observer, const std::atomic<bool>* stop) {
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
  simulate(*spec, observers);
  return recorder.takeResult();
}

}  // namespace faultline::sim
