#include "reports/results_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "tests/reports/reports_test_support.h"

namespace faultline::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::readFile;
using testing::sampleResult;
using ::testing::StartsWith;
using testing::TempDir;

bool sameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

TEST(ReportsJsonTest, RoundTripsAHandBuiltResult) {
  const results::RunResult original = sampleResult();
  const std::string json = toJson(original);
  EXPECT_THAT(json, StartsWith("{\n"));
  EXPECT_THAT(json, EndsWith("}\n"));
  auto parsed = parseResultsJson(json);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_TRUE(sameMessage(*parsed, original)) << parsed->DebugString();
  // Printing what was read gives the same bytes again.
  EXPECT_EQ(toJson(*parsed), json);
}

TEST(ReportsJsonTest, IsDeterministic) {
  EXPECT_EQ(toJson(sampleResult()), toJson(sampleResult()));
}

TEST(ReportsJsonTest, UsesLowerCamelCaseNames) {
  const std::string json = toJson(sampleResult());
  for (const char* name : {"\"requestsTotal\": \"1234567\"", "\"latencyMs\": {", "\"p999\": 250.5",
                           "\"durationS\": 600", "\"faultlineVersion\": \"0.1.0\"",
                           "\"crossRegionRequests\": \"4321\"", "\"availabilityFrom\": ",
                           "\"fromRegion\": \"us-east\"", "\"sloViolated\": true"}) {
    EXPECT_THAT(json, HasSubstr(name)) << name;
  }
  for (const char* name : {"requests_total", "latency_ms", "duration_s", "from_region"}) {
    EXPECT_THAT(json, Not(HasSubstr(name))) << name;
  }
}

TEST(ReportsJsonTest, KeepsInt64PrecisionAsStrings) {
  results::RunResult result;
  result.mutable_summary()->set_requests_total(INT64_MAX);
  result.mutable_run()->set_seed(UINT64_MAX);
  const std::string json = toJson(result);
  EXPECT_THAT(json, HasSubstr("\"requestsTotal\": \"9223372036854775807\""));
  EXPECT_THAT(json, HasSubstr("\"seed\": \"18446744073709551615\""));
  auto parsed = parseResultsJson(json);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_EQ(parsed->summary().requests_total(), INT64_MAX);
  EXPECT_EQ(parsed->run().seed(), UINT64_MAX);
}

TEST(ReportsJsonTest, PrintsZeroValuesSoNoFieldDisappears) {
  // What the engine writes for a run in which nothing happened: every message present, all zero.
  results::RunResult zero;
  zero.mutable_run();
  auto& summary = *zero.mutable_summary();
  summary.mutable_latency_ms();
  summary.mutable_failures();
  summary.mutable_slo();
  const std::string json = toJson(zero);
  for (const char* field :
       {"\"requestsTotal\": \"0\"", "\"availability\": 0", "\"noHealthyHost\": \"0\"",
        "\"unfinished\": \"0\"", "\"p999\": 0", "\"windows\": []", "\"events\": []",
        "\"met\": false", "\"scenario\": \"\"", "\"seed\": \"0\"", "\"regions\": []"}) {
    EXPECT_THAT(json, HasSubstr(field)) << field;
  }
  EXPECT_THAT(json, EndsWith("\n"));
  auto parsed = parseResultsJson(json);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_TRUE(sameMessage(*parsed, zero));
}

TEST(ReportsJsonTest, EmptyResultIsValidJson) {
  // Messages never set are left out (protobuf prints no unset message), repeated fields are not.
  const std::string json = toJson(results::RunResult{});
  EXPECT_EQ(json, "{\n \"windows\": [],\n \"events\": []\n}\n");
  auto parsed = parseResultsJson(json);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_TRUE(sameMessage(*parsed, results::RunResult{}));
}

TEST(ReportsJsonTest, ZeroFieldsInsideRepeatedMessagesArePrinted) {
  results::RunResult result;
  result.add_windows();  // all zero
  const std::string json = toJson(result);
  EXPECT_THAT(json, HasSubstr("\"startS\": 0"));
  EXPECT_THAT(json, HasSubstr("\"arrivals\": \"0\""));
  EXPECT_THAT(json, HasSubstr("\"activeFaults\": []"));
}

TEST(ReportsJsonTest, EnumsPrintAsNames) {
  const std::string json = toJson(sampleResult());
  EXPECT_THAT(json, HasSubstr("\"kind\": \"FAILOVER\""));
  EXPECT_THAT(json, HasSubstr("\"kind\": \"FAULT_STARTED\""));
}

TEST(ReportsJsonTest, IndentsOneSpacePerLevelAsProtobufPrints) {
  EXPECT_THAT(toJson(sampleResult()), StartsWith("{\n \"run\": {\n  \"scenario\": "));
}

TEST(ReportsJsonTest, ParseRefusesGarbage) {
  for (const char* garbage :
       {"", "not json", "{", "[1, 2]", "{\"summary\": 5}",
        "{\"summary\": {\"requestsTotal\": \"many\"}}", "{\"run\": {\"seed\": -1}}"}) {
    auto parsed = parseResultsJson(garbage);
    ASSERT_FALSE(parsed.hasValue()) << garbage;
    EXPECT_THAT(parsed.error(), Not(IsEmpty())) << garbage;
  }
}

TEST(ReportsJsonTest, ParseIgnoresFieldsOfNewerVersions) {
  auto parsed = parseResultsJson(
      R"({"run": {"scenario": "x", "cpuModel": "future"}, "somethingNew": [1, 2]})");
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_EQ(parsed->run().scenario(), "x");
}

TEST(ReportsJsonTest, ParseReadsTheDenseTrafficListsOfOlderFilesAsUnknown) {
  // Files written before the traffic between regions became sparse pairs held it as numbers.
  auto parsed = parseResultsJson(R"({"windows": [{"regions": [{"region": "a",
      "servedBy": ["80", "20"], "okServedBy": ["80", "19"], "requestsFrom": "100"}]}]})");
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_EQ(parsed->windows(0).regions(0).requests_from(), 100);
  EXPECT_EQ(parsed->windows(0).regions(0).traffic_size(), 0);
  EXPECT_FALSE(parsed->topology().counts_traffic());
}

TEST(ReportsJsonTest, ParseTreatsUnknownEventKindsAsUnspecified) {
  // Newer versions may add kinds of events; an older reader keeps the event, kind unspecified.
  auto parsed = parseResultsJson(R"({"events": [{"kind": "EXPLODED", "timeS": 2.5}]})");
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  ASSERT_EQ(parsed->events_size(), 1);
  EXPECT_EQ(parsed->events(0).kind(), results::Event::KIND_UNSPECIFIED);
  EXPECT_DOUBLE_EQ(parsed->events(0).time_s(), 2.5);
}

TEST(ReportsJsonTest, ParseAcceptsProtoFieldNames) {
  auto parsed = parseResultsJson(R"({"summary": {"requests_total": "12", "requestsOk": 11}})");
  ASSERT_TRUE(parsed.hasValue()) << parsed.error();
  EXPECT_EQ(parsed->summary().requests_total(), 12);
  EXPECT_EQ(parsed->summary().requests_ok(), 11);
}

TEST(ReportsResultsFileTest, ReadsWhatWasWritten) {
  const TempDir dir;
  const auto path = dir / "results.json";
  const auto written = writeFileAtomically(path, toJson(sampleResult()));
  ASSERT_TRUE(written.hasValue()) << written.error();
  auto read = readResultsFile(path);
  ASSERT_TRUE(read.hasValue()) << read.error();
  EXPECT_TRUE(sameMessage(*read, sampleResult()));
}

TEST(ReportsResultsFileTest, MissingFileIsNamed) {
  const TempDir dir;
  const auto path = dir / "missing.json";
  auto read = readResultsFile(path);
  ASSERT_FALSE(read.hasValue());
  EXPECT_EQ(read.error(), path.string() + ": No such file or directory");
}

TEST(ReportsResultsFileTest, FileThatIsNotResultsIsNamed) {
  const TempDir dir;
  const auto path = dir.write("notes.json", "these are not results\n");
  auto read = readResultsFile(path);
  ASSERT_FALSE(read.hasValue());
  EXPECT_THAT(read.error(), StartsWith(path.string() + ": not a Faultline results file: "));
}

TEST(ReportsResultsFileTest, DirectoryIsNotAResultsFile) {
  const TempDir dir;
  auto read = readResultsFile(dir.path());
  ASSERT_FALSE(read.hasValue());
  EXPECT_THAT(read.error(), StartsWith(dir.path().string()));
}

TEST(ReportsAtomicWriteTest, WritesTheContent) {
  const TempDir dir;
  const auto path = dir / "out.txt";
  ASSERT_TRUE(writeFileAtomically(path, "hello\n").hasValue());
  EXPECT_EQ(readFile(path), "hello\n");
  EXPECT_THAT(dir.entries(), ElementsAre("out.txt"));
}

TEST(ReportsAtomicWriteTest, WritesBinaryContentAndEmptyFiles) {
  const TempDir dir;
  const std::string binary("a\0b\r\n\xff", 6);
  ASSERT_TRUE(writeFileAtomically(dir / "binary", binary).hasValue());
  EXPECT_EQ(readFile(dir / "binary"), binary);
  ASSERT_TRUE(writeFileAtomically(dir / "empty", "").hasValue());
  EXPECT_TRUE(std::filesystem::exists(dir / "empty"));
  EXPECT_EQ(std::filesystem::file_size(dir / "empty"), 0u);
  EXPECT_THAT(dir.entries(), ElementsAre("binary", "empty"));
}

TEST(ReportsAtomicWriteTest, ReplacesAnExistingFileEntirely) {
  const TempDir dir;
  const auto path = dir.write("out.txt", std::string(100'000, 'o') + "old tail\n");
  ASSERT_TRUE(writeFileAtomically(path, "new\n").hasValue());
  EXPECT_EQ(readFile(path), "new\n");
  EXPECT_THAT(dir.entries(), ElementsAre("out.txt"));
}

TEST(ReportsAtomicWriteTest, WritesLargeContent) {
  const TempDir dir;
  std::string content;
  for (int i = 0; i < 200'000; ++i)
    content += std::to_string(i) + '\n';
  ASSERT_TRUE(writeFileAtomically(dir / "big", content).hasValue());
  EXPECT_TRUE(readFile(dir / "big") == content);
}

TEST(ReportsAtomicWriteTest, MissingDirectoryIsAnErrorAndCreatesNothing) {
  const TempDir dir;
  const auto path = dir / "no-such-dir" / "out.json";
  const auto written = writeFileAtomically(path, "{}\n");
  ASSERT_FALSE(written.hasValue());
  EXPECT_EQ(written.error(), path.string() + ": No such file or directory");
  EXPECT_FALSE(std::filesystem::exists(dir / "no-such-dir"));
  EXPECT_THAT(dir.entries(), IsEmpty());
}

TEST(ReportsAtomicWriteTest, OntoADirectoryIsAnErrorAndLeavesNoTemporaryFile) {
  const TempDir dir;
  std::filesystem::create_directory(dir / "taken");
  const auto written = writeFileAtomically(dir / "taken", "{}\n");
  ASSERT_FALSE(written.hasValue());
  EXPECT_THAT(written.error(), StartsWith((dir / "taken").string() + ": "));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "taken"));
  EXPECT_THAT(dir.entries(), ElementsAre("taken"));
}

TEST(ReportsAtomicWriteTest, RelativePathWritesIntoTheCurrentDirectory) {
  const TempDir dir;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const auto written = writeFileAtomically("here.json", "{}\n");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(written.hasValue()) << written.error();
  EXPECT_EQ(readFile(dir / "here.json"), "{}\n");
  EXPECT_THAT(dir.entries(), ElementsAre("here.json"));
}

TEST(ReportsAtomicWriteTest, NewFileGetsTheUsualPermissions) {
  // mkstemp creates 0600; the file must end up as any new file would: 0666 less the umask.
  const TempDir dir;
  const mode_t mask = ::umask(027);
  const auto written = writeFileAtomically(dir / "out.json", "{}\n");
  ::umask(mask);
  ASSERT_TRUE(written.hasValue());
  struct stat info {};
  ASSERT_EQ(::stat((dir / "out.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
}

}  // namespace
}  // namespace faultline::reports
