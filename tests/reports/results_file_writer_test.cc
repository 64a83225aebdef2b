// The streaming results writer against the whole-result printer: same bytes, whatever the run.
#include "reports/results_file_writer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "engine/metrics/result_recorder.h"
#include "engine/sim/simulation.h"
#include "reports/results_io.h"
#include "scenarios/loader.h"
#include "tests/reports/reports_test_support.h"

namespace faultline::reports {
namespace {

using testing::readFile;
using testing::TempDir;

// Runs a built-in scenario with both a whole-result recorder and a streaming writer listening.
std::string streamAndCompare(const std::string& scenario, std::chrono::seconds duration,
                             const std::filesystem::path& path, std::ostream& standard_output) {
  auto loaded = scenarios::loadScenario(scenario);
  EXPECT_TRUE(loaded);
  sim::RunOverrides overrides;
  overrides.duration = duration;
  auto spec = sim::buildWorldSpec(loaded->scenario, overrides);
  EXPECT_TRUE(spec);
  auto writer = ResultsFileWriter::open(path, standard_output);
  EXPECT_TRUE(writer);
  metrics::ResultRecorder whole;
  metrics::ObserverList observers;
  observers.add(whole);
  observers.add(**writer);
  EXPECT_TRUE(sim::simulate(*spec, observers).finished());
  EXPECT_TRUE((*writer)->commit());
  EXPECT_EQ((*writer)->resultWithoutWindows().windows_size(), 0);
  EXPECT_EQ((*writer)->resultWithoutWindows().summary().requests_total(),
            whole.result().summary().requests_total());
  return toJson(whole.result());
}

TEST(ReportsResultsFileWriterTest, WritesExactlyTheBytesOfTheWholeResult) {
  TempDir dir;
  std::ostringstream unused;
  for (const auto* scenario : {"region-outage", "bench-3region"}) {
    const auto path = dir.path() / (std::string(scenario) + ".json");
    const auto expected = streamAndCompare(scenario, std::chrono::seconds(130), path, unused);
    EXPECT_EQ(readFile(path), expected) << scenario;
  }
  EXPECT_TRUE(unused.str().empty());
}

TEST(ReportsResultsFileWriterTest, DashWritesToTheStreamGiven) {
  TempDir dir;
  std::ostringstream out;
  const auto expected = streamAndCompare("bench-3region", std::chrono::seconds(3), "-", out);
  EXPECT_EQ(out.str(), expected);
  EXPECT_FALSE(std::filesystem::exists("-"));
}

TEST(ReportsResultsFileWriterTest, AnAbandonedWriterLeavesNothingBehind) {
  TempDir dir;
  std::ostringstream unused;
  {
    auto writer = ResultsFileWriter::open(dir.path() / "results.json", unused);
    ASSERT_TRUE(writer);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ReportsResultsFileWriterTest, AMissingDirectoryFailsAtOpen) {
  TempDir dir;
  std::ostringstream unused;
  auto writer = ResultsFileWriter::open(dir.path() / "missing" / "results.json", unused);
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace faultline::reports
