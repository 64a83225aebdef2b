// `faultline live` and `faultline fidelity`: a tiny scenario on loopback in real time (about a
// second, scaled), and the scenarios and options they refuse before anything runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "reports/results_io.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;
using testing::kTinyScenario;
using testing::runCommand;
using testing::TempDir;

TEST(LiveCommandTest, RunsATinyScenarioLiveAndWritesTheSameResultsShape) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto json = (dir / "live.json").string();
  const auto result = runCommand({"live", scenario.string(), "--time-scale", "3", "--json", json});
  ASSERT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.out, HasSubstr("availability"));
  auto read = reports::readResultsFile(json);
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->run().mode(), "live");
  EXPECT_GT(read->summary().requests_total(), 400);  // 200/s for 3 s of scenario time
  EXPECT_GE(read->windows_size(), 3);
}

TEST(LiveCommandTest, ABadScenarioExitsTwoNamingItsPlaceBeforeAnythingRuns) {
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("workers: 2"), 10, "workers: 0");
  const auto scenario = dir.write("bad.textproto", text);
  for (const char* command : {"live", "fidelity"}) {
    const auto result = runCommand({command, scenario.string()});
    EXPECT_EQ(result.exit_code, kExitBadInput) << command;
    EXPECT_THAT(result.err, HasSubstr("bad.textproto:7:")) << command;
    EXPECT_THAT(result.err, HasSubstr("workers")) << command;
  }
}

TEST(LiveCommandTest, BadScalesExitTwo) {
  for (const char* option : {"--time-scale", "--rate-scale"}) {
    for (const char* value : {"0", "-1", "abc", "1e9"}) {
      const auto result = runCommand({"live", "region-outage", option, value});
      EXPECT_EQ(result.exit_code, kExitBadInput) << option << " " << value;
      EXPECT_THAT(result.err, HasSubstr(option)) << option << " " << value;
    }
  }
}

}  // namespace
}  // namespace faultline::cli
