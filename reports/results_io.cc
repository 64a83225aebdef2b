#include "reports/results_io.h"

#include "reports/atomic_file.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

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

namespace {

// The keys of a JSON document's top-level object, read with nlohmann's SAX interface so a large
// results file is not built into a document just to be told apart. nullopt: not a JSON object.
class TopLevelKeys final : public nlohmann::json::json_sax_t {
 public:
  std::vector<std::string> keys;
  bool object = false;

  bool key(string_t& name) override {
    if (depth_ == 1) keys.push_back(name);
    return true;
  }
  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool null() override { return depth_ > 0; }
  bool boolean(bool) override { return depth_ > 0; }
  bool number_integer(number_integer_t) override { return depth_ > 0; }
  bool number_unsigned(number_unsigned_t) override { return depth_ > 0; }
  bool number_float(number_float_t, const string_t&) override { return depth_ > 0; }
  bool string(string_t&) override { return depth_ > 0; }
  bool binary(binary_t&) override { return depth_ > 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) override {
    return false;
  }
  bool has(std::string_view name) const {
    return std::find(keys.begin(), keys.end(), name) != keys.end();
  }

 private:
  bool open(bool is_object) {
    if (depth_ == 0) object = is_object;
    ++depth_;
    return object;  // a top-level array is not a results file: stop at once
  }
  bool close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
};

// A comparison the renderers can walk without checking every index: each strategy has one
// metric per metricInfo entry, in that order, and the ranking names its strategies.
std::optional<std::string> comparisonShapeError(const results::ComparisonResult& comparison) {
  if (comparison.strategies().empty()) return "a comparison without strategies";
  for (const auto& strategy : comparison.strategies()) {
    if (strategy.metrics_size() != comparison.metric_info_size()) {
      return "strategy \"" + strategy.strategy() + "\" has " +
             std::to_string(strategy.metrics_size()) + " metrics, metricInfo " +
             std::to_string(comparison.metric_info_size());
    }
    for (int m = 0; m < strategy.metrics_size(); ++m) {
      if (strategy.metrics(m).metric() != comparison.metric_info(m).name()) {
        return "strategy \"" + strategy.strategy() + "\": metric " + std::to_string(m) +
               " is not " + comparison.metric_info(m).name();
      }
    }
  }
  if (comparison.ranking_size() != comparison.strategies_size()) {
    return "the ranking does not rank every strategy";
  }
  return std::nullopt;
}

}  // namespace

Expected<AnyResults, std::string> parseAnyResultsJson(std::string_view json) {
  TopLevelKeys top;
  nlohmann::json::sax_parse(json.begin(), json.end(), &top, nlohmann::json::input_format_t::json,
                            /*strict=*/true);
  if (!top.object) return Unexpected(std::string("not a JSON object"));
  if (!top.has("ranking") && !top.has("metricInfo")) {
    if (!top.has("run") || !top.has("summary")) {
      return Unexpected(std::string("neither a run's results (run, summary) nor a comparison"));
    }
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
  if (auto problem = comparisonShapeError(comparison)) return Unexpected(std::move(*problem));
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

Expected<PendingFile, std::string> PendingFile::open(const std::filesystem::path& path) {
  auto file = AtomicFile::create(path);
  if (!file) return Unexpected(file.error());
  return PendingFile(std::move(*file), path);
}

PendingFile::PendingFile(std::unique_ptr<AtomicFile> file, std::filesystem::path path)
    : file_(std::move(file)), path_(std::move(path)) {}
PendingFile::PendingFile(PendingFile&&) noexcept = default;
PendingFile& PendingFile::operator=(PendingFile&&) noexcept = default;
PendingFile::~PendingFile() = default;

Expected<void, std::string> PendingFile::write(std::string_view content) {
  if (std::fwrite(content.data(), 1, content.size(), file_->stream()) != content.size()) {
    return Unexpected(path_.string() + ": " + std::strerror(errno));
  }
  return file_->commit();
}

}  // namespace faultline::reports
