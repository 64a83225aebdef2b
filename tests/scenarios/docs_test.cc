// The full examples in docs/scenarios.md load: the reference cannot drift from the loader.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/loader.h"

namespace faultline::scenarios {
namespace {

std::string readDocs() {
  std::ifstream in(std::filesystem::path(FAULTLINE_DOCS) / "scenarios.md");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first fenced block of `language`, without its fences.
std::string firstBlock(const std::string& markdown, const std::string& language) {
  const std::string fence = "```" + language + "\n";
  const std::size_t start = markdown.find(fence);
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

}  // namespace
}  // namespace faultline::scenarios
