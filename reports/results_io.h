#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "balancer/expected.h"
#include "reports/results.pb.h"

namespace faultline::reports {

// The JSON form of a result: protobuf's JSON mapping with lowerCamelCase names, every field
// printed even when zero (so a field never disappears), one space of indentation per level (as
// protobuf's printer does), a final newline.
// int64 counts print as strings, as the mapping specifies. Deterministic: the same result always
// prints the same bytes.
std::string toJson(const results::RunResult& result);
// One window alone, in the same style.
std::string toJson(const results::Window& window);
// A comparison (faultline compare --json), in the same style.
std::string toJson(const results::ComparisonResult& comparison);

Expected<results::RunResult, std::string> parseResultsJson(std::string_view json);
Expected<results::RunResult, std::string> readResultsFile(const std::filesystem::path& path);

// Either kind of results file: one run (`faultline run --json`) or a comparison (`faultline
// compare --json`), told apart by the comparison's top-level `ranking` and `metricInfo`.
using AnyResults = std::variant<results::RunResult, results::ComparisonResult>;
Expected<AnyResults, std::string> parseAnyResultsJson(std::string_view json);
Expected<AnyResults, std::string> readAnyResultsFile(const std::filesystem::path& path);

// Writes to a temporary file next to `path` and renames it into place, so a reader never sees a
// half-written file and a failed write leaves nothing behind.
Expected<void, std::string> writeFileAtomically(const std::filesystem::path& path,
                                                std::string_view content);

class AtomicFile;

// A file to be written once its content exists, opened now so that a bad path fails before the
// work that fills it. Nothing appears at the path until write() succeeds.
class PendingFile {
 public:
  static Expected<PendingFile, std::string> open(const std::filesystem::path& path);
  Expected<void, std::string> write(std::string_view content);

  PendingFile(PendingFile&&) noexcept;
  PendingFile& operator=(PendingFile&&) noexcept;
  ~PendingFile();

 private:
  explicit PendingFile(std::unique_ptr<AtomicFile> file, std::filesystem::path path);
  std::unique_ptr<AtomicFile> file_;
  std::filesystem::path path_;
};

}  // namespace faultline::reports
