#include "scenarios/library.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/loader.h"

namespace faultline::scenarios {
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ScenarioLibraryTest, ContainsTheShippedScenariosSortedByName) {
  std::vector<std::string_view> names;
  for (const BuiltinScenario& builtin : builtinScenarios())
    names.push_back(builtin.name);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_THAT(names, ::testing::IsSupersetOf({"bench-3region", "region-outage"}));
}

TEST(ScenarioLibraryTest, EmbedsEveryLibraryFileVerbatim) {
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(FAULTLINE_SCENARIO_LIBRARY)) {
    if (entry.path().extension() != ".textproto") continue;
    const std::string name = entry.path().stem().string();
    on_disk.insert(name);
    const auto builtin = findBuiltin(name);
    ASSERT_TRUE(builtin.has_value()) << name << " is not embedded: re-run cmake";
    EXPECT_EQ(builtin->text, readFile(entry.path())) << name;
  }
  EXPECT_EQ(on_disk.size(), builtinScenarios().size());
}

TEST(ScenarioLibraryTest, EveryBuiltinLoadsAndValidatesUnderItsOwnName) {
  for (const BuiltinScenario& builtin : builtinScenarios()) {
    auto loaded = loadScenario(builtin.name);
    ASSERT_TRUE(loaded.hasValue()) << builtin.name << ":\n" << loaded.error().toString();
    EXPECT_EQ(loaded->scenario.name(), builtin.name);
    EXPECT_FALSE(builtin.description.empty()) << builtin.name;
    EXPECT_EQ(builtin.description, loaded->scenario.description());
  }
}

TEST(ScenarioLibraryTest, DescriptionComesFromTheFile) {
  const auto builtin = findBuiltin("bench-3region");
  ASSERT_TRUE(builtin.has_value());
  EXPECT_EQ(
      builtin->description,
      "The SimPy reference model: 3 regions x 20 backends x 8 workers at load 0.8, P2C, 60 s");
}

TEST(ScenarioLibraryTest, FindBuiltinNeedsTheExactName) {
  EXPECT_TRUE(findBuiltin("region-outage").has_value());
  EXPECT_FALSE(findBuiltin("region").has_value());
  EXPECT_FALSE(findBuiltin("region-outage.textproto").has_value());
  EXPECT_FALSE(findBuiltin("").has_value());
  EXPECT_FALSE(findBuiltin("zzz").has_value());
}

}  // namespace
}  // namespace faultline::scenarios
