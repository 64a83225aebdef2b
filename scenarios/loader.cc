#include "scenarios/loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "scenarios/json_parser.h"
#include "scenarios/library.h"
#include "scenarios/text_parser.h"
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

std::string systemError(int error) {
  return std::generic_category().message(error);
}

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Reads at most kMaxScenarioBytes + 1 bytes, so an endless device or a huge file cannot
// exhaust memory.
Expected<std::string, Diagnostic> readFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Unexpected(Diagnostic{name, "", "is a directory, not a scenario file"});
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > kMaxScenarioBytes) return Unexpected(Diagnostic{name, "", tooLarge("file")});

  errno = 0;
  const std::unique_ptr<std::FILE, CloseFile> file(std::fopen(name.c_str(), "rb"));
  if (!file) {
    return Unexpected(Diagnostic{name, "", fmt::format("cannot open: {}", systemError(errno))});
  }

  std::string content;
  char buffer[64 * 1024];
  while (content.size() <= kMaxScenarioBytes) {
    const std::size_t read = std::fread(buffer, 1, sizeof buffer, file.get());
    content.append(buffer, read);
    if (read < sizeof buffer) break;
  }
  if (std::ferror(file.get())) {
    return Unexpected(Diagnostic{name, "", fmt::format("cannot read: {}", systemError(errno))});
  }
  if (content.size() > kMaxScenarioBytes) return Unexpected(Diagnostic{name, "", tooLarge("file")});
  return content;
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

}  // namespace

Expected<LoadedScenario, LoadError> loadScenarioText(std::string_view text, std::string_view origin,
                                                     Format format) {
  std::string source = origin.empty() ? "<input>" : std::string(origin);
  if (text.size() > kMaxScenarioBytes) return failure(std::move(source), tooLarge("scenario"));
  // Editors on some systems write one; neither parser expects it.
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());

  Expected<LoadedScenario, LoadError> parsed = format == Format::kJson
                                                   ? parseJsonScenario(text, std::move(source))
                                                   : parseTextScenario(text, std::move(source));
  if (!parsed) return parsed;
  std::vector<Diagnostic> diagnostics = validate(parsed->scenario, parsed->source_map);
  if (!diagnostics.empty()) return Unexpected(LoadError{std::move(diagnostics)});
  return parsed;
}

Expected<LoadedScenario, LoadError> loadScenarioFile(const std::filesystem::path& path) {
  Expected<std::string, Diagnostic> content = readFile(path);
  if (!content) return Unexpected(LoadError{{content.error()}});
  return loadScenarioText(*content, path.string(), formatOf(path, *content));
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
