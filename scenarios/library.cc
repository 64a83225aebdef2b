#include "scenarios/library.h"

#include <algorithm>
#include <string>
#include <vector>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "scenarios/embedded_library.h"
#include "scenarios/scenario.pb.h"

namespace faultline::scenarios {
namespace {

// A built-in that does not parse shows up in its own load (and fails the library tests); listing
// it must stay quiet.
class SilentErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

std::string descriptionOf(std::string_view text) {
  scenario::Scenario scenario;
  SilentErrors errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.AllowPartialMessage(true);
  if (!parser.ParseFromString(std::string(text), &scenario)) return {};
  return scenario.description();
}

class Library {
 public:
  Library() {
    const std::span<const detail::EmbeddedFile> files = detail::embeddedLibrary();
    // Reserved up front: entries view into these strings, which must not move.
    descriptions_.reserve(files.size());
    for (const detail::EmbeddedFile& file : files) {
      descriptions_.push_back(descriptionOf(file.text));
      entries_.push_back({file.stem, descriptions_.back(), file.text});
    }
    std::sort(entries_.begin(), entries_.end(),
              [](const BuiltinScenario& a, const BuiltinScenario& b) { return a.name < b.name; });
  }

  std::span<const BuiltinScenario> entries() const { return entries_; }

 private:
  std::vector<std::string> descriptions_;
  std::vector<BuiltinScenario> entries_;
};

}  // namespace

std::span<const BuiltinScenario> builtinScenarios() {
  static const Library library;
  return library.entries();
}

std::optional<BuiltinScenario> findBuiltin(std::string_view name) {
  const std::span<const BuiltinScenario> entries = builtinScenarios();
  const auto it = std::lower_bound(
      entries.begin(), entries.end(), name,
      [](const BuiltinScenario& entry, std::string_view key) { return entry.name < key; });
  if (it == entries.end() || it->name != name) return std::nullopt;
  return *it;
}

}  // namespace faultline::scenarios
