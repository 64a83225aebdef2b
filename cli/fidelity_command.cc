#include "cli/fidelity_command.h"

#include <filesystem>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "cli/scenario_errors.h"
#include "cli/world_loading.h"
#include "engine/live/live_run.h"
#include "engine/metrics/result_recorder.h"
#include "engine/sim/simulation.h"
#include "engine/sim/world_builder.h"
#include "reports/fidelity.h"
#include "reports/results_io.h"
#include "scenarios/loader.h"
#include "scenarios/user_input.h"

namespace faultline::cli {

void addFidelityCommand(CLI::App& app, FidelityArguments& arguments) {
  auto* fidelity = app.add_subcommand(
      "fidelity", "Run a scenario in the simulator and live on loopback, and compare them");
  fidelity->add_option("scenario", arguments.scenario, "A built-in scenario or a file")->required();
  fidelity->add_option("--strategy", arguments.strategy,
                       "Balancing strategy instead of the scenario's");
  fidelity->add_option("--seed", arguments.seed, "Seed instead of the scenario's")->type_name("N");
  fidelity->add_option("--duration", arguments.duration, "Duration instead of the scenario's");
  fidelity
      ->add_option("--time-scale", arguments.time_scale,
                   "Run the live side X times faster than the wall clock")
      ->check(CLI::Range(0.001, 1000.0))
      ->capture_default_str();
  fidelity
      ->add_option("--rate-scale", arguments.rate_scale,
                   "Multiply every client's rate by Y, in both runs")
      ->check(CLI::Range(0.000001, 1000.0))
      ->capture_default_str();
  fidelity->add_option("--out", arguments.out, "Write both results (sim.json, live.json) into DIR")
      ->type_name("DIR");
}

namespace {

Expected<sim::WorldSpec, int> worldOf(const FidelityArguments& arguments, std::ostream& err) {
  auto world =
      loadWorld({arguments.scenario, arguments.strategy, arguments.seed, arguments.duration},
                "fidelity", err);
  if (!world) return Unexpected(world.error());
  live::scaleRates(world->spec, arguments.rate_scale);
  return std::move(world->spec);
}

}  // namespace

int compareFidelity(const FidelityArguments& arguments, std::ostream& out, std::ostream& err) {
  auto spec = worldOf(arguments, err);
  if (!spec) return spec.error();
  if (arguments.out) {
    std::error_code ec;
    std::filesystem::create_directories(*arguments.out, ec);
    if (ec) {
      err << "faultline fidelity: --out: cannot create " << *arguments.out << ": " << ec.message()
          << '\n';
      return kExitBadInput;
    }
  }
  const StopOnSignal stop;
  metrics::ResultRecorder sim_recorder;
  {
    ProgressBar progress(stderr);
    metrics::ObserverList observers;
    observers.add(sim_recorder);
    observers.add(progress);
    spec->layout.mode = "sim";
    const sim::RunStatus status = sim::simulate(*spec, observers, &stop.requested());
    if (status.end == sim::RunEnd::kRunaway) {
      err << "faultline fidelity: the simulation ran away: " << status.message << '\n';
      return kExitBadInput;
    }
    if (!status.finished()) {
      err << "faultline fidelity: interrupted; nothing written\n";
      return 128 + stop.signal();
    }
  }
  metrics::ResultRecorder live_recorder;
  {
    ProgressBar progress(stderr);
    metrics::ObserverList observers;
    observers.add(live_recorder);
    observers.add(progress);
    spec->layout.mode = "live";
    live::LiveOptions options;
    options.time_scale = live::TimeScale(arguments.time_scale);
    auto ran = live::runLive(*spec, options, observers, &stop.requested());
    if (!ran) {
      err << "faultline fidelity: " << ran.error().message << '\n';
      return kExitFailure;
    }
    if (!ran->finished()) {
      err << "faultline fidelity: interrupted; nothing written\n";
      return 128 + stop.signal();
    }
  }
  const auto& sim = sim_recorder.result();
  const auto& live = live_recorder.result();
  if (arguments.out) {
    for (const auto& [name, result] :
         {std::pair{"sim.json", &sim}, std::pair{"live.json", &live}}) {
      const auto path = (std::filesystem::path(*arguments.out) / name).string();
      if (auto written = reports::writeFileAtomically(path, reports::toJson(*result)); !written) {
        err << "faultline fidelity: " << written.error() << '\n';
        return kExitFailure;
      }
    }
  }
  const reports::Fidelity fidelity = reports::compareFidelity(sim, live);
  out << reports::renderFidelity(sim, live, fidelity);
  // A trust check that failed is a failure a script should see.
  return fidelity.held() ? kExitOk : kExitFailure;
}

}  // namespace faultline::cli
