// `faultline run`: the summary, the results file, the overrides and every way to get them wrong.

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "balancer/strategy_registry.h"
#include "cli/exit_codes.h"
#include "reports/results_io.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::AllOf;
using testing::CommandResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kTinyScenario;
using testing::kTinyScenarioJson;
using ::testing::Not;
using testing::readFile;
using testing::runCommand;
using ::testing::StartsWith;
using testing::TempDir;

// region-outage has a 10 s warm-up, so this is the shortest kind of run it accepts that still
// measures something: 20 one-second windows, 10 of them after the warm-up.
constexpr const char* kShort = "20s";

results::RunResult readResults(const std::filesystem::path& path) {
  auto read = reports::readResultsFile(path);
  EXPECT_TRUE(read.hasValue()) << read.error();
  return read ? *read : results::RunResult{};
}

// Runs `faultline ARGS --json FILE` and returns the command's result and the file's text.
struct RunWithResults {
  CommandResult command;
  std::string json;
};

RunWithResults runWithResults(std::vector<std::string> args) {
  const TempDir dir;
  const auto file = dir / "results.json";
  args.push_back("--json");
  args.push_back(file.string());
  RunWithResults run{runCommand(args), readFile(file)};
  EXPECT_EQ(run.command.exit_code, kExitOk) << ::testing::PrintToString(run.command);
  return run;
}

results::RunResult parsed(const std::string& json) {
  auto result = reports::parseResultsJson(json);
  EXPECT_TRUE(result.hasValue()) << result.error();
  return result ? *result : results::RunResult{};
}

void expectLatencyStats(const results::LatencyStats& latency) {
  EXPECT_GT(latency.count(), 0);
  EXPECT_GT(latency.mean(), 0);
  EXPECT_GT(latency.p50(), 0);
  EXPECT_LE(latency.p50(), latency.p90());
  EXPECT_LE(latency.p90(), latency.p99());
  EXPECT_LE(latency.p99(), latency.p999());
  EXPECT_LE(latency.p999(), latency.max());
  EXPECT_LE(latency.mean(), latency.max());
}

TEST(CliRunTest, RegionOutageWritesSummaryAndResults) {
  const TempDir dir;
  const auto json = dir / "results.json";
  const auto result =
      runCommand({"run", "region-outage", "--duration", kShort, "--json", json.string()});
  ASSERT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.err, IsEmpty());

  // The summary names the scenario, its description and the strategy.
  EXPECT_THAT(result.out, StartsWith("region-outage: us-east goes dark for two minutes"));
  EXPECT_THAT(result.out, HasSubstr("strategy least-request · seed 1 · 20 s simulated"));
  EXPECT_THAT(result.out, HasSubstr("warm-up 10 s left out"));
  EXPECT_THAT(result.out, HasSubstr("  all "));
  EXPECT_THAT(result.out, HasSubstr("  us-east "));
  EXPECT_THAT(result.out, HasSubstr("  SLO availability ≥ 99.9000%, p99 ≤ 250 ms: "));

  const auto run = readResults(json);
  // The file holds exactly what toJson prints for it.
  EXPECT_EQ(readFile(json), reports::toJson(run));
  EXPECT_EQ(run.run().scenario(), "region-outage");
  EXPECT_EQ(run.run().strategy(), "least-request");
  EXPECT_EQ(run.run().seed(), 1u);
  EXPECT_DOUBLE_EQ(run.run().duration_s(), 20);
  EXPECT_DOUBLE_EQ(run.run().window_s(), 1);
  EXPECT_DOUBLE_EQ(run.run().warmup_s(), 10);
  EXPECT_EQ(run.run().mode(), "sim");
  EXPECT_EQ(run.run().faultline_version(), "0.1.0");
  ASSERT_EQ(run.topology().regions_size(), 3);
  EXPECT_EQ(run.topology().regions(0).name(), "us-east");
  EXPECT_EQ(run.topology().regions(0).hosts(), 20);

  const auto& summary = run.summary();
  EXPECT_GT(summary.requests_total(), 0);
  EXPECT_EQ(summary.requests_ok() + summary.requests_failed(), summary.requests_total());
  EXPECT_GE(summary.availability(), 0.0);
  EXPECT_LE(summary.availability(), 1.0);
  EXPECT_DOUBLE_EQ(summary.availability(), static_cast<double>(summary.requests_ok()) /
                                               static_cast<double>(summary.requests_total()));
  expectLatencyStats(summary.latency_ms());
  EXPECT_EQ(summary.latency_ms().count(), summary.requests_ok());
  const auto& f = summary.failures();
  EXPECT_EQ(f.timeout() + f.rejected() + f.backend_error() + f.injected_error() +
                f.connection_refused() + f.connection_reset() + f.no_healthy_host() +
                f.unfinished(),
            summary.requests_failed());
  ASSERT_EQ(summary.regions_size(), 3);
  std::int64_t from_regions = 0;
  for (const auto& region : summary.regions())
    from_regions += region.requests_from();
  EXPECT_EQ(from_regions, summary.requests_total());
  // The outage starts at 120 s: a 20 s run never reaches it.
  EXPECT_EQ(summary.faults_size(), 0);
  EXPECT_GE(summary.end_s(), 20.0);

  // Consecutive one-second windows from 0 to the drain: 20 for the run, and the drain's.
  ASSERT_GE(run.windows_size(), 20);
  EXPECT_EQ(run.windows_size(), static_cast<int>(std::ceil(summary.end_s() / 1.0)));
  EXPECT_DOUBLE_EQ(run.windows(0).start_s(), 0);
  for (int i = 1; i < run.windows_size(); ++i) {
    EXPECT_DOUBLE_EQ(run.windows(i).start_s(), run.windows(i - 1).end_s()) << "window " << i;
  }
  EXPECT_DOUBLE_EQ(run.windows(run.windows_size() - 1).end_s(), summary.end_s());
  // The summary counts what completed after the warm-up, the windows count everything.
  std::int64_t after_warmup = 0;
  for (const auto& window : run.windows()) {
    if (window.start_s() >= 10.0) after_warmup += window.requests();
  }
  EXPECT_EQ(after_warmup, summary.requests_total());
  // SLO windows: those between the warm-up and the end of traffic (20 s), not the drain's.
  EXPECT_EQ(summary.slo().windows(), 10);
  EXPECT_GT(run.windows_size(), 20);
}

TEST(CliRunTest, ResultsJsonUsesCamelCaseAndPrintsZeroFields) {
  const TempDir dir;
  const auto json = dir / "results.json";
  const auto result =
      runCommand({"run", "region-outage", "--duration", kShort, "--json", json.string(), "-q"});
  ASSERT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  const std::string text = readFile(json);
  EXPECT_THAT(text, StartsWith("{\n"));
  EXPECT_THAT(text, ::testing::EndsWith("\n"));
  for (const char* name :
       {"\"requestsTotal\": \"", "\"latencyMs\": {", "\"p999\": ", "\"queueWaitMs\": {",
        "\"crossRegionRequests\": ", "\"durationS\": 20", "\"faultlineVersion\": \"0.1.0\""}) {
    EXPECT_THAT(text, HasSubstr(name)) << name;
  }
  for (const char* name : {"requests_total", "latency_ms", "no_healthy_host", "duration_s"}) {
    EXPECT_THAT(text, Not(HasSubstr(name))) << name;
  }
  // Zero values are printed, not left out: nothing fails for want of a host in 20 quiet seconds.
  EXPECT_THAT(text, HasSubstr("\"noHealthyHost\": \"0\""));
  EXPECT_THAT(text, HasSubstr("\"connectionRefused\": \"0\""));
  EXPECT_THAT(text, HasSubstr("\"crossRegionRequests\": \"0\""));
  EXPECT_THAT(text, HasSubstr("\"faults\": []"));
  EXPECT_THAT(text, HasSubstr("\"sloViolated\": false"));
}

TEST(CliRunTest, QuietPrintsNothing) {
  const TempDir dir;
  const auto json = dir / "results.json";
  const auto result =
      runCommand({"run", "region-outage", "--duration", kShort, "--json", json.string(), "-q"});
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, IsEmpty());
  EXPECT_TRUE(std::filesystem::exists(json));
}

TEST(CliRunTest, JsonToStdoutPrintsTheResultsAndNoSummary) {
  const auto result = runCommand({"run", "region-outage", "--duration", kShort, "--json", "-"});
  ASSERT_EQ(result.exit_code, kExitOk) << result.err;
  EXPECT_THAT(result.err, IsEmpty());
  EXPECT_THAT(result.out, StartsWith("{\n"));
  EXPECT_THAT(result.out, Not(HasSubstr("SLO availability")));
  EXPECT_THAT(result.out, Not(HasSubstr("region-outage: us-east")));
  auto parsed = reports::parseResultsJson(result.out);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_EQ(parsed->run().scenario(), "region-outage");
  EXPECT_GT(parsed->summary().requests_total(), 0);
  // The same bytes a file would get.
  EXPECT_EQ(result.out, reports::toJson(*parsed));
}

class CliRunStrategyTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CliRunStrategyTest, OverridesTheScenariosStrategy) {
  const TempDir dir;
  const auto json = dir / "results.json";
  const std::string strategy = GetParam();
  const auto result = runCommand({"run", "region-outage", "--duration", kShort, "--strategy",
                                  strategy, "--json", json.string()});
  ASSERT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.out, HasSubstr("strategy " + strategy + " · seed 1"));
  const auto run = readResults(json);
  EXPECT_EQ(run.run().strategy(), strategy);
  EXPECT_GT(run.summary().requests_total(), 0);
  EXPECT_GT(run.summary().availability(), 0.99);
}

INSTANTIATE_TEST_SUITE_P(Strategies, CliRunStrategyTest,
                         ::testing::Values("random", "round-robin", "least-request"));

TEST(CliRunTest, StrategiesSeeTheSameTraffic) {
  // Common random numbers (DESIGN.md): the strategy changes where requests go, not how many come.
  const auto a = parsed(
      runWithResults({"run", "region-outage", "--duration", kShort, "--strategy", "random"}).json);
  const auto b = parsed(
      runWithResults({"run", "region-outage", "--duration", kShort, "--strategy", "round-robin"})
          .json);
  ASSERT_GE(a.windows_size(), 20);
  ASSERT_GE(b.windows_size(), 20);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(a.windows(i).arrivals(), b.windows(i).arrivals()) << "window " << i;
  }
}

TEST(CliRunTest, UnknownStrategyIsBadInputAndWritesNothing) {
  const TempDir dir;
  const auto json = dir / "results.json";
  const auto result = runCommand({"run", "region-outage", "--duration", kShort, "--strategy",
                                  "nope", "--json", json.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_EQ(result.err, "faultline run: --strategy: unknown strategy \"nope\" (known: " +
                            balancer::knownStrategyNames() +
                            "; `faultline strategies` describes them)\n");
  EXPECT_FALSE(std::filesystem::exists(json));
  // Not even a temporary file is left behind.
  EXPECT_THAT(dir.entries(), IsEmpty());
}

TEST(CliRunTest, FailedRunLeavesAnExistingResultsFileAlone) {
  const TempDir dir;
  const auto json = dir.write("results.json", "previous results\n");
  const auto result = runCommand({"run", "region-outage", "--duration", kShort, "--strategy",
                                  "nope", "--json", json.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_EQ(readFile(json), "previous results\n");
  EXPECT_THAT(dir.entries(), ElementsAre("results.json"));
}

TEST(CliRunTest, SuccessfulRunReplacesTheResultsFileAndLeavesNoTemporaryFile) {
  const TempDir dir;
  const auto json = dir.write("results.json", std::string(1 << 20, 'x'));
  const auto result =
      runCommand({"run", "region-outage", "--duration", kShort, "--json", json.string(), "-q"});
  ASSERT_EQ(result.exit_code, kExitOk) << result.err;
  const std::string text = readFile(json);
  EXPECT_THAT(text, StartsWith("{\n"));
  EXPECT_EQ(text.find('x' + std::string(10, 'x')), std::string::npos);
  EXPECT_TRUE(reports::parseResultsJson(text).hasValue());
  EXPECT_THAT(dir.entries(), ElementsAre("results.json"));
}

TEST(CliRunTest, ResultsFileGetsTheUsualPermissions) {
  // The temporary file is created 0600; the results file is as readable as any new file.
  const TempDir dir;
  const auto json = dir / "results.json";
  const mode_t mask = ::umask(022);
  const auto result =
      runCommand({"run", "region-outage", "--duration", kShort, "--json", json.string(), "-q"});
  ::umask(mask);
  ASSERT_EQ(result.exit_code, kExitOk);
  struct stat info {};
  ASSERT_EQ(::stat(json.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST(CliRunTest, SeedChangesTheResultsAndTheSameSeedRepeatsThem) {
  auto runWithSeed = [](const char* seed) {
    return runWithResults({"run", "region-outage", "--duration", kShort, "--seed", seed}).json;
  };
  const std::string seven = runWithSeed("7");
  const std::string eight = runWithSeed("8");
  const std::string seven_again = runWithSeed("7");
  EXPECT_NE(seven, eight);
  EXPECT_EQ(seven, seven_again);
  const auto run_seven = parsed(seven);
  const auto run_eight = parsed(eight);
  EXPECT_EQ(run_seven.run().seed(), 7u);
  EXPECT_EQ(run_eight.run().seed(), 8u);
  EXPECT_NE(run_seven.summary().requests_total(), run_eight.summary().requests_total());
}

TEST(CliRunTest, DurationOverridesTheScenarios) {
  const auto run = parsed(runWithResults({"run", "region-outage", "--duration", "0.25m"}).json);
  EXPECT_DOUBLE_EQ(run.run().duration_s(), 15);
  EXPECT_EQ(run.windows_size(), 16);  // 15 and the drain
}

struct BadDuration {
  const char* name;  // of the test case
  const char* text;
  const char* message;
};

void PrintTo(const BadDuration& duration, std::ostream* os) {
  *os << duration.name;
}

class CliRunBadDurationTest : public ::testing::TestWithParam<BadDuration> {};

TEST_P(CliRunBadDurationTest, IsBadInputNamingDuration) {
  const TempDir dir;
  const auto json = dir / "results.json";
  const auto result =
      runCommand({"run", "region-outage", "--duration", GetParam().text, "--json", json.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err,
              AllOf(StartsWith("faultline run: --duration: "), HasSubstr(GetParam().message)));
  EXPECT_THAT(dir.entries(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Values, CliRunBadDurationTest,
    ::testing::Values(
        BadDuration{"Zero", "0", "must be positive: \"0\""},
        BadDuration{"Negative", "-5s", "must be positive: \"-5s\""},
        BadDuration{"Word", "abc", "not a duration: \"abc\" (try 90s, 1.5m, 2h or 500ms)"},
        BadDuration{"Empty", "", "not a duration: \"\""},
        BadDuration{"UnknownUnit", "5 parsecs",
                    "unknown unit in \"5 parsecs\" (use ms, s, m, h or d)"},
        BadDuration{"OverThirtyDaysInDays", "31d", "longer than 30 days: \"31d\""},
        BadDuration{"OverThirtyDays", "745h", "longer than 30 days: \"745h\""},
        BadDuration{"Infinite", "inf", "\"inf\""}, BadDuration{"NaN", "nan", "\"nan\""},
        // Shorter than the scenario's 10 s warm-up: nothing would be measured.
        BadDuration{"ShorterThanWarmup", "5s", "must be longer than the scenario's warm-up (10 s)"},
        BadDuration{"EqualToWarmup", "10s", "warm-up"}),
    [](const ::testing::TestParamInfo<BadDuration>& param) { return param.param.name; });

TEST(CliRunTest, ShortDurationWorksWithoutWarmup) {
  // bench-3region has no warm-up: 5 s is a valid run of 5 windows and the drain.
  const auto run = parsed(runWithResults({"run", "bench-3region", "--duration", "5s"}).json);
  EXPECT_DOUBLE_EQ(run.run().duration_s(), 5);
  EXPECT_EQ(run.run().strategy(), "least-request");
  EXPECT_GE(run.windows_size(), 5);
  EXPECT_GT(run.summary().requests_total(), 150'000);  // 38,400/s for 5 s
  EXPECT_EQ(run.summary().requests_failed(), 0);
}

TEST(CliRunTest, JsonIntoAMissingDirectoryFailsBeforeRunning) {
  const auto result = runCommand(
      {"run", "region-outage", "--duration", kShort, "--json", "/nonexistent-dir/x.json"});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());  // no summary: nothing ran
  EXPECT_THAT(result.err, AllOf(StartsWith("faultline run: --json: "),
                                HasSubstr("/nonexistent-dir"), ::testing::EndsWith("\n")));
  EXPECT_FALSE(std::filesystem::exists("/nonexistent-dir"));
}

TEST(CliRunTest, JsonOntoADirectoryFailsBeforeRunning) {
  const TempDir dir;
  const auto result =
      runCommand({"run", "region-outage", "--duration", kShort, "--json", dir.path().string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, HasSubstr("--json: is a directory: " + dir.path().string()));
  EXPECT_THAT(dir.entries(), IsEmpty());
}

TEST(CliRunTest, JsonUnderAFileFailsBeforeRunning) {
  const TempDir dir;
  const auto file = dir.write("plain.txt", "not a directory\n");
  const auto result = runCommand(
      {"run", "region-outage", "--duration", kShort, "--json", (file / "r.json").string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, AllOf(StartsWith("faultline run: --json: "), HasSubstr("plain.txt")));
  EXPECT_THAT(dir.entries(), ElementsAre("plain.txt"));
  EXPECT_EQ(readFile(file), "not a directory\n");
}

// --- scenario files -------------------------------------------------------------------------

TEST(CliRunTest, RunsAScenarioFile) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto result = runWithResults({"run", scenario.string()});
  EXPECT_THAT(result.command.out, StartsWith("tiny: one region, two hosts\n"
                                             "strategy round-robin · seed 3 · 3 s simulated"));
  const auto run = parsed(result.json);
  EXPECT_EQ(run.run().scenario(), "tiny");
  EXPECT_EQ(run.run().strategy(), "round-robin");
  EXPECT_EQ(run.run().seed(), 3u);
  EXPECT_EQ(run.topology().regions(0).hosts(), 2);
  EXPECT_GT(run.summary().requests_total(), 400);  // 200/s for 3 s
  EXPECT_LT(run.summary().requests_total(), 800);
}

TEST(CliRunTest, JsonScenarioGivesTheSameResultsAsItsTextTwin) {
  const TempDir dir;
  const auto text = dir.write("tiny.textproto", kTinyScenario);
  const auto json = dir.write("tiny.json", kTinyScenarioJson);
  const auto from_text = runCommand({"run", text.string(), "--json", (dir / "a.json").string()});
  const auto from_json = runCommand({"run", json.string(), "--json", (dir / "b.json").string()});
  ASSERT_EQ(from_text.exit_code, kExitOk) << from_text.err;
  ASSERT_EQ(from_json.exit_code, kExitOk) << from_json.err;
  EXPECT_EQ(from_text.out, from_json.out);
  const std::string a = readFile(dir / "a.json");
  EXPECT_THAT(a, HasSubstr("\"scenario\": \"tiny\""));
  EXPECT_EQ(a, readFile(dir / "b.json"));
}

TEST(CliRunTest, AReplayedTimelineGivesTheSameResultsAsItsFaultsWrittenInline) {
  const TempDir dir;
  dir.write("incident.csv",
            "# time, what, where\n"
            "start_s, end_s, kind, target, latency_ms, probability\n"
            "0.5, 1.5, latency, r*1, 40, 0.5\n"
            "1, 2, host_crash, r/a/api*1,,\n");
  dir.write("incident.json", R"([
    {"start_s": 0.5, "end_s": 1.5, "kind": "latency", "target": "r*1", "latency_ms": 40,
     "probability": 0.5},
    {"start_s": 1, "end_s": 2, "kind": "host_crash", "target": "r/a/api*1"}
  ])");
  const auto csv = dir.write(
      "csv.textproto", std::string(kTinyScenario) + "replay { timeline: \"incident.csv\" }\n");
  const auto json = dir.write(
      "json.textproto", std::string(kTinyScenario) + "replay { timeline: \"incident.json\" }\n");
  const auto inline_faults = dir.write(
      "inline.textproto",
      std::string(kTinyScenario) +
          "faults { latency { hosts { region: \"r\"  count: 1 }  latency_ms: 40  probability: 0.5 "
          "}\n"
          "         start_s: 0.5  end_s: 1.5 }\n"
          "faults { host_crash { hosts { region: \"r\"  zone: \"a\"  group: \"api\"  count: 1 } }\n"
          "         start_s: 1  end_s: 2 }\n");
  const auto from_csv = runCommand({"run", csv.string(), "--json", (dir / "a.json").string()});
  const auto from_json = runCommand({"run", json.string(), "--json", (dir / "b.json").string()});
  const auto written =
      runCommand({"run", inline_faults.string(), "--json", (dir / "c.json").string()});
  ASSERT_EQ(from_csv.exit_code, kExitOk) << from_csv.err;
  ASSERT_EQ(from_json.exit_code, kExitOk) << from_json.err;
  ASSERT_EQ(written.exit_code, kExitOk) << written.err;
  EXPECT_EQ(from_csv.out, written.out);
  EXPECT_EQ(from_json.out, written.out);
  const std::string expected = readFile(dir / "c.json");
  EXPECT_EQ(parsed(expected).topology().faults_size(), 2);
  EXPECT_EQ(readFile(dir / "a.json"), expected);
  EXPECT_EQ(readFile(dir / "b.json"), expected);
}

TEST(CliRunTest, ABadTimelineIsBadInputWithEveryRowsLine) {
  const TempDir dir;
  const auto timeline = dir.write("incident.csv",
                                  "start_s,kind,target\n"
                                  "soon,host_crash,r\n"
                                  "1,host_crash,r\n"
                                  "9,host_crash,r*5\n");
  const auto file = dir.write(
      "s.textproto", std::string(kTinyScenario) + "replay { timeline: \"incident.csv\" }\n");
  auto result = runCommand({"run", file.string(), "--json", (dir / "r.json").string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_EQ(result.err, timeline.string() +
                            ":2:1: replay.timeline: start_s: must be a finite number (got "
                            "\"soon\")\n");
  // Once the rows read, the rules judge the faults, at their rows.
  dir.write("incident.csv", "start_s,kind,target\n1,host_crash,r\n9,host_crash,r*5\n");
  result = runCommand({"run", file.string(), "--json", (dir / "r.json").string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr(timeline.string() + ":3:1: faults[1].start_s: must be < "
                                                        "duration_s (3) (got 9)\n"));
  EXPECT_THAT(result.err, HasSubstr(timeline.string() + ":3:14: faults[1].host_crash.hosts.count: "
                                                        "must be <= 2"));
  EXPECT_FALSE(std::filesystem::exists(dir / "r.json"));
}

TEST(CliRunTest, SyntaxErrorGivesFileLineAndColumn) {
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("seed: 3"), 7, "seed: many");  // line 4, the value at column 7
  const auto file = dir.write("broken.textproto", text);
  const auto result = runCommand({"run", file.string(), "--json", (dir / "r.json").string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith(file.string() + ":4:7: "));
  EXPECT_THAT(result.err, HasSubstr("many"));
  EXPECT_THAT(dir.entries(), ElementsAre("broken.textproto"));
}

TEST(CliRunTest, SyntaxErrorOnALaterLine) {
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("rate_rps: 200"), 13, "rate_rps: 200 }");  // one brace too many, line 8
  const auto file = dir.write("braces.textproto", text);
  const auto result = runCommand({"run", file.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, StartsWith(file.string() + ":8:"));
}

TEST(CliRunTest, RuleViolationGivesFileLineColumnAndFieldPath) {
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("workers: 2"), 10, "workers: 0");  // line 7, column 38
  const auto file = dir.write("workers.textproto", text);
  const auto result = runCommand({"run", file.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_EQ(result.err,
            file.string() + ":7:38: regions[0].backends[0].workers: must be >= 1 (got 0)\n");
}

TEST(CliRunTest, UnknownStrategyInTheScenarioPointsAtTheField) {
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("\"round-robin\""), 13, "\"fastest\"");  // line 10, column 12
  const auto file = dir.write("fastest.textproto", text);
  const auto result = runCommand({"run", file.string(), "--json", (dir / "r.json").string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith(file.string() +
                                     ":10:12: balancer.strategy: unknown strategy \"fastest\" "
                                     "(known: " +
                                     balancer::knownStrategyNames()));
  EXPECT_THAT(dir.entries(), ElementsAre("fastest.textproto"));
}

TEST(CliRunTest, UnknownStrategyInAJsonScenarioNamesTheFieldPath) {
  const TempDir dir;
  std::string text(kTinyScenarioJson);
  text.replace(text.find("\"round-robin\""), 13, "\"fastest\"");
  const auto file = dir.write("fastest.json", text);
  const auto result = runCommand({"run", file.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, StartsWith(file.string()));
  EXPECT_THAT(result.err, HasSubstr("balancer.strategy: unknown strategy \"fastest\""));
}

TEST(CliRunTest, StrategyOverrideReplacesAnUnknownStrategyInTheFile) {
  const TempDir dir;
  std::string text(kTinyScenario);
  text.replace(text.find("\"round-robin\""), 13, "\"fastest\"");
  const auto file = dir.write("fastest.textproto", text);
  const auto result = runCommand({"run", file.string(), "--strategy", "random", "-q"});
  EXPECT_EQ(result.exit_code, kExitOk) << result.err;
}

TEST(CliRunTest, MissingScenarioFileIsNamed) {
  const TempDir dir;
  const auto missing = dir / "missing.textproto";
  const auto result = runCommand({"run", missing.string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.out, IsEmpty());
  EXPECT_THAT(result.err, StartsWith(missing.string() + ": no built-in scenario or file"));
  EXPECT_THAT(result.err, HasSubstr("bench-3region, cascading-failover, cross-region-partition"));
}

TEST(CliRunTest, ScenarioThatIsADirectoryIsBadInput) {
  const TempDir dir;
  const auto result = runCommand({"run", dir.path().string()});
  EXPECT_EQ(result.exit_code, kExitBadInput);
  EXPECT_THAT(result.err, HasSubstr("is a directory"));
}

}  // namespace
}  // namespace faultline::cli
