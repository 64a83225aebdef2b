#include "cli/run_command.h"

#include <cstdio>
#include <filesystem>

#include "cli/duration_arg.h"
#include "cli/exit_codes.h"
#include "cli/progress_bar.h"
#include "cli/scenario_errors.h"
#include "engine/metrics/result_recorder.h"
#include "engine/sim/simulation.h"
#include "engine/sim/world_builder.h"
#include "reports/results_io.h"
#include "reports/summary_table.h"
#include "scenarios/loader.h"

namespace faultline::cli {
namespace {

// Checked before a possibly long run, so a typo in the output path does not waste it.
std::optional<std::string> checkOutputPath(const std::string& path) {
  if (path == "-") return std::nullopt;
  const std::filesystem::path file(path);
  const auto directory = file.has_parent_path() ? file.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return "--json: no such directory: " + directory.string();
  }
  if (std::filesystem::is_directory(file, ec)) return "--json: is a directory: " + path;
  return std::nullopt;
}

}  // namespace

void addRunCommand(CLI::App& app, RunArguments& arguments) {
  auto* run = app.add_subcommand("run", "Simulate a scenario and print its summary");
  run->add_option("scenario", arguments.scenario,
                  "A built-in scenario (faultline scenarios list) or a .textproto/.json file")
      ->required();
  run->add_option("--strategy", arguments.strategy,
                  "Balancing strategy to use instead of the scenario's (faultline strategies)");
  run->add_option("--seed", arguments.seed, "Seed instead of the scenario's");
  run->add_option("--duration", arguments.duration,
                  "Simulated duration instead of the scenario's: 90s, 10m, 1h, 500ms");
  run->add_option("--json", arguments.json,
                  "Write the results (time series and summary) as JSON to FILE; - for stdout")
      ->type_name("FILE");
  run->add_flag("-q,--quiet", arguments.quiet, "Print no summary");
}

int runScenario(const RunArguments& arguments, std::ostream& out, std::ostream& err) {
  auto loaded = scenarios::loadScenario(arguments.scenario);
  if (!loaded) {
    printLoadError(loaded.error(), err);
    return kExitBadInput;
  }
  sim::RunOverrides overrides;
  overrides.seed = arguments.seed;
  overrides.strategy = arguments.strategy;
  if (arguments.duration) {
    auto duration = parseDuration(*arguments.duration);
    if (!duration) {
      err << "faultline run: --duration: " << duration.error() << '\n';
      return kExitBadInput;
    }
    overrides.duration = *duration;
  }
  if (arguments.json) {
    if (auto problem = checkOutputPath(*arguments.json)) {
      err << "faultline run: " << *problem << '\n';
      return kExitBadInput;
    }
  }
  auto spec = sim::buildWorldSpec(loaded->scenario, overrides);
  if (!spec) {
    printConfigError(spec.error(), loaded->source_map, "run", err);
    return kExitBadInput;
  }

  metrics::ResultRecorder recorder;
  ProgressBar progress(stderr);
  metrics::ObserverList observers;
  observers.add(recorder);
  observers.add(progress);
  sim::simulate(*spec, observers);

  const auto& result = recorder.result();
  const bool json_to_stdout = arguments.json && *arguments.json == "-";
  if (json_to_stdout) {
    out << reports::toJson(result);
  } else if (!arguments.quiet) {
    out << reports::renderSummary(result);
  }
  if (arguments.json && !json_to_stdout) {
    auto written = reports::writeFileAtomically(*arguments.json, reports::toJson(result));
    if (!written) {
      err << "faultline run: cannot write results: " << written.error() << '\n';
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace faultline::cli
