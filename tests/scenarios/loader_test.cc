#include "scenarios/loader.h"

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kValidScenario;
using ::testing::SizeIs;
using testing::TempFile;
using testing::testData;

TEST(ScenarioLoaderTest, LoadsValidText) {
  auto loaded = loadScenarioText(kValidScenario, "base.textproto", Format::kText);
  ASSERT_TRUE(loaded.hasValue()) << loaded.error().toString();
  EXPECT_EQ(loaded->origin, "base.textproto");
  EXPECT_EQ(loaded->scenario.name(), "base");
  EXPECT_EQ(loaded->scenario.regions(1).backends(1).group(), "db");
  EXPECT_EQ(loaded->source_map.locate("regions[1].backends[1]"), "base.textproto:20:3");
}

TEST(ScenarioLoaderTest, TextSyntaxErrorHasOneBasedLineAndColumn) {
  const auto path = testData("syntax-error.textproto");
  auto loaded = loadScenarioFile(path);
  ASSERT_FALSE(loaded.hasValue());
  ASSERT_THAT(loaded.error().diagnostics, SizeIs(1));
  const Diagnostic& diagnostic = loaded.error().diagnostics[0];
  EXPECT_EQ(diagnostic.location, path.string() + ":6:35");
  EXPECT_EQ(diagnostic.path, "");
  EXPECT_THAT(diagnostic.message, HasSubstr("Expected integer, got: many"));
}

TEST(ScenarioLoaderTest, TextSyntaxErrorOnTheFirstLine) {
  auto loaded = loadScenarioText("name: \"x\" }", "f.textproto", Format::kText);
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().diagnostics.at(0).location, "f.textproto:1:11");
}

TEST(ScenarioLoaderTest, UnknownTextFieldIsNamed) {
  auto loaded = loadScenarioText("name: \"x\"\nregion { }\n", "f.textproto", Format::kText);
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().diagnostics.at(0).location, ::testing::StartsWith("f.textproto:2:"));
  EXPECT_THAT(loaded.error().diagnostics.at(0).message, HasSubstr("no field named \"region\""));
}

TEST(ScenarioLoaderTest, RuleViolationInTextPointsAtTheField) {
  const auto path = testData("bad-workers.textproto");
  auto loaded = loadScenarioFile(path);
  ASSERT_FALSE(loaded.hasValue());
  ASSERT_THAT(loaded.error().diagnostics, SizeIs(1));
  EXPECT_EQ(loaded.error().diagnostics[0].toString(),
            path.string() + ":9:5: regions[0].backends[0].workers: must be >= 1 (got 0)");
}

TEST(ScenarioLoaderTest, ElementsWrittenAsAListPointAtThemselves) {
  const std::string text = R"txt(name: "z"
duration_s: 1
regions { name: "r"  zones: ["a", "b", "a"]
  backends { group: "g"  count: 1  service_time { constant {} } }
  clients { rate_rps: 1 } }
balancer { locality { failover: BY_ORDER  order: ["r", "x"] } })txt";
  auto loaded = loadScenarioText(text, "z.textproto", Format::kText);
  ASSERT_FALSE(loaded.hasValue());
  ASSERT_THAT(loaded.error().diagnostics, SizeIs(2));
  EXPECT_EQ(loaded.error().diagnostics[0].toString(),
            "z.textproto:3:40: regions[0].zones[2]: duplicate zone \"a\" (also zones[0])");
  EXPECT_EQ(loaded.error().diagnostics[1].location, "z.textproto:6:56");
  EXPECT_THAT(loaded.error().diagnostics[1].message, HasSubstr("unknown region \"x\""));
}

TEST(ScenarioLoaderTest, MissingRequiredFieldPointsAtItsEnclosingMessage) {
  const std::string text = R"txt(name: "m"
duration_s: 1
regions {
  name: "r"
  backends { group: "g"  count: 1 }
  clients { rate_rps: 1 }
})txt";
  auto loaded = loadScenarioText(text, "m.textproto", Format::kText);
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().diagnostics,
              ElementsAre(diagnosticAt("regions[0].backends[0].service_time", "is required")));
  EXPECT_EQ(loaded.error().diagnostics[0].location, "m.textproto:5:3");
}

TEST(ScenarioLoaderTest, AllRuleViolationsAreReported) {
  std::string text(kValidScenario);
  text.replace(text.find("workers: 2"), 10, "workers: 0");
  text.replace(text.find("duration_s: 100"), 15, "duration_s: -1");
  text.replace(text.find("availability: 0.999"), 19, "availability: 2");
  auto loaded = loadScenarioText(text, "many.textproto", Format::kText);
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().diagnostics,
              ElementsAre(diagnosticAt("duration_s", "must be > 0 (got -1)"),
                          diagnosticAt("regions[0].backends[0].workers", "must be >= 1 (got 0)"),
                          diagnosticAt("slo.availability", "must be <= 1 (got 2)")));
  EXPECT_EQ(loaded.error().diagnostics[0].location, "many.textproto:4:1");
  EXPECT_EQ(
      loaded.error().toString().find("many.textproto:4:1: duration_s: must be > 0 (got -1)\n"), 0u);
}

TEST(ScenarioLoaderTest, EmptyOriginReadsInput) {
  auto loaded = loadScenarioText("name: 1", "", Format::kText);
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().diagnostics.at(0).location, "<input>:1:7");
}

TEST(ScenarioLoaderTest, ByteOrderMarkIsSkipped) {
  const std::string text = "\xEF\xBB\xBF" + std::string(kValidScenario);
  EXPECT_TRUE(loadScenarioText(text, "bom.textproto", Format::kText).hasValue());
}

TEST(ScenarioLoaderTest, FormatFollowsTheExtension) {
  // Text format in a .json file is read as JSON, and fails as JSON: "name" is no JSON literal,
  // which shows at its second letter.
  TempFile json("scenario.json", kValidScenario);
  auto as_json = loadScenarioFile(json.path());
  ASSERT_FALSE(as_json.hasValue());
  EXPECT_EQ(as_json.error().diagnostics.at(0).location, json.path().string() + ":2:2");

  for (const char* name : {"s.textproto", "s.txtpb", "s.pbtxt", "s.txt", "S.TEXTPROTO"}) {
    TempFile text(name, kValidScenario);
    auto loaded = loadScenarioFile(text.path());
    EXPECT_TRUE(loaded.hasValue()) << name << ": " << loaded.error().toString();
  }
}

TEST(ScenarioLoaderTest, OtherExtensionsAreSniffed) {
  TempFile text("scenario.cfg", kValidScenario);
  auto loaded_text = loadScenarioFile(text.path());
  EXPECT_TRUE(loaded_text.hasValue()) << loaded_text.error().toString();

  TempFile json("scenario", "  \n{\"name\": \"x\", \"bogus\": 1}");
  auto loaded_json = loadScenarioFile(json.path());
  ASSERT_FALSE(loaded_json.hasValue());
  EXPECT_THAT(loaded_json.error().diagnostics.at(0).message, HasSubstr("bogus"));
}

TEST(ScenarioLoaderTest, MissingFileReportsThePathAndTheReason) {
  const std::filesystem::path path = "/nonexistent/dir/scenario.textproto";
  auto loaded = loadScenarioFile(path);
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().toString(),
            "/nonexistent/dir/scenario.textproto: cannot open: No such file or directory");
}

TEST(ScenarioLoaderTest, DirectoryIsNotAScenario) {
  TempFile file("x.textproto", "");
  auto loaded = loadScenarioFile(file.directory());
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().toString(), HasSubstr("is a directory"));
}

TEST(ScenarioLoaderTest, OversizedInputIsRefused) {
  const std::string huge(kMaxScenarioBytes + 1, ' ');
  auto text = loadScenarioText(huge, "huge.textproto", Format::kText);
  ASSERT_FALSE(text.hasValue());
  EXPECT_THAT(text.error().toString(),
              HasSubstr("huge.textproto: scenario is larger than 16777216 bytes"));

  TempFile file("huge.textproto", huge);
  auto loaded = loadScenarioFile(file.path());
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().toString(), HasSubstr("file is larger than 16777216 bytes"));
}

TEST(ScenarioLoaderTest, EndlessDeviceIsCutOff) {
  if (!std::filesystem::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  auto loaded = loadScenarioFile("/dev/zero");
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().toString(), HasSubstr("file is larger than"));
}

TEST(ScenarioLoaderTest, LoadScenarioFindsBuiltinsByName) {
  auto loaded = loadScenario("region-outage");
  ASSERT_TRUE(loaded.hasValue()) << loaded.error().toString();
  EXPECT_EQ(loaded->origin, "region-outage");
  EXPECT_EQ(loaded->scenario.name(), "region-outage");
  EXPECT_EQ(loaded->source_map.locate("regions[1].name"), "region-outage:21:3");
}

TEST(ScenarioLoaderTest, LoadScenarioReadsFiles) {
  TempFile file("mine.textproto", kValidScenario);
  auto loaded = loadScenario(file.path().string());
  ASSERT_TRUE(loaded.hasValue()) << loaded.error().toString();
  EXPECT_EQ(loaded->origin, file.path().string());
  EXPECT_EQ(loaded->scenario.name(), "base");
}

TEST(ScenarioLoaderTest, NeitherBuiltinNorFileListsTheBuiltins) {
  auto loaded = loadScenario("region-outag");
  ASSERT_FALSE(loaded.hasValue());
  ASSERT_THAT(loaded.error().diagnostics, SizeIs(1));
  const Diagnostic& diagnostic = loaded.error().diagnostics[0];
  EXPECT_EQ(diagnostic.location, "region-outag");
  EXPECT_THAT(diagnostic.message, HasSubstr("no built-in scenario or file of that name"));
  for (const BuiltinScenario& builtin : builtinScenarios()) {
    EXPECT_THAT(diagnostic.message, HasSubstr(std::string(builtin.name)));
  }
  EXPECT_THAT(diagnostic.message,
              HasSubstr("bench-3region, cascading-failover, cross-region-partition"));
}

TEST(ScenarioLoaderTest, EmptyOrNulNamesAreRefused) {
  EXPECT_FALSE(loadScenario("").hasValue());
  auto loaded = loadScenario(std::string_view("region-outage\0x", 15));
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().diagnostics.at(0).location, "region-outage\\x00x");
}

// A scenario whose east clients replay a trace file next to it.
std::string withTrace(const std::string& trace) {
  std::string text(kValidScenario);
  const std::string from = "clients { rate_rps: 100  timeout_ms: 1000 }";
  text.replace(text.find(from), from.size(),
               "clients { timeout_ms: 1000  trace { " + trace + " } }");
  return text;
}

TEST(ScenarioLoaderTest, ATraceFileIsReadRelativeToTheScenario) {
  TempFile scenario("s.textproto", withTrace("csv: \"rates.csv\""));
  std::ofstream(scenario.directory() / "rates.csv") << "second,west,east\n0,1,10\n1,2,20\n";
  auto loaded = loadScenarioFile(scenario.path());
  ASSERT_TRUE(loaded.hasValue()) << loaded.error().toString();
  EXPECT_THAT(loaded->scenario.regions(0).clients().trace().rates_rps(), ElementsAre(10, 20));
}

TEST(ScenarioLoaderTest, ABadTraceIsReportedAtItsFileLineAndColumn) {
  TempFile scenario("s.textproto", withTrace("csv: \"rates.csv\""));
  std::ofstream(scenario.directory() / "rates.csv") << "second,east\n0,10\n1,fast\n";
  auto loaded = loadScenarioFile(scenario.path());
  ASSERT_FALSE(loaded.hasValue());
  const auto& diagnostic = loaded.error().diagnostics.front();
  EXPECT_EQ(diagnostic.location, (scenario.directory() / "rates.csv").string() + ":3:3");
  EXPECT_EQ(diagnostic.path, "regions[0].clients.trace.csv");
}

TEST(ScenarioLoaderTest, AMissingTraceIsReportedAtTheField) {
  TempFile scenario("s.textproto", withTrace("csv: \"none.csv\""));
  auto loaded = loadScenarioFile(scenario.path());
  ASSERT_FALSE(loaded.hasValue());
  const auto& diagnostic = loaded.error().diagnostics.front();
  EXPECT_THAT(diagnostic.toString(), HasSubstr("s.textproto:"));
  EXPECT_THAT(diagnostic.toString(), HasSubstr("regions[0].clients.trace.csv"));
  EXPECT_THAT(diagnostic.message, HasSubstr("cannot open"));
}

TEST(ScenarioLoaderTest, ATraceNameWithANulByteIsRefused) {
  // rates.csv exists; "rates.csv\0x" must not open it as if the rest were not there.
  TempFile scenario("s.textproto", withTrace(R"(csv: "rates.csv\000x")"));
  std::ofstream(scenario.directory() / "rates.csv") << "second,east\n0,10\n";
  auto loaded = loadScenarioFile(scenario.path());
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().diagnostics.front().path, "regions[0].clients.trace.csv");
  EXPECT_THAT(loaded.error().toString(), HasSubstr("cannot contain a NUL byte"));
}

TEST(ScenarioLoaderTest, ATraceGivesACsvOrRatesNotBoth) {
  TempFile scenario("s.textproto", withTrace("csv: \"rates.csv\" rates_rps: [1, 2]"));
  auto loaded = loadScenarioFile(scenario.path());
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().toString(), HasSubstr("give csv or rates_rps, not both"));
}

}  // namespace
}  // namespace faultline::scenarios
