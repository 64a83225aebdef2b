#include "scenarios/json_parser.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

namespace faultline::scenarios {
namespace {

// A scenario nests six levels at most; anything far deeper is hostile or broken, and refusing it
// early keeps every later pass shallow.
constexpr std::size_t kMaxJsonDepth = 64;

struct TextPosition {
  std::size_t line;
  std::size_t column;
};

// 1-based line and column of byte `offset`, columns counted in bytes.
TextPosition positionOf(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t line =
      1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  const std::size_t column =
      line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return {line, column};
}

std::string locationOf(const std::string& origin, std::string_view text, std::size_t offset) {
  const TextPosition position = positionOf(text, offset);
  return fmt::format("{}:{}:{}", origin, position.line, position.column);
}

// nlohmann's message starts with "[json.exception.parse_error.101] parse error at line 1,
// column 5: "; the position is ours to give, so keep what follows.
std::string syntaxMessage(const std::string& what) {
  const std::size_t parse_error = what.find("] ");
  const std::size_t detail = what.find(": ", parse_error == std::string::npos ? 0 : parse_error);
  if (detail == std::string::npos) return printable(what);
  return printable(std::string_view(what).substr(detail + 2));
}

// Syntax pass: events only, no document is built. Tracks the path of the value being read so a
// duplicate key can be named.
class SyntaxChecker final : public nlohmann::json_sax<nlohmann::json> {
 public:
  SyntaxChecker(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }

  bool start_object(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }

  bool key(string_t& key) override {
    Frame& frame = frames_.back();
    frame.key = key;
    if (!frame.keys.insert(key).second) {
      diagnostics_.push_back(
          {origin_, currentPath(),
           fmt::format("duplicate key {} (a JSON object names a field once)", quote(key))});
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) override {
    // `position` counts the bytes read, the offending one included.
    const std::size_t offset = position == 0 ? 0 : position - 1;
    diagnostics_.push_back({locationOf(origin_, text_, offset), "", syntaxMessage(error.what())});
    return false;
  }

  std::vector<Diagnostic> takeDiagnostics() { return std::move(diagnostics_); }

 private:
  struct Frame {
    bool array = false;
    std::size_t next_index = 0;  // arrays: index of the next element
    std::string key;             // objects: key of the value being read
    std::set<std::string> keys;  // objects: keys seen so far
  };

  bool value() {
    if (frames_.empty()) return rootIsNotAnObject();
    if (frames_.back().array) ++frames_.back().next_index;
    return true;
  }

  bool open(bool array) {
    if (frames_.empty() && array) return rootIsNotAnObject();
    if (!frames_.empty() && frames_.back().array) ++frames_.back().next_index;
    if (frames_.size() >= kMaxJsonDepth) {
      diagnostics_.push_back(
          {origin_, currentPath(), fmt::format("nesting deeper than {} levels", kMaxJsonDepth)});
      return false;
    }
    frames_.push_back({array, 0, {}, {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  bool rootIsNotAnObject() {
    const std::size_t first = text_.find_first_not_of(" \t\r\n");
    diagnostics_.push_back({locationOf(origin_, text_, first == std::string_view::npos ? 0 : first),
                            "", "a scenario must be a JSON object ({ ... })"});
    return false;
  }

  // Path of the value being read, in the document's own spelling of keys.
  std::string currentPath() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (frame.array) {
        path += fmt::format("[{}]", frame.next_index == 0 ? 0 : frame.next_index - 1);
        continue;
      }
      if (!path.empty()) path += '.';
      path += frame.key;
    }
    // Keys are the file's own and can be of any length.
    return printable(path);
  }

  std::string_view text_;
  const std::string& origin_;
  std::vector<Frame> frames_;
  std::vector<Diagnostic> diagnostics_;
};

// Protobuf's status reads "(regions[0].backends[0].count): invalid value -1 for type
// TYPE_UINT32" or "(regions[0]) bogus: Cannot find field.": the field path in parentheses, then
// the message. Some messages append a snippet of the input on further lines.
Diagnostic schemaDiagnostic(const std::string& origin, std::string_view status_message) {
  std::string_view message = status_message.substr(0, status_message.find('\n'));
  std::string path;
  if (message.starts_with('(')) {
    const std::size_t close = message.find(')');
    if (close != std::string_view::npos) {
      path = printable(message.substr(1, close - 1));
      message.remove_prefix(close + 1);
    }
  }
  while (!message.empty() && (message.front() == ':' || message.front() == ' ')) {
    message.remove_prefix(1);
  }
  return {origin, std::move(path), printable(message)};
}

}  // namespace

Expected<LoadedScenario, LoadError> parseJsonScenario(std::string_view text, std::string origin) {
  SyntaxChecker checker(text, origin);
  const bool syntax_ok = nlohmann::json::sax_parse(text, &checker);
  std::vector<Diagnostic> diagnostics = checker.takeDiagnostics();
  if (!syntax_ok) {
    if (diagnostics.empty()) diagnostics.push_back({origin, "", "not valid JSON"});
    return Unexpected(LoadError{std::move(diagnostics)});
  }

  LoadedScenario loaded;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &loaded.scenario, options);
  if (!status.ok()) {
    const auto message = status.message();
    diagnostics.push_back(
        schemaDiagnostic(origin, std::string_view(message.data(), message.size())));
  }
  if (!diagnostics.empty()) return Unexpected(LoadError{std::move(diagnostics)});

  loaded.source_map = SourceMap(origin);
  loaded.origin = std::move(origin);
  return loaded;
}

}  // namespace faultline::scenarios
