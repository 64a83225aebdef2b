#include "cli/run_command.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "cli/report_command.h"
#include "cli/scenario_errors.h"
#include "cli/world_loading.h"
#include "engine/live/live_run.h"
#include "engine/metrics/result_recorder.h"
#include "engine/sim/simulation.h"
#include "engine/sim/world_builder.h"
#include "reports/results_file_writer.h"
#include "reports/results_io.h"
#include "reports/summary_table.h"
#include "scenarios/loader.h"
#include "scenarios/user_input.h"

namespace faultline::cli {

namespace {

// Why an engine did not run a scenario: what it asks for cannot be run (the field path at fault,
// exit 2), or the run failed on this machine (exit 1).
struct EngineError {
  sim::ConfigError error;
  bool bad_input = true;
};

// What runs a scenario: the simulator, or live mode.
using Engine = std::function<Expected<sim::RunStatus, EngineError>(
    const sim::WorldSpec&, metrics::Observer&, const std::atomic<bool>*)>;

// The options `run` and `live` share.
void addScenarioOptions(CLI::App* run, RunArguments& arguments) {
  run->add_option("scenario", arguments.scenario,
                  "A built-in scenario (faultline scenarios list) or a .textproto/.json file")
      ->required();
  run->add_option("--strategy", arguments.strategy,
                  "Balancing strategy to use instead of the scenario's (faultline strategies)");
  run->add_option("--seed", arguments.seed, "Seed instead of the scenario's (0 to 2^64 - 1)")
      ->type_name("N");
  run->add_option("--duration", arguments.duration,
                  "Simulated duration instead of the scenario's: 90s, 10m, 1h, 500ms");
  run->add_option("--json", arguments.json,
                  "Write the results (time series and summary) as JSON to FILE; - for stdout")
      ->type_name("FILE");
  run->add_option("--report", arguments.report,
                  "Write the reports (report.md, report.html, report.pdf) into DIR, with the "
                  "results as results.json "
                  "unless --json names a file")
      ->type_name("DIR");
  run->add_flag("-q,--quiet", arguments.quiet, "Print no summary");
}

int runWith(const RunArguments& arguments, const char* command, const std::string& mode,
            const Engine& engine, std::ostream& out, std::ostream& err) {
  auto world = loadWorld(
      {arguments.scenario, arguments.strategy, arguments.seed, arguments.duration}, command, err);
  if (!world) return world.error();
  auto& loaded = world->loaded;
  auto* spec = &world->spec;
  spec->layout.mode = mode;
  // The report reads the results file back: the one --json names, or one of its own.
  std::optional<std::string> json = arguments.json;
  if (arguments.report) {
    if (json && *json == "-") {
      err << "faultline " << command
          << ": --report reads the results back from a file: not with --json -\n";
      return kExitBadInput;
    }
    if (auto problem = prepareReportDirectory(*arguments.report)) {
      err << "faultline " << command << ": " << *problem << '\n';
      return kExitBadInput;
    }
    if (!json) json = (std::filesystem::path(*arguments.report) / "results.json").string();
  }
  // Opened before the run, so a bad path fails at once rather than after a long run.
  std::unique_ptr<reports::ResultsFileWriter> writer;
  if (json) {
    std::error_code ec;
    if (std::filesystem::is_directory(*json, ec)) {
      err << "faultline " << command << ": --json: is a directory: " << *json << '\n';
      return kExitBadInput;
    }
    auto opened = reports::ResultsFileWriter::open(*json, out);
    if (!opened) {
      err << "faultline " << command << ": --json: " << opened.error() << '\n';
      return kExitBadInput;
    }
    writer = std::move(*opened);
  }

  metrics::DiscardWindows discard;
  metrics::ResultRecorder recorder(&discard);
  ProgressBar progress(stderr);
  metrics::ObserverList observers;
  observers.add(writer ? static_cast<metrics::Observer&>(*writer) : recorder);
  observers.add(progress);
  const StopOnSignal stop;
  const auto ran = engine(*spec, observers, &stop.requested());
  if (!ran) {
    if (!ran.error().bad_input) {
      err << "faultline " << command << ": " << ran.error().error.message << '\n';
      return kExitFailure;
    }
    printConfigError(ran.error().error, loaded.source_map, command, err);
    return kExitBadInput;
  }
  const sim::RunStatus status = *ran;
  if (!status.finished()) {
    // The writer goes out of scope uncommitted: its temporary file is removed.
    const bool json_to_stdout = arguments.json && *arguments.json == "-";
    const char* what = status.end == sim::RunEnd::kStopped ? "interrupted" : "stopped";
    err << "faultline " << command << ": " << what
        << (json_to_stdout ? "; the JSON on standard output is cut short\n"
                           : "; nothing written\n");
    if (status.end == sim::RunEnd::kRunaway) {
      err << "faultline " << command << ": " << status.message << '\n';
      return kExitBadInput;
    }
    return 128 + stop.signal();
  }

  const bool json_to_stdout = arguments.json && *arguments.json == "-";
  if (writer) {
    if (auto committed = writer->commit(); !committed) {
      err << "faultline " << command << ": cannot write results: " << committed.error() << '\n';
      return kExitFailure;
    }
  }
  if (arguments.report) {
    auto written = reports::readResultsFile(*json);
    if (!written) {
      err << "faultline " << command << ": --report: " << written.error() << '\n';
      return kExitFailure;
    }
    if (auto problem =
            writeReportsInto(*arguments.report, reports::AnyResults(std::move(*written)))) {
      err << "faultline " << command << ": " << *problem << '\n';
      return kExitFailure;
    }
  }
  if (!json_to_stdout && !arguments.quiet) {
    out << reports::renderSummary(writer ? writer->resultWithoutWindows() : recorder.result());
  }
  return kExitOk;
}

}  // namespace

void addRunCommand(CLI::App& app, RunArguments& arguments) {
  auto* run = app.add_subcommand("run", "Simulate a scenario and print its summary");
  addScenarioOptions(run, arguments);
}

int runScenario(const RunArguments& arguments, std::ostream& out, std::ostream& err) {
  return runWith(
      arguments, "run", "sim",
      [](const sim::WorldSpec& spec, metrics::Observer& observer, const std::atomic<bool>* stop)
          -> Expected<sim::RunStatus, EngineError> { return sim::simulate(spec, observer, stop); },
      out, err);
}

void addLiveCommand(CLI::App& app, RunArguments& arguments) {
  auto* live = app.add_subcommand(
      "live",
      "Run a scenario on real sockets on this machine (backends, proxies, load) in real time");
  addScenarioOptions(live, arguments);
  live->add_option("--time-scale", arguments.time_scale,
                   "Run the scenario X times faster than the wall clock (every duration shrunk, "
                   "rates raised alike; latencies are reported in scenario time)")
      ->check(CLI::Range(0.001, 1000.0))
      ->capture_default_str();
  live->add_option("--rate-scale", arguments.rate_scale,
                   "Multiply every client's rate by Y, to fit what loopback can carry")
      ->check(CLI::Range(0.000001, 1000.0))
      ->capture_default_str();
}

int runLiveScenario(const RunArguments& arguments, std::ostream& out, std::ostream& err) {
  live::LiveOptions options;
  options.time_scale = live::TimeScale(arguments.time_scale);
  return runWith(
      arguments, "live", "live",
      [&](const sim::WorldSpec& spec, metrics::Observer& observer,
          const std::atomic<bool>* stop) -> Expected<sim::RunStatus, EngineError> {
        sim::WorldSpec scaled = spec;
        live::scaleRates(scaled, arguments.rate_scale);
        auto ran = live::runLive(scaled, options, observer, stop);
        if (!ran) {
          return Unexpected(EngineError{{"", ran.error().message}, /*bad_input=*/false});
        }
        return *ran;
      },
      out, err);
}

}  // namespace faultline::cli
