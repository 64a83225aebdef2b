// The top level of `faultline`: help, version, and arguments that name no command.

#include "cli/app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::runCommand;

TEST(CliAppTest, HelpExitsZeroAndListsTheSubcommands) {
  const auto result = runCommand({"--help"});
  EXPECT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.out, HasSubstr("Usage: faultline"));
  EXPECT_THAT(result.out, HasSubstr("run "));
  EXPECT_THAT(result.out, HasSubstr("scenarios "));
  EXPECT_THAT(result.out, HasSubstr("strategies "));
  EXPECT_THAT(result.out, HasSubstr("Simulate a scenario"));
  EXPECT_THAT(result.err, IsEmpty());
}

TEST(CliAppTest, RunHelpListsItsOptions) {
  const auto result = runCommand({"run", "--help"});
  EXPECT_EQ(result.exit_code, kExitOk);
  for (const char* option : {"--strategy", "--seed", "--duration", "--json", "--quiet"}) {
    EXPECT_THAT(result.out, HasSubstr(option)) << option;
  }
}

TEST(CliAppTest, VersionPrintsNameAndVersion) {
  const auto result = runCommand({"--version"});
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_EQ(result.out, "faultline 0.1.0\n");
  EXPECT_THAT(result.err, IsEmpty());
}

TEST(CliAppTest, NoSubcommandIsBadInput) {
  const auto result = runCommand({});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("a subcommand is required: run, live, fidelity, compare, "
                                    "report, proxy, scenarios or strategies"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(CliAppTest, UnknownSubcommandIsBadInput) {
  const auto result = runCommand({"simulate"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, Not(IsEmpty()));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(CliAppTest, UnknownSubcommandIsNamedInTheMessage) {
  const auto result = runCommand({"simulate"});
  EXPECT_THAT(result.err, HasSubstr("simulate"));
}

TEST(CliAppTest, UnknownTopLevelOptionIsBadInput) {
  const auto result = runCommand({"--frobnicate"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, Not(IsEmpty()));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(CliAppTest, UnknownTopLevelOptionIsNamedInTheMessage) {
  const auto result = runCommand({"--frobnicate"});
  EXPECT_THAT(result.err, HasSubstr("--frobnicate"));
}

TEST(CliAppTest, UnknownRunOptionIsNamed) {
  const auto result = runCommand({"run", "region-outage", "--frobnicate"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("--frobnicate"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(CliAppTest, RunWithoutAScenarioIsBadInput) {
  const auto result = runCommand({"run"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("scenario is required"));
}

TEST(CliAppTest, ScenariosWithoutASubcommandIsBadInput) {
  const auto result = runCommand({"scenarios"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("subcommand is required"));
}

TEST(CliAppTest, SeedThatIsNotANumberIsBadInput) {
  const auto result = runCommand({"run", "region-outage", "--seed", "seven"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("--seed"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST(CliAppTest, NegativeSeedIsBadInput) {
  const auto result = runCommand({"run", "region-outage", "--duration", "11s", "--seed", "-1"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("--seed"));
}

TEST(CliAppTest, SeedIsReadAsDecimal) {
  const auto result =
      runCommand({"run", "region-outage", "--duration", "11s", "--seed", "010", "--json", "-"});
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_THAT(result.out, HasSubstr("\"seed\": \"10\""));
}

}  // namespace
}  // namespace faultline::cli
