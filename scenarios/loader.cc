#include "scenarios/loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "scenarios/file_reader.h"
#include "scenarios/json_parser.h"
#include "scenarios/library.h"
#include "scenarios/text_parser.h"
#include "scenarios/timeline.h"
#include "scenarios/trace_csv.h"
#include "scenarios/validator.h"

namespace faultline::scenarios {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

Unexpected<LoadError> failure(std::string location, std::string message) {
  return Unexpected(LoadError{{Diagnostic{std::move(location), "", std::move(message)}}});
}

std::string tooLarge(std::string_view what) {
  return fmt::format("{} is larger than {} bytes (16 MiB), the limit for a scenario", what,
                     kMaxScenarioBytes);
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Format formatOf(const std::filesystem::path& path, std::string_view content) {
  const std::string extension = lowercase(path.extension().string());
  if (extension == ".json") return Format::kJson;
  if (extension == ".textproto" || extension == ".txtpb" || extension == ".pbtxt" ||
      extension == ".txt") {
    return Format::kText;
  }
  if (content.starts_with(kUtf8Bom)) content.remove_prefix(kUtf8Bom.size());
  const std::size_t first = content.find_first_not_of(" \t\r\n\f\v");
  return first != std::string_view::npos && content[first] == '{' ? Format::kJson : Format::kText;
}

std::string builtinNames() {
  std::string names;
  for (const BuiltinScenario& builtin : builtinScenarios()) {
    if (!names.empty()) names += ", ";
    names += builtin.name;
  }
  return names.empty() ? "none" : names;
}

// Reads each region's trace file (relative to `base`, the scenario file's directory) into its
// rates, so the scenario that leaves the loader carries its traces.
std::vector<Diagnostic> resolveTraces(LoadedScenario& loaded, const std::filesystem::path& base) {
  std::vector<Diagnostic> diagnostics;
  auto& scenario = loaded.scenario;
  for (int i = 0; i < scenario.regions_size(); ++i) {
    auto* region = scenario.mutable_regions(i);
    if (!region->has_clients() || !region->clients().has_trace()) continue;
    auto* trace = region->mutable_clients()->mutable_trace();
    if (trace->csv().empty()) continue;
    const std::string path = fmt::format("regions[{}].clients.trace", i);
    if (trace->rates_rps_size() > 0) {
      diagnostics.push_back(
          {loaded.source_map.locate(path + ".rates_rps"), path + ".rates_rps",
           "give csv or rates_rps, not both: the loader reads csv into rates_rps"});
      continue;
    }
    // A path cannot hold a NUL byte; the file system would see a shorter, different name.
    if (trace->csv().find('\0') != std::string::npos) {
      diagnostics.push_back({loaded.source_map.locate(path + ".csv"), path + ".csv",
                             "a file name cannot contain a NUL byte"});
      continue;
    }
    const std::filesystem::path file = base / trace->csv();
    auto content = readFile(file, kMaxTraceBytes, "trace");
    if (!content) {
      diagnostics.push_back({loaded.source_map.locate(path + ".csv"), path + ".csv",
                             content.error().location + ": " + content.error().message});
      continue;
    }
    auto rates = traceColumn(*content, file.string(), region->name());
    if (!rates) {
      diagnostics.push_back({rates.error().location, path + ".csv", rates.error().message});
      continue;
    }
    trace->mutable_rates_rps()->Assign(rates->begin(), rates->end());
  }
  return diagnostics;
}

// Reads the incident timeline (relative to `base`) into faults after the scenario's own, places
// each of them at its row for later diagnostics, and clears `replay`: the scenario that leaves the
// loader carries the faults instead.
std::vector<Diagnostic> resolveReplay(LoadedScenario& loaded, const std::filesystem::path& base) {
  auto& scenario = loaded.scenario;
  if (!scenario.has_replay()) return {};
  const std::string path = "replay.timeline";
  const std::string& timeline = scenario.replay().timeline();
  if (timeline.empty()) {
    return {{loaded.source_map.locate(path), path,
             "required: the incident timeline, a .csv or .json file relative to the scenario"}};
  }
  const std::filesystem::path file = base / timeline;
  const std::string extension = lowercase(std::filesystem::path(timeline).extension().string());
  // A path cannot hold a NUL byte; the file system would see a shorter, different name.
  if (timeline.find('\0') != std::string::npos || (extension != ".csv" && extension != ".json")) {
    return {{loaded.source_map.locate(path), path,
             fmt::format("must name a .csv or .json file (got {})", quote(timeline))}};
  }
  auto content = readFile(file, kMaxTimelineBytes, "timeline");
  if (!content) {
    return {{loaded.source_map.locate(path), path,
             content.error().location + ": " + content.error().message}};
  }
  const auto format = extension == ".csv" ? TimelineFormat::kCsv : TimelineFormat::kJson;
  auto faults = readTimeline(*content, file.string(), format,
                             static_cast<std::size_t>(scenario.faults_size()));
  if (!faults) {
    std::vector<Diagnostic> diagnostics = std::move(faults.error());
    for (Diagnostic& diagnostic : diagnostics)
      diagnostic.path = path;
    return diagnostics;
  }
  for (ImportedFault& imported : *faults) {
    const std::string fault = fmt::format("faults[{}]", scenario.faults_size());
    *scenario.add_faults() = std::move(imported.fault);
    for (auto& [relative, location] : imported.places) {
      loaded.source_map.place(relative.empty() ? fault : fault + "." + relative,
                              std::move(location));
    }
  }
  scenario.clear_replay();
  return {};
}

Expected<LoadedScenario, LoadError> loadScenarioTextFrom(std::string_view text,
                                                         std::string_view origin, Format format,
                                                         const std::filesystem::path& base) {
  std::string source = origin.empty() ? "<input>" : std::string(origin);
  if (text.size() > kMaxScenarioBytes) return failure(std::move(source), tooLarge("scenario"));
  // Editors on some systems write one; neither parser expects it.
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  Expected<LoadedScenario, LoadError> parsed = format == Format::kJson
                                                   ? parseJsonScenario(text, std::move(source))
                                                   : parseTextScenario(text, std::move(source));
  if (!parsed) return parsed;
  std::vector<Diagnostic> diagnostics = resolveTraces(*parsed, base);
  std::vector<Diagnostic> replay = resolveReplay(*parsed, base);
  diagnostics.insert(diagnostics.end(), std::make_move_iterator(replay.begin()),
                     std::make_move_iterator(replay.end()));
  if (!diagnostics.empty()) return Unexpected(LoadError{std::move(diagnostics)});
  diagnostics = validate(parsed->scenario, parsed->source_map);
  if (!diagnostics.empty()) return Unexpected(LoadError{std::move(diagnostics)});
  return parsed;
}

}  // namespace

Expected<LoadedScenario, LoadError> loadScenarioText(std::string_view text, std::string_view origin,
                                                     Format format) {
  return loadScenarioTextFrom(text, origin, format, {});
}

Expected<LoadedScenario, LoadError> loadScenarioFile(const std::filesystem::path& path) {
  Expected<std::string, Diagnostic> content = readFile(path, kMaxScenarioBytes, "scenario");
  if (!content) return Unexpected(LoadError{{content.error()}});
  return loadScenarioTextFrom(*content, path.string(), formatOf(path, *content),
                              path.parent_path());
}

Expected<LoadedScenario, LoadError> loadScenario(std::string_view name_or_path) {
  if (const std::optional<BuiltinScenario> builtin = findBuiltin(name_or_path)) {
    return loadScenarioText(builtin->text, builtin->name, Format::kText);
  }
  const std::string shown = printable(name_or_path);
  // A path cannot hold a NUL byte; the file system would see a shorter, different name.
  if (name_or_path.empty() || name_or_path.find('\0') != std::string_view::npos) {
    return failure(shown, fmt::format("not a built-in scenario or a file name (built-in "
                                      "scenarios: {})",
                                      builtinNames()));
  }
  const std::filesystem::path path(name_or_path);
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  // Anything but "not there" (a permission problem, say) is best told by trying to read it.
  if (exists || (error && error != std::errc::no_such_file_or_directory)) {
    return loadScenarioFile(path);
  }
  return failure(shown, fmt::format("no built-in scenario or file of that name (built-in "
                                    "scenarios: {})",
                                    builtinNames()));
}

}  // namespace faultline::scenarios
