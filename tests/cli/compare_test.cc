// `faultline compare`: the table, the JSON, the threads, and every way to get it wrong.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "reports/results.pb.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kTinyScenario;
using testing::readFile;
using testing::runCommand;
using testing::TempDir;

results::ComparisonResult parsedComparison(const std::string& json) {
  results::ComparisonResult comparison;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &comparison);
  EXPECT_TRUE(status.ok()) << status.message();
  return comparison;
}

TEST(CliCompareTest, PrintsTheTableAndWritesTheJson) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto json = dir / "comparison.json";
  const auto result = runCommand({"compare", scenario.string(), "--strategies",
                                  "round-robin, random", "--seeds", "3", "--json", json.string()});
  ASSERT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.out, HasSubstr("2 strategies x 3 seeds (3 to 5)"));
  EXPECT_THAT(result.out, HasSubstr("differences against round-robin, paired by seed"));
  EXPECT_THAT(result.out, HasSubstr("ranking (availability, then requests lost, then p99)"));
  const auto comparison = parsedComparison(readFile(json));
  ASSERT_EQ(comparison.strategies_size(), 2);
  EXPECT_EQ(comparison.strategies(1).strategy(), "random");
  EXPECT_EQ(comparison.seeds_size(), 3);
  EXPECT_EQ(comparison.strategies(1).metrics(0).samples_size(), 3);
  EXPECT_EQ(comparison.example_runs_size(), 2);
  EXPECT_GT(comparison.example_runs(0).windows_size(), 0);
}

TEST(CliCompareTest, TheJsonIsTheSameWithOneThreadOrMany) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  auto json = [&](const std::string& jobs) {
    const auto result =
        runCommand({"compare", scenario.string(), "--strategies", "least-request,maglev,peak-ewma",
                    "--seeds", "2", "--seed", "40", "--jobs", jobs, "--json", "-"});
    EXPECT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
    return result.out;
  };
  const std::string one = json("1");
  EXPECT_THAT(one, HasSubstr("\"seeds\": [\n  \"40\",\n  \"41\"\n ]"));
  EXPECT_EQ(json("4"), one);
}

TEST(CliCompareTest, WithoutStrategiesEveryStrategyRuns) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto result = runCommand({"compare", scenario.string(), "--seeds", "2", "-q"});
  EXPECT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.out, IsEmpty());
}

struct BadCompare {
  std::vector<std::string> args;
  std::string message;
};

class CliCompareBadInputTest : public ::testing::TestWithParam<BadCompare> {};

TEST_P(CliCompareBadInputTest, ExitsTwoNamingTheOption) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  std::vector<std::string> args{"compare", scenario.string()};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const auto result = runCommand(args);
  EXPECT_EQ(result.exit_code, kExitBadInput) << ::testing::PrintToString(result);
  EXPECT_THAT(result.err, HasSubstr(GetParam().message));
  EXPECT_THAT(result.out, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliCompareBadInputTest,
    ::testing::Values(BadCompare{{"--strategies", "round-robin,fastest"},
                                 "--strategies: unknown strategy \"fastest\""},
                      BadCompare{{"--strategies", "maglev,maglev"}, "\"maglev\" is listed twice"},
                      BadCompare{{"--strategies", "maglev,,random"}, "an empty name in the list"},
                      BadCompare{{"--seeds", "0"}, "--seeds: must be 1 to 1000 (got 0)"},
                      BadCompare{{"--seeds", "1001"}, "--seeds: must be 1 to 1000"},
                      BadCompare{{"--jobs", "0"}, "--jobs: must be 1 to 1024 (got 0)"},
                      BadCompare{{"--confidence", "1"}, "--confidence: must be 0.5 to 0.999"},
                      BadCompare{{"--seed", "-3"}, "--seed:"},
                      BadCompare{{"--duration", "soon"}, "--duration:"},
                      BadCompare{{"--seeds", "many"}, "--seeds"},
                      // Found before any run, not after all of them.
                      BadCompare{{"--json", "/no-such-directory/c.json"},
                                 "--json: /no-such-directory/c.json"}));

TEST(CliCompareTest, AMissingScenarioIsBadInput) {
  const auto result = runCommand({"compare", "no-such-scenario"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("no-such-scenario"));
}

}  // namespace
}  // namespace faultline::cli
