// Replaying an incident timeline through the loader: the rows become faults after the
// scenario's own, and every diagnostic about them points into the timeline.
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "scenarios/loader.h"
#include "scenarios/timeline.h"
#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using testing::kValidScenario;
using ::testing::SizeIs;
using testing::TempFile;

// The valid scenario (one fault of its own), replaying `timeline`.
std::string withReplay(const std::string& timeline) {
  return std::string(kValidScenario) + "replay { timeline: \"" + timeline + "\" }\n";
}

constexpr std::string_view kTimelineCsv =
    "start_s,end_s,kind,target,name,latency_ms,probability,status\n"
    "30,40,region_outage,west,,,,\n"
    "50,70,latency,east/b/api*2,slow,150,0.5,\n"
    "60,,errors,east*50%,,,0.2,503\n";

constexpr std::string_view kTimelineJson = R"([
  {"start_s": 30, "end_s": 40, "kind": "region_outage", "target": "west"},
  {"start_s": 50, "end_s": 70, "kind": "latency", "target": "east/b/api*2", "name": "slow",
   "latency_ms": 150, "probability": 0.5},
  {"start_s": 60, "kind": "errors", "target": "east*50%", "probability": 0.2, "status": 503}
])";

// The same faults written in the scenario.
constexpr std::string_view kInlineFaults = R"(
faults { region_outage { region: "west" }  start_s: 30  end_s: 40 }
faults { name: "slow"
         latency { hosts { region: "east"  zone: "b"  group: "api"  count: 2 }
                   latency_ms: 150  probability: 0.5 }
         start_s: 50  end_s: 70 }
faults { errors { hosts { region: "east"  percent: 50 }  probability: 0.2  status: 503 }
         start_s: 60 }
)";

LoadError loadError(const TempFile& scenario) {
  auto loaded = loadScenarioFile(scenario.path());
  EXPECT_FALSE(loaded) << "loaded";
  return loaded ? LoadError{} : loaded.error();
}

class ReplayFormats : public ::testing::TestWithParam<const char*> {};

TEST_P(ReplayFormats, RowsBecomeTheFaultsWrittenInline) {
  const std::string name = GetParam();
  TempFile scenario("s.textproto", withReplay(name));
  std::ofstream(scenario.directory() / name)
      << (name.ends_with(".csv") || name.ends_with(".CSV") ? kTimelineCsv : kTimelineJson);
  auto replayed = loadScenarioFile(scenario.path());
  ASSERT_TRUE(replayed) << replayed.error().toString();
  auto written = loadScenarioText(std::string(kValidScenario) + std::string(kInlineFaults),
                                  "inline.textproto", Format::kText);
  ASSERT_TRUE(written) << written.error().toString();

  EXPECT_FALSE(replayed->scenario.has_replay());
  EXPECT_EQ(replayed->scenario.faults(0).name(), "crash");  // the scenario's own come first
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(written->scenario, replayed->scenario)) << difference;
}

INSTANTIATE_TEST_SUITE_P(Formats, ReplayFormats,
                         ::testing::Values("t.csv", "t.json", "incident.CSV", "incident.Json"));

TEST(ReplayTest, RuleViolationsOfImportedFaultsPointAtTheirRowAndCell) {
  TempFile scenario("s.textproto", withReplay("t.csv"));
  std::ofstream(scenario.directory() / "t.csv")
      << "start_s,end_s,kind,target,latency_ms\n"
         "# fine\n"
         "30,40,region_outage,west,\n"
         "200,,region_outage,east,\n"      // past the run
         "50,60,zone_outage,east/c,\n"     // no such zone
         "50,60,latency,nowhere,-5\n"      // two at once
         "50,40,host_crash,west/a/db,\n";  // ends before it starts
  const std::string csv = (scenario.directory() / "t.csv").string();
  EXPECT_THAT(
      loadError(scenario).diagnostics,
      ElementsAre(
          AllOf(Field(&Diagnostic::location, csv + ":4:1"),
                testing::diagnosticAt("faults[2].start_s", "must be < duration_s (100)")),
          AllOf(Field(&Diagnostic::location, csv + ":5:19"),
                testing::diagnosticAt("faults[3].zone_outage.zone",
                                      "region \"east\" has no zone \"c\"")),
          AllOf(Field(&Diagnostic::location, csv + ":6:15"),
                testing::diagnosticAt("faults[4].latency.hosts.region", "unknown region")),
          AllOf(Field(&Diagnostic::location, csv + ":6:23"),
                testing::diagnosticAt("faults[4].latency.latency_ms", "must be >= 0 (got -5)")),
          AllOf(Field(&Diagnostic::location, csv + ":7:4"),
                testing::diagnosticAt("faults[5].end_s", "must be > start_s (50) (got 40)"))));
}

TEST(ReplayTest, AFaultWithoutACellOfItsOwnIsPlacedAtItsRow) {
  TempFile scenario("s.textproto", withReplay("t.json"));
  // The kind's required region is missing: the kind's cell is the nearest place.
  std::ofstream(scenario.directory() / "t.json")
      << "[\n  {\"start_s\": 5, \"kind\": \"region_outage\"},\n"
         "  {\"start_s\": 5, \"kind\": \"host_crash\", \"target\": \"west/z\"}]";
  const std::string json = (scenario.directory() / "t.json").string();
  EXPECT_THAT(loadError(scenario).diagnostics,
              ElementsAre(AllOf(Field(&Diagnostic::location, json + ":2:26"),
                                testing::diagnosticAt("faults[1].region_outage.region", "")),
                          AllOf(Field(&Diagnostic::location, json + ":3:50"),
                                testing::diagnosticAt("faults[2].host_crash.hosts.zone", ""))));
}

TEST(ReplayTest, EveryBadRowIsReportedUnderReplayTimeline) {
  TempFile scenario("s.textproto", withReplay("t.csv"));
  std::ofstream(scenario.directory() / "t.csv") << "start_s,kind,target,latency_ms\n"
                                                   "1,latency,east,fast\n"
                                                   "2,host_crash,east,\n"
                                                   "3,outage,east,\n";
  const std::string csv = (scenario.directory() / "t.csv").string();
  const LoadError error = loadError(scenario);
  EXPECT_THAT(
      error.diagnostics,
      ElementsAre(
          AllOf(Field(&Diagnostic::location, csv + ":2:16"),
                testing::diagnosticAt("replay.timeline", "latency_ms: must be a finite number")),
          AllOf(Field(&Diagnostic::location, csv + ":4:3"),
                testing::diagnosticAt("replay.timeline", "kind: unknown fault kind \"outage\""))));
  EXPECT_THAT(error.toString(), HasSubstr(csv + ":2:16: replay.timeline: latency_ms: must be a "
                                                "finite number (got \"fast\")"));
}

TEST(ReplayTest, RowsMustFitBesideTheScenariosOwnFaults) {
  TempFile scenario("s.textproto", withReplay("t.csv"));
  std::string csv = "start_s,kind,target\n";
  for (int i = 0; i < 1000; ++i)
    csv += std::to_string(i % 90) + ",host_crash,east\n";
  std::ofstream(scenario.directory() / "t.csv") << csv;
  const LoadError error = loadError(scenario);
  ASSERT_THAT(error.diagnostics, SizeIs(1));
  EXPECT_EQ(error.diagnostics[0].location, (scenario.directory() / "t.csv").string() + ":1001:1");
  EXPECT_THAT(error.diagnostics[0].message,
              HasSubstr("more than 999 rows: a scenario holds at most 1000 faults, and has 1 of "
                        "its own"));
}

TEST(ReplayTest, AMissingTimelineIsReportedAtTheField) {
  TempFile scenario("s.textproto", withReplay("none.csv"));
  const LoadError error = loadError(scenario);
  ASSERT_THAT(error.diagnostics, SizeIs(1));
  // kValidScenario ends with a newline: the replay is on its last line.
  EXPECT_THAT(error.diagnostics[0].location, HasSubstr("s.textproto:"));
  EXPECT_EQ(error.diagnostics[0].path, "replay.timeline");
  EXPECT_THAT(error.diagnostics[0].message,
              AllOf(HasSubstr("none.csv: cannot open"), HasSubstr("No such file or directory")));
}

TEST(ReplayTest, ATooLargeTimelineIsRefusedUnread) {
  TempFile scenario("s.textproto", withReplay("t.csv"));
  std::ofstream(scenario.directory() / "t.csv") << std::string(kMaxTimelineBytes + 1, '#');
  const LoadError error = loadError(scenario);
  ASSERT_THAT(error.diagnostics, SizeIs(1));
  EXPECT_THAT(error.diagnostics[0].message,
              HasSubstr("larger than 16777216 bytes (16 MiB), the limit for a timeline"));
}

TEST(ReplayTest, OnlyCsvAndJsonFilesAreTimelines) {
  for (const char* name : {"t.txt", "t", "csv", "t.csv.bak"}) {
    TempFile scenario("s.textproto", withReplay(name));
    std::ofstream(scenario.directory() / name) << kTimelineCsv;
    const LoadError error = loadError(scenario);
    ASSERT_THAT(error.diagnostics, SizeIs(1)) << name;
    EXPECT_EQ(error.diagnostics[0].path, "replay.timeline");
    EXPECT_THAT(error.diagnostics[0].message,
                HasSubstr("must name a .csv or .json file (got \"" + std::string(name) + "\")"));
  }
  TempFile scenario("s.textproto", std::string(kValidScenario) + "replay {}\n");
  EXPECT_THAT(loadError(scenario).toString(), HasSubstr("replay.timeline: required"));
}

TEST(ReplayTest, ATimelineNextToAJsonScenario) {
  TempFile scenario("s.json", R"({
    "name": "json-replay", "durationS": 100,
    "regions": [{"name": "east", "backends": [{"group": "api", "count": 2,
                 "serviceTime": {"exponential": {"meanMs": 5}}}], "clients": {"rateRps": 10}}],
    "balancer": {"strategy": "round-robin"},
    "replay": {"timeline": "t.csv"}
  })");
  std::ofstream(scenario.directory() / "t.csv") << "start_s,kind,target\n5,host_crash,east*1\n";
  auto loaded = loadScenarioFile(scenario.path());
  ASSERT_TRUE(loaded) << loaded.error().toString();
  ASSERT_EQ(loaded->scenario.faults_size(), 1);
  EXPECT_EQ(loaded->scenario.faults(0).host_crash().hosts().count(), 1u);
  EXPECT_EQ(loaded->source_map.locate("faults[0].host_crash.hosts.count"),
            (scenario.directory() / "t.csv").string() + ":2:14");
}

}  // namespace
}  // namespace faultline::scenarios
