#include "reports/results_io.h"

#include "reports/atomic_file.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace faultline::reports {

namespace {

std::string printJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return "{}\n";  // printing a well-formed message cannot fail
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

}  // namespace

std::string toJson(const results::RunResult& result) {
  return printJson(result);
}
std::string toJson(const results::Window& window) {
  return printJson(window);
}
std::string toJson(const results::ComparisonResult& comparison) {
  return printJson(comparison);
}

Expected<results::RunResult, std::string> parseResultsJson(std::string_view json) {
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Unexpected(std::string("empty"));
  }
  results::RunResult result;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // files from newer versions stay readable
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &result, options);
  if (!status.ok()) {
    // Protobuf follows its message with the offending text and a caret on lines of their own.
    const std::string message(status.message());
    return Unexpected(message.substr(0, message.find('\n')));
  }
  return result;
}

namespace {

Expected<std::string, std::string> readWhole(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Unexpected(path.string() + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(path.string() + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

Expected<results::RunResult, std::string> readResultsFile(const std::filesystem::path& path) {
  auto content = readWhole(path);
  if (!content) return Unexpected(content.error());
  auto result = parseResultsJson(*content);
  if (!result)
    return Unexpected(path.string() + ": not a Faultline results file: " + result.error());
  return result;
}

Expected<AnyResults, std::string> parseAnyResultsJson(std::string_view json) {
  const auto document = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    return Unexpected(std::string("not a JSON object"));
  }
  if (!document.contains("ranking") || !document.contains("metricInfo")) {
    auto run = parseResultsJson(json);
    if (!run) return Unexpected(run.error());
    return AnyResults(std::move(*run));
  }
  results::ComparisonResult comparison;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &comparison, options);
  if (!status.ok()) {
    const std::string message(status.message());
    return Unexpected(message.substr(0, message.find('\n')));
  }
  return AnyResults(std::move(comparison));
}

Expected<AnyResults, std::string> readAnyResultsFile(const std::filesystem::path& path) {
  auto content = readWhole(path);
  if (!content) return Unexpected(content.error());
  auto results = parseAnyResultsJson(*content);
  if (!results)
    return Unexpected(path.string() + ": not a Faultline results file: " + results.error());
  return results;
}

Expected<void, std::string> writeFileAtomically(const std::filesystem::path& path,
                                                std::string_view content) {
  auto file = AtomicFile::create(path);
  if (!file) return Unexpected(file.error());
  if (std::fwrite(content.data(), 1, content.size(), (*file)->stream()) != content.size()) {
    return Unexpected(path.string() + ": " + std::strerror(errno));
  }
  return (*file)->commit();
}

}  // namespace faultline::reports
