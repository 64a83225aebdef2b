#include <string>

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "scenarios/loader.h"
#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using testing::testData;

Expected<LoadedScenario, LoadError> loadJson(std::string_view text) {
  return loadScenarioText(text, "s.json", Format::kJson);
}

TEST(ScenarioJsonLoaderTest, JsonEquivalentOfTheTextScenarioIsIdentical) {
  auto from_json = loadScenarioFile(testData("region-outage.json"));
  ASSERT_TRUE(from_json.hasValue()) << from_json.error().toString();
  auto from_text = loadScenario("region-outage");
  ASSERT_TRUE(from_text.hasValue()) << from_text.error().toString();
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(from_json->scenario, from_text->scenario)) << differences;
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(from_json->scenario, from_text->scenario));
}

TEST(ScenarioJsonLoaderTest, SyntaxErrorHasLineAndColumn) {
  const auto path = testData("syntax-error.json");
  auto loaded = loadScenarioFile(path);
  ASSERT_FALSE(loaded.hasValue());
  ASSERT_THAT(loaded.error().diagnostics, SizeIs(1));
  const Diagnostic& diagnostic = loaded.error().diagnostics[0];
  EXPECT_EQ(diagnostic.location, path.string() + ":3:19");
  EXPECT_EQ(diagnostic.path, "");
  EXPECT_THAT(diagnostic.message, HasSubstr("syntax error while parsing object key"));
  EXPECT_THAT(diagnostic.message, ::testing::Not(HasSubstr("json.exception")));
}

TEST(ScenarioJsonLoaderTest, UnexpectedEndPointsAtTheEnd) {
  auto loaded = loadJson("{\n  \"name\": \"x\",\n");
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().diagnostics.at(0).location, "s.json:3:1");
  EXPECT_THAT(loaded.error().diagnostics.at(0).message, HasSubstr("unexpected end of input"));
}

TEST(ScenarioJsonLoaderTest, UnknownFieldIsNamedWithItsPath) {
  auto loaded = loadJson(R"({"name": "x", "regions": [{"name": "a", "bogus": 1}]})");
  ASSERT_FALSE(loaded.hasValue());
  ASSERT_THAT(loaded.error().diagnostics, SizeIs(1));
  const Diagnostic& diagnostic = loaded.error().diagnostics[0];
  EXPECT_EQ(diagnostic.location, "s.json");
  EXPECT_EQ(diagnostic.path, "regions[0]");
  EXPECT_THAT(diagnostic.message, HasSubstr("bogus"));
  EXPECT_THAT(diagnostic.message, HasSubstr("Cannot find field"));
  EXPECT_THAT(diagnostic.message, ::testing::Not(HasSubstr("INVALID_ARGUMENT")));
}

TEST(ScenarioJsonLoaderTest, UnknownTopLevelField) {
  auto loaded = loadJson(R"({"name": "x", "durationSeconds": 1})");
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().toString(), "s.json: durationSeconds: Cannot find field.");
}

TEST(ScenarioJsonLoaderTest, WrongTypeIsReportedWithThePath) {
  auto loaded = loadJson(R"({"regions": [{"backends": [{"count": "many"}]}]})");
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().diagnostics,
              ElementsAre(diagnosticAt("regions[0].backends[0].count", "invalid value \"many\"")));
}

TEST(ScenarioJsonLoaderTest, DuplicateKeysAreRefused) {
  auto loaded = loadJson(
      R"({"name": "a", "regions": [{"name": "r"}, {"name": "s", "name": "t"}], "name": "b"})");
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_THAT(loaded.error().diagnostics,
              ElementsAre(diagnosticAt("regions[1].name", "duplicate key \"name\""),
                          diagnosticAt("name", "duplicate key \"name\"")));
}

TEST(ScenarioJsonLoaderTest, TopLevelMustBeAnObject) {
  auto loaded = loadJson("\n  [1, 2]");
  ASSERT_FALSE(loaded.hasValue());
  EXPECT_EQ(loaded.error().toString(), "s.json:2:3: a scenario must be a JSON object ({ ... })");
  EXPECT_FALSE(loadJson("3").hasValue());
  EXPECT_FALSE(loadJson("null").hasValue());
}

TEST(ScenarioJsonLoaderTest, RuleViolationsCarryThePathAndTheFile) {
  auto loaded = loadScenarioFile(testData("region-outage.json"));
  ASSERT_TRUE(loaded.hasValue());
  scenario::Scenario s = loaded->scenario;
  s.mutable_regions(2)->mutable_backends(0)->set_workers(0);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(s, &json).ok());
  auto reloaded = loadJson(json);
  ASSERT_FALSE(reloaded.hasValue());
  ASSERT_THAT(reloaded.error().diagnostics, SizeIs(1));
  EXPECT_EQ(reloaded.error().diagnostics[0].toString(),
            "s.json: regions[2].backends[0].workers: must be >= 1 (got 0)");
}

TEST(ScenarioJsonLoaderTest, EnumsByNameOrNumber) {
  const std::string base =
      R"({"name": "e", "durationS": 1, "regions": [{"name": "r", "backends": [{"group": "g",
      "count": 1, "serviceTime": {"constant": {}}}], "clients": {"rateRps": 1}}], "balancer": {"locality": )";
  auto by_name = loadJson(base + R"({"failover": "LOCAL_ONLY"}}})");
  ASSERT_TRUE(by_name.hasValue()) << by_name.error().toString();
  EXPECT_EQ(by_name->scenario.balancer().locality().failover(), scenario::Locality::LOCAL_ONLY);
  auto out_of_range = loadJson(base + R"({"failover": 7}}})");
  ASSERT_FALSE(out_of_range.hasValue());
  EXPECT_THAT(out_of_range.error().diagnostics,
              ElementsAre(diagnosticAt("balancer.locality.failover", "(got 7)")));
  auto unknown_name = loadJson(base + R"({"failover": "NEAREST"}}})");
  ASSERT_FALSE(unknown_name.hasValue());
  EXPECT_THAT(unknown_name.error().diagnostics.at(0).message, HasSubstr("NEAREST"));
}

}  // namespace
}  // namespace faultline::scenarios
