#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/diagnostic.h"
#include "scenarios/source_map.h"

namespace faultline::scenarios {

// Bounds of a number; each one set is a rule.
struct Bounds {
  std::optional<double> above = {};     // value > above
  std::optional<double> at_least = {};  // value >= at_least
  std::optional<double> at_most = {};   // value <= at_most
  std::optional<double> below = {};     // value < below
};

// Integral values print as integers ("3000", not "3e+03"); others as the shortest decimal that
// reads back exactly ("0.001", "nan", "inf").
std::string formatNumber(double value);

// "a, b, c": names for a message, escaped and cut, at most ten of them.
std::string nameList(const std::vector<std::string_view>& names);

// [a-z0-9]
bool isLowerAlnum(char c);

// Every character of `text` satisfies `predicate`.
template <typename Predicate>
bool allOf(std::string_view text, Predicate predicate) {
  for (char c : text) {
    if (!predicate(c)) return false;
  }
  return true;
}

// States rules the way the loader reports them: each check reports the first rule a value
// breaks, as "<rule> (got <value>)" at the value's field path and source location, and says
// whether the value passed. The scenario's own rules (validator.cc) are written with these.
class RuleChecker {
 public:
  explicit RuleChecker(const SourceMap& source_map) : source_map_(source_map) {}

  void report(std::string path, std::string message);

  // Every number must also be finite: NaN and infinity would slip past comparisons and poison
  // the simulation.
  bool checkNumber(const std::string& path, double value, const Bounds& bounds);
  bool checkCount(const std::string& path, std::uint64_t value, std::uint64_t min,
                  std::uint64_t max);
  // Names of regions, zones and groups: non-empty, [A-Za-z0-9._-]+, at most 64 characters.
  // They end up in host names ("us-east/api-3") and selectors.
  bool checkLabel(const std::string& path, std::string_view value);
  // Free text (descriptions, labels in results): valid UTF-8 of at most `max_chars` characters.
  bool checkFreeText(const std::string& path, std::string_view value, std::size_t max_chars);

  std::vector<Diagnostic> takeDiagnostics() { return std::move(diagnostics_); }

 private:
  const SourceMap& source_map_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace faultline::scenarios
