#include "scenarios/timeline.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;

scenario::Fault fault(const std::string& text) {
  scenario::Fault parsed;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &parsed)) << text;
  return parsed;
}

std::vector<scenario::Fault> faultsOf(std::string_view text, TimelineFormat format,
                                      std::size_t own_faults = 0) {
  auto read = readTimeline(text, "t", format, own_faults);
  std::vector<scenario::Fault> faults;
  if (!read) {
    ADD_FAILURE() << LoadError{read.error()}.toString();
    return faults;
  }
  for (const ImportedFault& imported : *read)
    faults.push_back(imported.fault);
  return faults;
}

std::vector<Diagnostic> errorsOf(std::string_view text, TimelineFormat format,
                                 std::size_t own_faults = 0) {
  auto read = readTimeline(text, "t", format, own_faults);
  if (read) {
    ADD_FAILURE() << "read without an error: " << text;
    return {};
  }
  return read.error();
}

void expectFaults(const std::vector<scenario::Fault>& actual,
                  const std::vector<std::string>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    std::string difference;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&difference);
    EXPECT_TRUE(differencer.Compare(fault(expected[i]), actual[i]))
        << "row " << i << ": " << difference;
  }
}

auto errorAt(const std::string& location, const std::string& message) {
  return AllOf(Field("location", &Diagnostic::location, location),
               Field("message", &Diagnostic::message, HasSubstr(message)));
}

// The faults of the CSV and JSON examples below, as a scenario would write them inline.
const std::vector<std::string> kExampleFaults = {
    R"(name: "east dark" start_s: 120 end_s: 240 region_outage { region: "us-east" })",
    R"(start_s: 100.5 end_s: 160 ramp_up_s: 10
       latency { hosts { region: "us-west" zone: "b" group: "api" count: 3 } latency_ms: 200
                 jitter_ms: 20 jitter_distribution: NORMAL probability: 0.5 })",
    R"(start_s: 130 errors { hosts { region: "us-west" group: "api" percent: 25 } probability: 0.1
                             status: 503 })",
    R"(start_s: 60 end_s: 90 network_partition { from: "us-east" to: "eu-west"
                                                 both_directions: true })",
    R"(start_s: 60 link_degradation { from: "us-east" to: "eu-west" loss_probability: 0.2 })",
    R"(start_s: 10 zone_outage { region: "us-east" zone: "a" })",
    R"(start_s: 10 traffic_surge { multiplier: 2 })",
    R"(start_s: 10 balancer_crash { region: "us-east" count: 1 })",
    R"(start_s: 10 balancer_crash { percent: 50 })",
    R"(start_s: 10 host_crash { hosts { zone: "c" } })",
    R"(start_s: 10 gray_failure { hosts { count: 1 } slowdown: 5 })",
    R"(start_s: 10 dns_stale { region: "eu-west" })",
};

constexpr std::string_view kExampleCsv =
    "# the incident of 2024-03-02, times from the first alert\r\n"
    "start_s, end_s, kind, target, name, ramp_up_s, latency_ms, jitter_ms, jitter_distribution, "
    "probability, status, loss_probability, multiplier, slowdown\r\n"
    "120, 240, region_outage, us-east, east dark,,,,,,,,,\r\n"
    "\r\n"
    "100.5, 160, latency, us-west/b/api*3,, 10, 200, 20, NORMAL, 0.5,,,,\n"
    "130,, errors, us-west//api*25%,,,,,, 0.1, 503,,,\n"
    "60, 90, network_partition, us-east<->eu-west,,,,,,,,,,\n"
    "60,, link_degradation, us-east -> eu-west,,,,,,,, 0.2,,\n"
    "10,, zone_outage, us-east/a,,,,,,,,,,\n"
    "10,, traffic_surge,,,,,,,,,, 2,\n"
    "10,, balancer_crash, us-east*1,,,,,,,,,,\n"
    "10,, balancer_crash, *50%,,,,,,,,,,\n"
    "10,, host_crash, /c,,,,,,,,,,\n"
    "10,, gray_failure, *1,,,,,,,,,, 5\n"
    "10,, dns_stale, eu-west,,,,,,,,,,\n";

constexpr std::string_view kExampleJson = R"json([
  {"start_s": 120, "end_s": 240, "kind": "region_outage", "target": "us-east", "name": "east dark"},
  {"start_s": 100.5, "end_s": 160, "kind": "latency", "target": "us-west/b/api*3", "ramp_up_s": 10,
   "latency_ms": 200, "jitter_ms": 20, "jitter_distribution": "NORMAL", "probability": 0.5},
  {"start_s": 130, "end_s": null, "kind": "errors", "target": "us-west//api*25%",
   "probability": 0.1, "status": 503},
  {"start_s": 60, "end_s": 90, "kind": "network_partition", "target": "us-east<->eu-west"},
  {"start_s": 60, "kind": "link_degradation", "from": "us-east", "to": "eu-west",
   "loss_probability": 2e-1},
  {"start_s": 10, "kind": "zone_outage", "target": "us-east/a"},
  {"start_s": 10, "kind": "traffic_surge", "multiplier": 2},
  {"start_s": 10, "kind": "balancer_crash", "target": "us-east*1"},
  {"start_s": 10, "kind": "balancer_crash", "percent": 50},
  {"start_s": 10, "kind": "host_crash", "hosts.zone": "c"},
  {"start_s": 10, "kind": "gray_failure", "target": "*1", "slowdown": "5"},
  {"start_s": 10, "kind": "dns_stale", "target": "eu-west"}
]
)json";

TEST(TimelineTest, CsvRowsBecomeTheirFaults) {
  expectFaults(faultsOf(kExampleCsv, TimelineFormat::kCsv), kExampleFaults);
}

TEST(TimelineTest, NumbersMayCarryAPlusAsInC) {
  const auto faults = faultsOf(
      "start_s,kind,multiplier,status\n+10,traffic_surge,+2.5,\n"
      "+0.5,errors,,+503\n",
      TimelineFormat::kCsv);
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_DOUBLE_EQ(faults[0].start_s(), 10);
  EXPECT_DOUBLE_EQ(faults[0].traffic_surge().multiplier(), 2.5);
  EXPECT_EQ(faults[1].errors().status(), 503u);
  EXPECT_THAT(errorsOf("start_s,kind\n++1,host_crash\n", TimelineFormat::kCsv),
              ElementsAre(Field(&Diagnostic::message, HasSubstr("must be a finite number"))));
}

TEST(TimelineTest, JsonRowsBecomeTheirFaults) {
  expectFaults(faultsOf(kExampleJson, TimelineFormat::kJson), kExampleFaults);
}

TEST(TimelineTest, AByteOrderMarkAndQuotedNamesAreFine) {
  expectFaults(faultsOf("\xEF\xBB\xBFstart_s,kind,target,name\n5,host_crash,r,\"a, \"\"b\"\"\"\n",
                        TimelineFormat::kCsv),
               {R"(start_s: 5 name: "a, \"b\"" host_crash { hosts { region: "r" } })"});
  expectFaults(
      faultsOf("\xEF\xBB\xBF[{\"start_s\": 5, \"kind\": \"host_crash\"}]", TimelineFormat::kJson),
      {R"(start_s: 5 host_crash {})"});
}

TEST(TimelineTest, PlacesTheRowAndEachCell) {
  auto read = readTimeline("start_s,kind,target,latency_ms\n\n5, latency, r/z, 20\n", "t.csv",
                           TimelineFormat::kCsv, 0);
  ASSERT_TRUE(read) << LoadError{read.error()}.toString();
  EXPECT_THAT(
      read->at(0).places,
      ElementsAre(Pair("", "t.csv:3:1"), Pair("latency", "t.csv:3:13"),
                  Pair("latency.hosts", "t.csv:3:13"), Pair("latency.hosts.region", "t.csv:3:13"),
                  Pair("latency.hosts.zone", "t.csv:3:13"), Pair("start_s", "t.csv:3:1"),
                  Pair("latency.latency_ms", "t.csv:3:18")));
  read = readTimeline("[\n {\"kind\": \"latency\",\n  \"start_s\":  5}]", "t.json",
                      TimelineFormat::kJson, 0);
  ASSERT_TRUE(read) << LoadError{read.error()}.toString();
  EXPECT_THAT(read->at(0).places,
              ElementsAre(Pair("", "t.json:2:2"), Pair("latency", "t.json:2:11"),
                          Pair("start_s", "t.json:3:15")));
}

struct BadTimeline {
  const char* name;
  TimelineFormat format;
  const char* text;
  const char* location;
  const char* message;
};

class TimelineErrors : public ::testing::TestWithParam<BadTimeline> {};

TEST_P(TimelineErrors, NameTheLineColumnAndWhatIsWrong) {
  const BadTimeline& bad = GetParam();
  const auto errors = errorsOf(bad.text, bad.format);
  ASSERT_THAT(errors, SizeIs(1)) << LoadError{errors}.toString();
  EXPECT_EQ(errors[0].location, bad.location);
  EXPECT_THAT(errors[0].message, HasSubstr(bad.message));
  EXPECT_EQ(errors[0].path, "");
}

constexpr auto kCsv = TimelineFormat::kCsv;
constexpr auto kJson = TimelineFormat::kJson;

INSTANTIATE_TEST_SUITE_P(
    Cases, TimelineErrors,
    ::testing::Values(
        BadTimeline{"EmptyCsv", kCsv, "", "t:1:1", "is empty: a header row"},
        BadTimeline{"OnlyComments", kCsv, "# nothing\n\n", "t:1:1", "is empty"},
        BadTimeline{"OnlyAHeader", kCsv, "start_s,kind\n", "t:2:1", "has a header but no rows"},
        BadTimeline{"HeaderWithoutKind", kCsv, "start_s,target\n1,r\n", "t:1:1",
                    "must name a kind column"},
        BadTimeline{"UnknownColumn", kCsv, "start_s,kind,latncy_ms\n1,latency,\n", "t:1:14",
                    "unknown column \"latncy_ms\" (columns: kind, target, name, start_s, end_s"},
        BadTimeline{"DuplicateColumn", kCsv, "start_s,kind,start_s\n", "t:1:14",
                    "column \"start_s\" appears twice (also column 1)"},
        BadTimeline{"UnnamedColumn", kCsv, "start_s,kind,\n", "t:1:14",
                    "column 3 of the header has no name"},
        BadTimeline{"TooManyColumns", kCsv,
                    "start_s,kind,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
                    ",,,,,,,,,,,,,,,,,,,,,,,,,\n",
                    "t:1:76", "more than 64 fields"},
        BadTimeline{"ShortRow", kCsv, "start_s,kind,target\n1,host_crash\n", "t:2:1",
                    "has 2 fields, the header 3"},
        BadTimeline{"UnclosedQuote", kCsv, "start_s,kind,name\n1,host_crash,\"x\n", "t:2:14",
                    "not closed"},
        BadTimeline{"UnknownKind", kCsv, "start_s,kind\n1, hostcrash\n", "t:2:4",
                    "kind: unknown fault kind \"hostcrash\" (kinds: host_crash, zone_outage"},
        BadTimeline{"MissingKind", kCsv, "start_s,kind\n1,\n", "t:2:1",
                    "kind: required (one of host_crash,"},
        BadTimeline{"MissingStart", kCsv, "start_s,kind\n ,host_crash\n", "t:2:1",
                    "start_s: required"},
        BadTimeline{"StartNotANumber", kCsv, "start_s,kind\nsoon,host_crash\n", "t:2:1",
                    "start_s: must be a finite number (got \"soon\")"},
        BadTimeline{"NaN", kCsv, "start_s,kind\nnan,host_crash\n", "t:2:1",
                    "must be a finite number (got \"nan\")"},
        BadTimeline{"Huge", kCsv, "start_s,kind\n1e999,host_crash\n", "t:2:1",
                    "must be a finite number (got \"1e999\")"},
        BadTimeline{"WrongParameterForKind", kCsv, "start_s,kind,capacity_loss\n1,latency,0.5\n",
                    "t:2:11",
                    "capacity_loss: not a parameter of latency (its parameters: latency_ms, "
                    "jitter_ms, jitter_distribution, probability, hosts.region, hosts.zone, "
                    "hosts.group, hosts.count, hosts.percent)"},
        BadTimeline{"NotAWholeNumber", kCsv, "start_s,kind,status\n1,errors,503.5\n", "t:2:10",
                    "status: must be a whole number from 0 to 4294967295 (got \"503.5\")"},
        BadTimeline{"NegativeCount", kCsv, "start_s,kind,target\n1,host_crash,r*-1\n", "t:2:14",
                    "target (hosts.count): must be a whole number"},
        BadTimeline{"UnknownEnum", kCsv, "start_s,kind,jitter_distribution\n1,latency,GAUSS\n",
                    "t:2:11", "must be one of UNIFORM, NORMAL, PARETO, PARETO_NORMAL"},
        BadTimeline{"NotABool", kCsv,
                    "start_s,kind,target,both_directions\n1,network_partition,a->b,yes\n", "t:2:26",
                    "both_directions: must be true or false (got \"yes\")"},
        BadTimeline{"TargetTooDeep", kCsv, "start_s,kind,target\n1,host_crash,a/b/c/d\n", "t:2:14",
                    "target: a target of host_crash is written "
                    "region[/zone[/group]][*count|*percent%] (got \"a/b/c/d\")"},
        BadTimeline{"RegionOutageWithZone", kCsv, "start_s,kind,target\n1,region_outage,a/b\n",
                    "t:2:17", "a target of region_outage is written region (got \"a/b\")"},
        BadTimeline{"ZoneOutageWithCount", kCsv, "start_s,kind,target\n1,zone_outage,a/b*2\n",
                    "t:2:15", "a target of zone_outage is written region/zone"},
        BadTimeline{"LinkWithoutArrow", kCsv, "start_s,kind,target\n1,network_partition,a/b\n",
                    "t:2:21",
                    "a target of network_partition is written from->to or from<->to (both "
                    "directions)"},
        BadTimeline{"LinkWithTwoArrows", kCsv, "start_s,kind,target\n1,link_degradation,a->b->c\n",
                    "t:2:20", "(got \"a->b->c\")"},
        BadTimeline{"ArrowForARegion", kCsv, "start_s,kind,target\n1,traffic_surge,a->b\n",
                    "t:2:17", "a target of traffic_surge is written region"},
        BadTimeline{"ZeroHostsWouldMeanAll", kCsv, "start_s,kind,target\n1,host_crash,r*0\n",
                    "t:2:14", "a target of host_crash is written"},
        BadTimeline{"ZeroPercentWouldMeanAll", kCsv, "start_s,kind,target\n1,host_crash,r*0.0%\n",
                    "t:2:14", "a target of host_crash is written"},
        BadTimeline{"SetTwice", kCsv, "start_s,kind,target,hosts.count\n1,host_crash,r*2,3\n",
                    "t:2:18", "hosts.count: also set by target"},
        BadTimeline{"DottedPastAScalarInTheHeader", kCsv,
                    "start_s,kind,latency_ms.x\n1,latency,3\n", "t:1:14",
                    "unknown column \"latency_ms.x\""},
        BadTimeline{"DottedPastAScalar", kJson,
                    "[{\"start_s\": 1, \"kind\": \"latency\", \"latency_ms.x\": 3}]", "t:1:36",
                    "latency_ms.x: not a parameter of latency"},
        BadTimeline{"UnknownKeyInJson", kJson,
                    "[{\"start_s\": 1, \"kind\": \"latency\", \"latncy_ms\": 3}]", "t:1:36",
                    "latncy_ms: not a parameter of latency (its parameters: latency_ms,"},
        BadTimeline{"JsonNotAnArray", kJson, "  {\"start_s\": 1}", "t:1:3",
                    "a timeline in JSON is an array of rows"},
        BadTimeline{"JsonScalarRoot", kJson, "\n 5", "t:2:2", "an array of rows"},
        BadTimeline{"JsonEmpty", kJson, "", "t:1:1", "unexpected end of input"},
        BadTimeline{"JsonNoRows", kJson, " [ ]", "t:1:1", "has no rows"},
        BadTimeline{"JsonSyntax", kJson, "[{\"start_s\": 1,}]", "t:1:16",
                    "expected string literal"},
        BadTimeline{"JsonNaN", kJson, "[{\"start_s\": NaN}]", "t:1:14", "invalid literal"},
        BadTimeline{"JsonRowNotAnObject", kJson,
                    "[{\"start_s\": 1, \"kind\": \"host_crash\"},\n  7]", "t:2:3",
                    "a row must be a JSON object"},
        BadTimeline{"JsonRowIsAnArray", kJson, "[\n [1]]", "t:2:2", "a row must be a JSON object"},
        BadTimeline{"JsonNestedValue", kJson,
                    "[{\"start_s\": 1, \"kind\": \"latency\", \"latency_ms\": {\"ms\": 5}}]",
                    "t:1:50", "latency_ms: must be a number, a string, true, false or null"},
        BadTimeline{"JsonDuplicateKey", kJson,
                    "[{\"start_s\": 1, \"kind\": \"host_crash\", \"start_s\": 2}]", "t:1:39",
                    "key \"start_s\" appears twice in the row"},
        BadTimeline{"JsonEscapedKey", kJson,
                    "[{\"start_s\": 1, \"kind\": \"host_crash\", \"a\\\"b\": 2}]", "t:1:39",
                    "a\"b: not a parameter of host_crash"},
        BadTimeline{"JsonBadNumberType", kJson,
                    "[{\"start_s\": 1, \"kind\": \"errors\", \"status\": -5}]", "t:1:45",
                    "status: must be a whole number from 0 to 4294967295 (got \"-5\")"},
        BadTimeline{"JsonMissingStart", kJson,
                    "[\n\n  {\"kind\": \"host_crash\", \"start_s\": null}]", "t:3:3",
                    "start_s: required"}),
    [](const ::testing::TestParamInfo<BadTimeline>& param) {
      return std::string(param.param.name);
    });

TEST(TimelineTest, EveryBadRowIsReportedWithEveryBadCell) {
  const auto errors = errorsOf(
      "start_s,kind,target,latency_ms\n"
      "1,latency,r,fast\n"
      "2,host_crash,r,\n"
      "x,latency,a->b,5\n"
      "3,crash,,\n",
      kCsv);
  EXPECT_THAT(errors,
              ElementsAre(errorAt("t:2:13", "latency_ms: must be a finite number (got \"fast\")"),
                          errorAt("t:4:11", "target: a target of latency is written"),
                          errorAt("t:4:1", "start_s: must be a finite number (got \"x\")"),
                          errorAt("t:5:3", "kind: unknown fault kind \"crash\"")));
  const auto json_errors = errorsOf(R"([
    {"start_s": 1, "kind": "latency", "latency_ms": "fast"},
    {"start_s": 2, "kind": "host_crash"},
    {"kind": "crash"}
  ])",
                                    kJson);
  EXPECT_THAT(json_errors, ElementsAre(errorAt("t:2:53", "latency_ms: must be a finite number"),
                                       errorAt("t:4:5", "start_s: required"),
                                       errorAt("t:4:14", "kind: unknown fault kind \"crash\"")));
}

TEST(TimelineTest, RowsMustFitBesideTheScenariosOwnFaults) {
  std::string csv = "start_s,kind\n";
  for (int i = 0; i < 1001; ++i)
    csv += "1,host_crash\n";
  EXPECT_THAT(errorsOf(csv, kCsv),
              ElementsAre(errorAt("t:1002:1",
                                  "more than 1000 rows: a scenario holds at most "
                                  "1000 faults")));
  EXPECT_THAT(errorsOf("start_s,kind\n1,host_crash\n1,host_crash\n", kCsv, 999),
              ElementsAre(errorAt("t:3:1",
                                  "more than 1 rows: a scenario holds at most 1000 "
                                  "faults, and has 999 of its own")));
  EXPECT_THAT(errorsOf(R"([{"start_s": 1, "kind": "host_crash"},
                          {"start_s": 2, "kind": "host_crash"}])",
                       kJson, 999),
              ElementsAre(errorAt("t:2:27", "more than 1 rows")));
  EXPECT_EQ(faultsOf("start_s,kind\n1,host_crash\n", kCsv, 999).size(), 1u);
}

// Untrusted files: each gives a clean error, none crashes or takes long.
TEST(TimelineTest, NastyFilesGiveCleanErrors) {
  std::string binary;
  for (int i = 0; i < 4096; ++i)
    binary += static_cast<char>((i * 7919) % 256);
  const std::vector<std::string> nasty = {
      binary,
      std::string(1'000'000, 'x'),
      std::string("start_s,kind\n") + std::string(1'000'000, ','),
      std::string("start_s,kind\n") + std::string(1'000'000, '"'),
      std::string("start_s,kind\n1,") + std::string(100'000, 'k') + "\n",
      std::string("start_s,kind,name\n1,host_crash,\"") + std::string(100'000, '"') + "\n",
      std::string("start_s,kind\n1\0,host_crash\n", 26),
      "start_s,kind\n1e308000,host_crash\n-1e-400,host_crash\n99999999999999999999999,x\n",
      "start_s,kind,status\n1,errors,99999999999999999999\n",
      "start_s,kind,target\n1,host_crash,*\n2,host_crash,*%\n3,host_crash,//*\n4,host_crash,<->\n",
      "start_s,kind,target\n1,network_partition,->\n2,network_partition,<-\n3,network_partition,<->"
      "\n",
      "start_s,kind,hosts\n1,host_crash,x\n",
      "start_s,kind,hosts.\n1,host_crash,x\n",
      "start_s,kind,.\n1,host_crash,x\n",
      "\r\n\r\n\r",
  };
  for (const std::string& text : nasty) {
    const auto read = readTimeline(text, "t", kCsv, 0);
    EXPECT_FALSE(read) << text.substr(0, 80);
    if (!read) {
      EXPECT_THAT(read.error(), Not(IsEmpty()));
      for (const Diagnostic& diagnostic : read.error())
        EXPECT_THAT(diagnostic.location, StartsWith("t:"));
    }
  }
  const std::vector<std::string> nasty_json = {
      binary,
      std::string(100'000, '[') + std::string(100'000, ']'),
      std::string("[") + std::string(100'000, '{'),
      std::string("[{\"start_s\": 1, \"kind\": \"latency\", \"latency_ms\": ") +
          std::string(100'000, '[') + std::string(100'000, ']') + "}]",
      "[{\"start_s\": 1e400, \"kind\": \"host_crash\"}]",
      "[{\"start_s\": 1, \"kind\": \"host_crash\"}] trailing",
      "[{\"start_s\": 1, \"kind\": \"host_crash\", \"name\": \"\\ud800\"}]",
      "[{\"start_s\": 99999999999999999999999999, \"kind\": true}]",
      "[{\"start_s\": 1, \"kind\": \"host_crash\", \"\": 1}]",
      "[\"start_s\", 1, null, true, false, []]",
      "[[1, [2, {\"a\": 1}], {\"b\": [3]}]]",
      std::string("[{\"start_s\": 1, \"kind\": \"host_crash\0\"}]", 39),
  };
  for (const std::string& text : nasty_json) {
    const auto read = readTimeline(text, "t", kJson, 0);
    EXPECT_FALSE(read) << text.substr(0, 80);
    if (!read) {
      EXPECT_THAT(read.error(), Not(IsEmpty()));
    }
  }
}

TEST(TimelineTest, ManyKeysInARowAreCut) {
  std::string json = "[{\"start_s\": 1, \"kind\": \"host_crash\"";
  for (int i = 0; i < 100'000; ++i)
    json += ", \"k" + std::to_string(i) + "\": 1";
  json += "}]";
  const auto errors = errorsOf(json, kJson);
  EXPECT_THAT(errors, SizeIs(1 + 62));  // 62 unknown keys, then the cut
  EXPECT_THAT(errors, Contains(Field("message", &Diagnostic::message,
                                     HasSubstr("a row has more than 64 keys"))));
}

}  // namespace
}  // namespace faultline::scenarios
