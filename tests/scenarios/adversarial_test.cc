// Scenario files are untrusted input (DESIGN.md, "Errors"): whatever the bytes, loading ends in a
// value or diagnostics, quickly, without a crash. Run these under -fsanitize=address,undefined.
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/loader.h"
#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using ::testing::Contains;
using testing::diagnosticAt;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kValidScenario;
using ::testing::Not;
using testing::TempFile;

LoadError loadError(std::string_view text, Format format) {
  auto loaded = loadScenarioText(text, "evil", format);
  EXPECT_FALSE(loaded.hasValue());
  if (loaded.hasValue()) return {};
  EXPECT_THAT(loaded.error().diagnostics, Not(IsEmpty()));
  return loaded.error();
}

// `prefix`, then `piece` `times` times. (Built by appending: GCC 12 at -O2 warns falsely on
// "literal" + std::string here.)
std::string repeat(std::string_view piece, std::size_t times, std::string_view prefix = {}) {
  std::string out(prefix);
  out.reserve(prefix.size() + piece.size() * times);
  for (std::size_t i = 0; i < times; ++i)
    out += piece;
  return out;
}

TEST(ScenarioAdversarialTest, EmptyTextIsAnEmptyScenarioWithEveryRequiredFieldMissing) {
  const LoadError error = loadError("", Format::kText);
  EXPECT_THAT(error.diagnostics, Contains(diagnosticAt("name", "is required")));
  EXPECT_THAT(error.diagnostics, Contains(diagnosticAt("duration_s", "must be > 0 (got 0)")));
  EXPECT_THAT(error.diagnostics, Contains(diagnosticAt("regions", "at least one region")));
}

TEST(ScenarioAdversarialTest, EmptyFileAndEmptyJson) {
  TempFile file("empty.textproto", "");
  auto loaded = loadScenarioFile(file.path());
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().diagnostics, Contains(diagnosticAt("name", "is required")));

  const LoadError json = loadError("", Format::kJson);
  EXPECT_EQ(json.diagnostics.at(0).location, "evil:1:1");
  loadError("   \n\t ", Format::kJson);
}

TEST(ScenarioAdversarialTest, BinaryGarbage) {
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 200; ++round) {
    std::string garbage(static_cast<std::size_t>(1 + round * 37), '\0');
    for (char& c : garbage)
      c = static_cast<char>(byte(random));
    loadError(garbage, Format::kText);
    loadError(garbage, Format::kJson);
    // Garbage behind a good opening.
    loadError("{\"name\": " + garbage, Format::kJson);
    loadError("name: \"" + garbage, Format::kText);
  }
}

TEST(ScenarioAdversarialTest, DeeplyNestedBraces) {
  for (const std::size_t depth : {200u, 100'000u}) {
    loadError(repeat("regions { ", depth), Format::kText);
    loadError(repeat("{", depth), Format::kText);
    loadError(repeat("[", depth), Format::kJson);
    loadError(repeat("{", depth), Format::kJson);
    const LoadError nested = loadError(repeat("\"a\": {", depth, "{"), Format::kJson);
    EXPECT_THAT(nested.toString(), HasSubstr("nesting deeper than 64 levels"));
    loadError(repeat("\"regions\": [{", depth, "{"), Format::kJson);
  }
}

TEST(ScenarioAdversarialTest, HugeNumbers) {
  const LoadError too_big_uint =
      loadError("regions { backends { count: 99999999999999999999999 } }", Format::kText);
  EXPECT_THAT(too_big_uint.toString(), HasSubstr("evil:1:29"));
  // A double too large for a double is infinite, which the validator refuses.
  const LoadError infinite =
      loadError(std::string(kValidScenario) + "duration_s: 1e999", Format::kText);
  EXPECT_THAT(infinite.diagnostics.at(0).message, HasSubstr("specified multiple times"));
  std::string text(kValidScenario);
  text.replace(text.find("duration_s: 100"), 15, "duration_s: 1e999");
  EXPECT_THAT(loadError(text, Format::kText).diagnostics,
              Contains(diagnosticAt("duration_s", "must be a finite number (got inf)")));

  const LoadError json_overflow = loadError(R"({"durationS": 1e999})", Format::kJson);
  // nlohmann stops at the last digit of the number.
  EXPECT_EQ(json_overflow.diagnostics.at(0).location, "evil:1:19");
  EXPECT_THAT(json_overflow.diagnostics.at(0).message, HasSubstr("number overflow"));
  loadError(R"({"seed": 18446744073709551616})", Format::kJson);
  loadError(R"({"regions": [{"backends": [{"count": 1e30}]}]})", Format::kJson);
  loadError(R"({"regions": [{"backends": [{"count": 4294967296}]}]})", Format::kJson);
}

TEST(ScenarioAdversarialTest, NanAndInfinityInDoubles) {
  std::string text(kValidScenario);
  text.replace(text.find("rate_rps: 100"), 13, "rate_rps: nan");
  text.replace(text.find("one_way_ms: 30"), 14, "one_way_ms: -inf");
  EXPECT_THAT(
      loadError(text, Format::kText).diagnostics,
      ::testing::ElementsAre(
          diagnosticAt("regions[0].clients.rate_rps", "must be a finite number (got nan)"),
          diagnosticAt("network.links[0].one_way_ms", "must be a finite number (got -inf)")));

  const LoadError json = loadError(
      R"({"durationS": "NaN", "warmupS": "Infinity", "windowS": "-Infinity"})", Format::kJson);
  EXPECT_THAT(json.diagnostics,
              Contains(diagnosticAt("duration_s", "must be a finite number (got nan)")));
  EXPECT_THAT(json.diagnostics,
              Contains(diagnosticAt("warmup_s", "must be a finite number (got inf)")));
  EXPECT_THAT(json.diagnostics,
              Contains(diagnosticAt("window_s", "must be a finite number (got -inf)")));
  // NaN as a bare literal is not JSON.
  EXPECT_EQ(loadError(R"({"durationS": NaN})", Format::kJson).diagnostics.at(0).location,
            "evil:1:15");
}

TEST(ScenarioAdversarialTest, NegativeNumbersInUnsignedFields) {
  const LoadError text = loadError("regions { backends { count: -1 } }", Format::kText);
  EXPECT_EQ(text.diagnostics.at(0).location, "evil:1:29");
  EXPECT_THAT(text.diagnostics.at(0).message, HasSubstr("Expected integer"));

  const LoadError json =
      loadError(R"({"regions": [{"backends": [{"count": -1}]}]})", Format::kJson);
  EXPECT_THAT(json.diagnostics, ::testing::ElementsAre(diagnosticAt("regions[0].backends[0].count",
                                                                    "invalid value -1")));
  loadError(R"({"seed": "-1"})", Format::kJson);
  loadError(R"({"balancer": {"leastRequest": {"choiceCount": -5}}})", Format::kJson);
}

TEST(ScenarioAdversarialTest, HostileStringsAreEscapedAndCut) {
  std::string text(kValidScenario);
  const std::string hostile = "\x1b[2J" + std::string(10'000, 'x');
  text.replace(text.find("name: \"east\""), 12, "name: \"" + hostile + "\"");
  const LoadError error = loadError(text, Format::kText);
  const std::string printed = error.toString();
  EXPECT_THAT(printed, HasSubstr("\\x1b[2J"));
  EXPECT_THAT(printed, Not(HasSubstr("\x1b")));
  EXPECT_LT(printed.size(), 4000u);

  // Invalid UTF-8 is a JSON syntax error, and its echo is escaped too.
  const LoadError json = loadError("{\"name\": \"\xff\xfe\"}", Format::kJson);
  EXPECT_THAT(json.toString(), Not(HasSubstr("\xff")));
}

TEST(ScenarioAdversarialTest, HugeKeysAreCutInMessages) {
  const std::string key(1'000'000, 'k');
  std::string duplicate = "{\"";
  duplicate += key + "\": 1, \"" + key + "\": 2}";
  EXPECT_LT(loadError(duplicate, Format::kJson).toString().size(), 1000u);
  std::string unknown = "{\"regions\": [{\"";
  unknown += key + "\": 1}]}";
  const LoadError error = loadError(unknown, Format::kJson);
  EXPECT_LT(error.toString().size(), 1000u);
  EXPECT_EQ(error.diagnostics.at(0).path, "regions[0]");
  std::string text = "name: \"";
  text += key + "\" " + key + ": 1";
  EXPECT_LT(loadError(text, Format::kText).toString().size(), 2000u);
}

TEST(ScenarioAdversarialTest, ManyRegionsStayFast) {
  // 50,000 regions and no links: the pair rule must not enumerate 1.25 billion pairs.
  std::string text = "name: \"wide\" duration_s: 1 ";
  for (int i = 0; i < 50'000; ++i)
    text += "regions { name: \"r" + std::to_string(i) + "\" } ";
  const LoadError error = loadError(text, Format::kText);
  EXPECT_THAT(error.diagnostics,
              Contains(diagnosticAt("network.links", "more pairs of regions without a link")));
  EXPECT_LT(error.diagnostics.size(), 20u);
}

TEST(ScenarioAdversarialTest, ManyFaultsAgainstManyGroupsStayFast) {
  std::string text(kValidScenario);
  for (int i = 0; i < 20'000; ++i) {
    text += "regions { name: \"east\" backends { group: \"g" + std::to_string(i) +
            "\" count: 1 service_time { constant { value_ms: 1 } } } } ";
  }
  for (int i = 0; i < 20'000; ++i) {
    text += "faults { host_crash { hosts { group: \"g" + std::to_string(i) + "\" count: 1 } } } ";
  }
  const LoadError error = loadError(text, Format::kText);
  // Too many regions and faults, and the region name repeats; each fault selects one host and is
  // otherwise fine.
  EXPECT_EQ(error.diagnostics.size(), 20'002u);
  EXPECT_THAT(error.diagnostics[0], diagnosticAt("regions", "at most 100 regions (got 20002)"));
  EXPECT_THAT(error.diagnostics[1],
              diagnosticAt("regions[2].name", "duplicate region name \"east\""));
  EXPECT_THAT(error.diagnostics.back(), diagnosticAt("faults", "at most 1000 faults (got 20001)"));
}

}  // namespace
}  // namespace faultline::scenarios
