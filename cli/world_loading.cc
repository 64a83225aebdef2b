#include "cli/world_loading.h"

#include "cli/exit_codes.h"
#include "cli/scenario_errors.h"
#include "scenarios/user_input.h"

namespace faultline::cli {

Expected<LoadedWorld, int> loadWorld(const ScenarioChoice& choice, const char* command,
                                     std::ostream& err) {
  auto loaded = scenarios::loadScenario(choice.scenario);
  if (!loaded) {
    printLoadError(loaded.error(), err);
    return Unexpected(kExitBadInput);
  }
  sim::RunOverrides overrides;
  overrides.strategy = choice.strategy;
  if (choice.seed) {
    auto seed = scenarios::parseSeed(*choice.seed);
    if (!seed) {
      err << "faultline " << command << ": --seed: " << seed.error() << '\n';
      return Unexpected(kExitBadInput);
    }
    overrides.seed = *seed;
  }
  if (choice.duration) {
    auto duration = scenarios::parseDuration(*choice.duration);
    if (!duration) {
      err << "faultline " << command << ": --duration: " << duration.error() << '\n';
      return Unexpected(kExitBadInput);
    }
    overrides.duration = *duration;
  }
  auto spec = sim::buildWorldSpec(loaded->scenario, overrides);
  if (!spec) {
    printConfigError(spec.error(), loaded->source_map, command, err);
    return Unexpected(kExitBadInput);
  }
  return LoadedWorld{std::move(*loaded), std::move(*spec)};
}

}  // namespace faultline::cli
