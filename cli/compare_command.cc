#include "cli/compare_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "balancer/strategy_registry.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"
#include "cli/report_command.h"
#include "cli/scenario_errors.h"
#include "reports/comparison.h"
#include "reports/comparison_runner.h"
#include "reports/comparison_table.h"
#include "reports/results_io.h"
#include "scenarios/loader.h"
#include "scenarios/user_input.h"

namespace faultline::cli {
namespace {

constexpr int kMaxSeeds = 1000;
constexpr int kMaxJobs = 1024;

Expected<std::vector<std::string>, std::string> strategyList(
    const std::optional<std::string>& given) {
  std::vector<std::string> names;
  if (!given) {
    for (const auto& info : balancer::knownStrategies())
      names.emplace_back(info.name);
    return names;
  }
  std::string_view rest = *given;
  while (true) {
    const auto comma = rest.find(',');
    std::string name(rest.substr(0, comma));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) return Unexpected(std::string("an empty name in the list"));
    if (!balancer::isKnownStrategy(name)) {
      return Unexpected(
          fmt::format("unknown strategy \"{}\" (known: {})", name, balancer::knownStrategyNames()));
    }
    if (std::find(names.begin(), names.end(), name) != names.end())
      return Unexpected(fmt::format("\"{}\" is listed twice", name));
    names.push_back(std::move(name));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

// The plan from the arguments, or a message naming the bad option.
Expected<reports::ComparisonPlan, std::string> planOf(const CompareArguments& arguments,
                                                      const scenario::Scenario& scenario) {
  reports::ComparisonPlan plan;
  auto strategies = strategyList(arguments.strategies);
  if (!strategies) return Unexpected("--strategies: " + strategies.error());
  plan.strategies = std::move(*strategies);
  if (arguments.seeds < 1 || arguments.seeds > kMaxSeeds)
    return Unexpected(fmt::format("--seeds: must be 1 to {} (got {})", kMaxSeeds, arguments.seeds));
  std::uint64_t first = scenario.seed();
  if (arguments.seed) {
    auto seed = scenarios::parseSeed(*arguments.seed);
    if (!seed) return Unexpected("--seed: " + seed.error());
    first = *seed;
  }
  for (int i = 0; i < arguments.seeds; ++i)
    plan.seeds.push_back(first + static_cast<std::uint64_t>(i));  // wraps past 2^64 - 1
  if (arguments.duration) {
    auto duration = scenarios::parseDuration(*arguments.duration);
    if (!duration) return Unexpected("--duration: " + duration.error());
    plan.duration = *duration;
  }
  const int cores = static_cast<int>(
      std::clamp(std::thread::hardware_concurrency(), 1u, static_cast<unsigned>(kMaxJobs)));
  const int jobs = arguments.jobs.value_or(cores);
  if (jobs < 1 || jobs > kMaxJobs)
    return Unexpected(fmt::format("--jobs: must be 1 to {} (got {})", kMaxJobs, jobs));
  plan.jobs = static_cast<unsigned>(jobs);
  if (!(arguments.confidence >= 0.5 && arguments.confidence <= 0.999)) {
    return Unexpected(
        fmt::format("--confidence: must be 0.5 to 0.999 (got {})", arguments.confidence));
  }
  plan.confidence = arguments.confidence;
  return plan;
}

}  // namespace

void addCompareCommand(CLI::App& app, CompareArguments& arguments) {
  auto* compare = app.add_subcommand(
      "compare", "Run several strategies with the same seeds and compare them with statistics");
  compare
      ->add_option("scenario", arguments.scenario,
                   "A built-in scenario (faultline scenarios list) or a .textproto/.json file")
      ->required();
  compare->add_option("--strategies", arguments.strategies,
                      "Strategies to compare, comma-separated; the first is the baseline "
                      "(default: every strategy, faultline strategies)");
  compare->add_option("--seeds", arguments.seeds, "Seeds per strategy (1 to 1000; default 5)")
      ->type_name("N");
  compare->add_option("--seed", arguments.seed, "The first seed (default: the scenario's)")
      ->type_name("N");
  compare->add_option("--duration", arguments.duration,
                      "Simulated duration instead of the scenario's: 90s, 10m, 1h");
  compare->add_option("--jobs", arguments.jobs, "Runs at once (default: the machine's cores)")
      ->type_name("J");
  compare->add_option("--confidence", arguments.confidence,
                      "Confidence level of the intervals (0.5 to 0.999; default 0.95)");
  compare
      ->add_option("--json", arguments.json, "Write the comparison as JSON to FILE; - for stdout")
      ->type_name("FILE");
  compare
      ->add_option(
          "--report", arguments.report,
          "Write the reports (report.md, report.html, report.pdf) into DIR, with the comparison as "
          "comparison.json unless --json names a file")
      ->type_name("DIR");
  compare->add_flag("-q,--quiet", arguments.quiet, "Print no table");
}

int compareStrategies(const CompareArguments& arguments, std::ostream& out, std::ostream& err) {
  auto loaded = scenarios::loadScenario(arguments.scenario);
  if (!loaded) {
    printLoadError(loaded.error(), err);
    return kExitBadInput;
  }
  auto plan = planOf(arguments, loaded->scenario);
  if (!plan) {
    err << "faultline compare: " << plan.error() << '\n';
    return kExitBadInput;
  }
  std::optional<std::string> json = arguments.json;
  if (arguments.report) {
    if (auto problem = prepareReportDirectory(*arguments.report)) {
      err << "faultline compare: " << *problem << '\n';
      return kExitBadInput;
    }
    if (!json) json = (std::filesystem::path(*arguments.report) / "comparison.json").string();
  }
  // Opened before the runs, so a bad path fails at once rather than after all of them.
  std::optional<reports::PendingFile> json_file;
  if (json && *json != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(*json, ec)) {
      err << "faultline compare: --json: is a directory: " << *json << '\n';
      return kExitBadInput;
    }
    auto opened = reports::PendingFile::open(*json);
    if (!opened) {
      err << "faultline compare: --json: " << opened.error() << '\n';
      return kExitBadInput;
    }
    json_file.emplace(std::move(*opened));
  }
  // Runs done and simulated time done, on one line of a terminal.
  StatusLine progress(stderr);
  const StopOnSignal stop;
  auto input = reports::runComparison(
      loaded->scenario, *plan, &stop.requested(),
      [&progress](std::size_t done, std::size_t runs, double fraction) {
        progress.draw(fmt::format("{} {:5.1f}%  {} of {} runs done ", StatusLine::bar(fraction),
                                  fraction * 100, done, runs));
      });
  progress.clear();
  if (!input) {
    const auto& error = input.error();
    if (error.kind == reports::ComparisonError::Kind::kStopped) {
      err << "faultline compare: interrupted; nothing written\n";
      return 128 + stop.signal();
    }
    if (error.kind == reports::ComparisonError::Kind::kFailed) {
      err << "faultline compare: failed; nothing written: " << error.message << '\n';
      return kExitFailure;
    }
    if (error.kind == reports::ComparisonError::Kind::kRunaway) {
      err << "faultline compare: stopped; nothing written\nfaultline compare: " << error.message
          << '\n';
      return kExitBadInput;
    }
    printConfigError(sim::ConfigError{error.path, error.message}, loaded->source_map, "compare",
                     err);
    return kExitBadInput;
  }
  const results::ComparisonResult comparison = reports::compare(std::move(*input));
  const bool json_to_stdout = json && *json == "-";
  if (json) {
    const std::string text = reports::toJson(comparison);
    if (json_to_stdout) {
      out << text;
    } else if (auto written = json_file->write(text); !written) {
      err << "faultline compare: --json: " << written.error() << '\n';
      return kExitFailure;
    }
  }
  if (arguments.report) {
    if (auto problem = writeReportsInto(*arguments.report, reports::AnyResults(comparison))) {
      err << "faultline compare: " << *problem << '\n';
      return kExitFailure;
    }
  }
  if (!json_to_stdout && !arguments.quiet) out << reports::renderComparison(comparison);
  return kExitOk;
}

}  // namespace faultline::cli
