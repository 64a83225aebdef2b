// `faultline scenarios list|show|validate` and `faultline strategies`.

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "balancer/strategy_registry.h"
#include "cli/exit_codes.h"
#include "scenarios/library.h"
#include "scenarios/loader.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kTinyScenario;
using testing::kTinyScenarioJson;
using ::testing::Not;
using testing::runCommand;
using ::testing::StartsWith;
using testing::TempDir;

// "a, b, c": the built-ins' names, as errors list them.
std::string builtinNames() {
  std::string names;
  for (const auto& builtin : scenarios::builtinScenarios()) {
    if (!names.empty()) names += ", ";
    names += builtin.name;
  }
  return names;
}

TEST(CliScenariosTest, ListNamesEachBuiltinWithItsDescription) {
  const auto result = runCommand({"scenarios", "list"});
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_THAT(result.err, IsEmpty());
  // One line per built-in, sorted by name, the descriptions in one column after the longest name.
  const auto& builtins = scenarios::builtinScenarios();
  std::size_t width = 0;
  for (const auto& builtin : builtins)
    width = std::max(width, builtin.name.size());
  std::string expected;
  for (const auto& builtin : builtins) {
    const auto loaded = scenarios::loadScenario(builtin.name);
    ASSERT_TRUE(loaded) << builtin.name;
    expected += std::string(builtin.name) + std::string(width + 2 - builtin.name.size(), ' ') +
                loaded->scenario.description() + "\n";
  }
  EXPECT_EQ(result.out, expected);
  EXPECT_THAT(result.out, HasSubstr("\nregion-outage           us-east goes dark for two minutes"));
  EXPECT_GE(builtins.size(), 12u);
}

TEST(CliScenariosTest, ShowPrintsTextThatLoadsBackToTheSameScenario) {
  const auto result = runCommand({"scenarios", "show", "region-outage"});
  ASSERT_EQ(result.exit_code, kExitOk) << result.err;
  EXPECT_THAT(result.out, HasSubstr("name: \"region-outage\""));
  EXPECT_THAT(result.out, ::testing::EndsWith("\n"));
  auto shown = scenarios::loadScenarioText(result.out, "shown", scenarios::Format::kText);
  ASSERT_TRUE(shown.hasValue()) << shown.error().toString();
  auto builtin = scenarios::loadScenario("region-outage");
  ASSERT_TRUE(builtin.hasValue()) << builtin.error().toString();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(shown->scenario, builtin->scenario))
      << shown->scenario.DebugString();
  EXPECT_EQ(shown->scenario.regions_size(), 3);
  EXPECT_EQ(shown->scenario.balancer().strategy(), "least-request");
}

TEST(CliScenariosTest, ShowWritesAFileThatRunsLikeTheBuiltin) {
  const TempDir dir;
  const auto shown = runCommand({"scenarios", "show", "region-outage"});
  const auto file = dir.write("copy.textproto", shown.out);
  const auto from_file = runCommand({"run", file.string(), "--duration", "20s", "--json", "-"});
  const auto builtin = runCommand({"run", "region-outage", "--duration", "20s", "--json", "-"});
  ASSERT_EQ(from_file.exit_code, kExitOk) << from_file.err;
  EXPECT_EQ(from_file.out, builtin.out);
}

TEST(CliScenariosTest, ShowUnknownScenarioIsBadInput) {
  const auto result = runCommand({"scenarios", "show", "nope"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_EQ(result.err, "faultline scenarios show: no built-in scenario \"nope\" (built-in: " +
                            builtinNames() + ")\n");
}

TEST(CliScenariosTest, ValidateReportsEachFile) {
  const TempDir dir;
  const auto good = dir.write("good.textproto", kTinyScenario);
  std::string broken(kTinyScenario);
  broken.replace(broken.find("workers: 2"), 10, "workers: 0");
  const auto bad = dir.write("bad.textproto", broken);
  const auto result = runCommand({"scenarios", "validate", good.string(), bad.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, HasSubstr(good.string() + ": ok ("));
  EXPECT_THAT(result.out, HasSubstr("2 hosts, 0 faults, strategy round-robin)"));
  EXPECT_THAT(result.out, Not(HasSubstr("bad.textproto")));
  EXPECT_EQ(result.err,
            bad.string() + ":7:38: regions[0].backends[0].workers: must be >= 1 (got 0)\n");
}

TEST(CliScenariosTest, ValidateGoesOnAfterABadFile) {
  const TempDir dir;
  const auto missing = dir / "missing.textproto";
  const auto good = dir.write("good.json", kTinyScenarioJson);
  const auto result = runCommand({"scenarios", "validate", missing.string(), good.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, StartsWith(missing.string() + ": "));
  EXPECT_THAT(result.out, StartsWith(good.string() + ": ok ("));
}

TEST(CliScenariosTest, ValidateRunsTheEnginesChecksToo) {
  // The loader knows nothing of strategies; validate must catch what `run` would.
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("\"round-robin\""), 13, "\"fastest\"");
  const auto file = dir.write("fastest.textproto", text);
  const auto result = runCommand({"scenarios", "validate", file.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith(file.string() +
                                     ":10:12: balancer.strategy: unknown strategy \"fastest\""));
}

TEST(CliScenariosTest, ValidateReadsAReplayedTimeline) {
  const TempDir dir;
  const auto timeline =
      dir.write("incident.json",
                "[\n"
                "  {\"start_s\": 1, \"kind\": \"region_outage\", \"target\": \"r\"},\n"
                "  {\"start_s\": 2, \"kind\": \"brownout\", \"capacity_los\": 0.5},\n"
                "  {\"start_s\": 2, \"kind\": \"zone_outage\", \"target\": \"r/b\"}\n"
                "]\n");
  const auto file = dir.write(
      "s.textproto", std::string(kTinyScenario) + "replay { timeline: \"incident.json\" }\n");
  auto result = runCommand({"scenarios", "validate", file.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_EQ(result.err,
            timeline.string() +
                ":3:38: replay.timeline: capacity_los: not a parameter of brownout (its "
                "parameters: capacity_loss, hosts.region, hosts.zone, hosts.group, "
                "hosts.count, hosts.percent)\n");
  dir.write("incident.json", "[{\"start_s\": 1, \"kind\": \"region_outage\", \"target\": \"r\"}]");
  result = runCommand({"scenarios", "validate", file.string()});
  EXPECT_EQ(result.exit_code, kExitOk) << result.err;
  EXPECT_EQ(result.out,
            file.string() + ": ok (1 region, 2 hosts, 1 fault, strategy round-robin)\n");
}

TEST(CliScenariosTest, ValidateOfGoodFilesIsOk) {
  const TempDir dir;
  const auto text = dir.write("good.textproto", kTinyScenario);
  const auto json = dir.write("good.json", kTinyScenarioJson);
  const auto result = runCommand({"scenarios", "validate", text.string(), json.string()});
  EXPECT_EQ(result.exit_code, kExitOk) << result.err;
  EXPECT_THAT(result.err, IsEmpty());
  EXPECT_EQ(result.out,
            text.string() + ": ok (1 region, 2 hosts, 0 faults, strategy round-robin)\n" +
                json.string() + ": ok (1 region, 2 hosts, 0 faults, strategy round-robin)\n");
}

TEST(CliScenariosTest, ValidateWithoutFilesIsBadInput) {
  const auto result = runCommand({"scenarios", "validate"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("files is required"));
}

TEST(CliStrategiesTest, ListsEachStrategyWithWhatItFollows) {
  const auto result = runCommand({"strategies"});
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_THAT(result.err, IsEmpty());
  // Two lines per strategy: the name and summary, then whose semantics it follows.
  EXPECT_THAT(result.out, StartsWith("round-robin    each healthy host in turn"));
  EXPECT_THAT(result.out, HasSubstr("\n               follows: Envoy ROUND_ROBIN"));
  EXPECT_THAT(result.out, HasSubstr("\nrandom         a uniformly random healthy host\n"
                                    "               follows: Envoy RANDOM"));
  EXPECT_THAT(result.out, HasSubstr("\nleast-request  the least loaded of N hosts"));
  EXPECT_THAT(result.out, HasSubstr("follows: Envoy LEAST_REQUEST"));
  int follows = 0;
  for (std::size_t at = result.out.find("follows: "); at != std::string::npos;
       at = result.out.find("follows: ", at + 1)) {
    ++follows;
  }
  EXPECT_EQ(follows, static_cast<int>(balancer::knownStrategies().size()));
  for (const auto& info : balancer::knownStrategies()) {
    EXPECT_THAT(result.out, HasSubstr(std::string(info.name) + " ")) << info.name;
  }
}

}  // namespace
}  // namespace faultline::cli
