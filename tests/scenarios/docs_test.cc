// The full examples in docs/scenarios.md load: the reference cannot drift from the loader.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "scenarios/library.h"
#include "scenarios/loader.h"
#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

std::string readDocs() {
  std::ifstream in(std::filesystem::path(FAULTLINE_DOCS) / "scenarios.md");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first fenced block of `language` after `from`, without its fences.
std::string firstBlock(const std::string& markdown, const std::string& language,
                       std::size_t from = 0) {
  const std::string fence = "```" + language + "\n";
  const std::size_t start = markdown.find(fence, from);
  if (start == std::string::npos) return {};
  const std::size_t body = start + fence.size();
  const std::size_t end = markdown.find("```", body);
  return markdown.substr(body, end == std::string::npos ? std::string::npos : end - body);
}

TEST(ScenarioDocsTest, FullTextExampleLoads) {
  const std::string example = firstBlock(readDocs(), "textproto");
  ASSERT_FALSE(example.empty());
  auto loaded = loadScenarioText(example, "docs/scenarios.md (textproto)", Format::kText);
  EXPECT_TRUE(loaded.hasValue()) << loaded.error().toString();
}

TEST(ScenarioDocsTest, FullJsonExampleLoads) {
  const std::string example = firstBlock(readDocs(), "json");
  ASSERT_FALSE(example.empty());
  auto loaded = loadScenarioText(example, "docs/scenarios.md (json)", Format::kJson);
  EXPECT_TRUE(loaded.hasValue()) << loaded.error().toString();
}

// The incident of "Replaying an incident", in CSV and in JSON, replayed beside the built-in it
// names: both load, to the same faults, after the built-in's own.
TEST(ScenarioDocsTest, ReplayExamplesLoadToTheSameFaults) {
  const std::string docs = readDocs();
  const std::size_t section = docs.find("## Replaying an incident");
  ASSERT_NE(section, std::string::npos);
  const std::string csv = firstBlock(docs, "csv", section);
  const std::string json = firstBlock(docs, "json", section);
  ASSERT_FALSE(csv.empty());
  ASSERT_FALSE(json.empty());
  const auto builtin = findBuiltin("region-outage");
  ASSERT_TRUE(builtin);

  std::vector<scenario::Scenario> loaded;
  for (const auto& [name, text] :
       {std::pair{"incident.csv", csv}, std::pair{"incident.json", json}}) {
    testing::TempFile scenario(
        "s.textproto", std::string(builtin->text) + "replay { timeline: \"" + name + "\" }\n");
    std::ofstream(scenario.directory() / name) << text;
    auto replayed = loadScenarioFile(scenario.path());
    ASSERT_TRUE(replayed.hasValue()) << replayed.error().toString();
    loaded.push_back(replayed->scenario);
  }
  EXPECT_EQ(loaded[0].faults_size(), 5);
  EXPECT_EQ(loaded[0].faults(4).traffic_surge().multiplier(), 2.5);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(loaded[0], loaded[1]));
}

}  // namespace
}  // namespace faultline::scenarios
