#include "scenarios/text_parser.h"

#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include "scenarios/list_positions.h"

namespace faultline::scenarios {
namespace {

// Keeps protobuf's errors as diagnostics instead of letting the parser print them to stderr.
// Protobuf counts lines and columns from 0.
class DiagnosticCollector final : public google::protobuf::io::ErrorCollector {
 public:
  explicit DiagnosticCollector(const std::string& origin) : origin_(origin) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    std::string location =
        line < 0 ? origin_ : fmt::format("{}:{}:{}", origin_, line + 1, column + 1);
    diagnostics_.push_back({std::move(location), "", printable(message)});
  }

  std::vector<Diagnostic> takeDiagnostics() { return std::move(diagnostics_); }

 private:
  const std::string& origin_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace

Expected<LoadedScenario, LoadError> parseTextScenario(std::string_view text, std::string origin) {
  DiagnosticCollector collector(origin);
  auto positions = std::make_shared<SourceMap::Positions>();
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&positions->tree);

  // The caller bounds the size (16 MiB), so it fits the stream's int.
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  LoadedScenario loaded;
  const bool parsed = parser.Parse(&input, &loaded.scenario);
  std::vector<Diagnostic> diagnostics = collector.takeDiagnostics();
  if (!parsed && diagnostics.empty()) {
    diagnostics.push_back({origin, "", "not a valid text-format scenario"});
  }
  if (!diagnostics.empty()) return Unexpected(LoadError{std::move(diagnostics)});

  recordListElementPositions(text, loaded.scenario, *positions);
  loaded.source_map = SourceMap(origin, std::move(positions));
  loaded.origin = std::move(origin);
  return loaded;
}

}  // namespace faultline::scenarios
