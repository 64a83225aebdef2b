// `faultline report`: Markdown, HTML and PDF from a run's or a comparison's results file, and bad
// input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/exit_codes.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kTinyScenario;
using testing::readFile;
using testing::runCommand;
using ::testing::StartsWith;
using testing::TempDir;

TEST(CliReportTest, MarkdownOfARunAndOfAComparison) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto run = dir / "run.json";
  const auto comparison = dir / "comparison.json";
  ASSERT_EQ(runCommand({"run", scenario.string(), "--json", run.string(), "-q"}).exit_code,
            kExitOk);
  ASSERT_EQ(runCommand({"compare", scenario.string(), "--strategies", "random,round-robin",
                        "--seeds", "2", "--json", comparison.string(), "-q"})
                .exit_code,
            kExitOk);

  const auto md = dir / "run.md";
  const auto from_run = runCommand({"report", run.string(), "--md", md.string()});
  EXPECT_EQ(from_run.exit_code, kExitOk) << ::testing::PrintToString(from_run);
  EXPECT_THAT(readFile(md), StartsWith("# tiny: round-robin, seed 3\n"));
  EXPECT_THAT(readFile(md), HasSubstr("**Verdict: SLO "));

  const auto from_comparison = runCommand({"report", comparison.string(), "--md", "-"});
  EXPECT_EQ(from_comparison.exit_code, kExitOk) << ::testing::PrintToString(from_comparison);
  EXPECT_THAT(from_comparison.out, StartsWith("# Comparison: tiny\n"));
  EXPECT_THAT(from_comparison.out, HasSubstr("## What the seeds show"));
  // The scenario comes from the comparison's example runs.
  EXPECT_THAT(from_comparison.out, HasSubstr("## Scenario\n\n| region |"));
  EXPECT_THAT(from_comparison.out,
              HasSubstr("| r | a | api: 2 x 2 workers, queue unlimited, 5 ms"));
}

TEST(CliReportTest, HtmlPdfAndMarkdownAtOnce) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto run = dir / "run.json";
  ASSERT_EQ(runCommand({"run", scenario.string(), "--json", run.string(), "-q"}).exit_code,
            kExitOk);
  const auto html = dir / "run.html";
  const auto pdf = dir / "run.pdf";
  // No display, and a platform that needs one: the report is drawn offscreen all the same.
  ::setenv("QT_QPA_PLATFORM", "xcb", 1);
  ::unsetenv("DISPLAY");
  ::unsetenv("WAYLAND_DISPLAY");
  const auto result = runCommand(
      {"report", run.string(), "--html", html.string(), "--pdf", pdf.string(), "--md", "-"});
  ASSERT_EQ(result.exit_code, kExitOk) << ::testing::PrintToString(result);
  EXPECT_THAT(result.out, StartsWith("# tiny: round-robin, seed 3\n"));
  EXPECT_THAT(readFile(html), StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(readFile(html), HasSubstr("<h1>tiny: round-robin, seed 3</h1>"));
  EXPECT_THAT(readFile(html), HasSubstr("<img width="));
  EXPECT_THAT(readFile(pdf), StartsWith("%PDF-"));
  EXPECT_THAT(readFile(pdf), HasSubstr("%%EOF"));

  const auto to_stdout = runCommand({"report", run.string(), "--html", "-"});
  EXPECT_EQ(to_stdout.exit_code, kExitOk);
  EXPECT_THAT(to_stdout.out, StartsWith("<!DOCTYPE html>"));
}

TEST(CliReportTest, BadInputExitsTwo) {
  const TempDir dir;
  const auto junk = dir.write("junk.json", "[1, 2]");
  const auto text = dir.write("text.json", "this is not json");
  auto expectBad = [](const std::vector<std::string>& args, const std::string& message) {
    const auto result = runCommand(args);
    EXPECT_EQ(result.exit_code, kExitBadInput) << ::testing::PrintToString(result);
    EXPECT_THAT(result.err, HasSubstr(message));
    EXPECT_THAT(result.out, IsEmpty());
  };
  expectBad({"report", junk.string()}, "say where to write the report: --md FILE");
  expectBad({"report", junk.string(), "--md", "-"},
            "not a Faultline results file: not a JSON object");
  expectBad({"report", text.string(), "--md", "-"}, "not a Faultline results file");
  expectBad({"report", (dir / "none.json").string(), "--md", "-"}, "none.json");
  expectBad({"report", junk.string(), "--md", dir.path().string()}, "--md: is a directory");
  expectBad({"report", junk.string(), "--md", "/no-such-directory/r.md"},
            "--md: /no-such-directory/r.md");
  expectBad({"report", junk.string(), "--pdf", "-"}, "--pdf: a PDF goes to a file, not stdout");
  expectBad({"report", junk.string(), "--md", "-", "--html", "-"},
            "only one report can go to stdout (-)");
  expectBad({"report", junk.string(), "--html", dir.path().string()}, "--html: is a directory");
  expectBad({"report", junk.string(), "--pdf", "/no-such-directory/r.pdf"},
            "--pdf: /no-such-directory/r.pdf");
  // Nothing half-written: the files opened before the results were read are gone.
  expectBad({"report", junk.string(), "--pdf", (dir / "r.pdf").string(), "--html",
             (dir / "r.html").string()},
            "not a Faultline results file");
  EXPECT_FALSE(std::filesystem::exists(dir / "r.pdf"));
  EXPECT_FALSE(std::filesystem::exists(dir / "r.html"));
  const auto empty = dir.write("empty.json", "{}");
  expectBad({"report", empty.string(), "--md", "-"},
            "neither a run's results (run, summary) nor a comparison");
  // A comparison whose baseline lost its metrics once crashed the narrative.
  const auto lopsided =
      dir.write("lopsided.json",
                R"({"metricInfo": [{"name": "availability"}], "ranking": [{"strategy": "a"}],
          "strategies": [{"strategy": "a", "metrics": []}]})");
  expectBad({"report", lopsided.string(), "--md", "-"},
            "strategy \"a\" has 0 metrics, metricInfo 1");
}

TEST(CliReportTest, RunAndCompareWriteTheirReportsIntoADirectory) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto run_dir = dir / "reports" / "run";  // parents are created
  const auto run = runCommand({"run", scenario.string(), "--report", run_dir.string(), "-q"});
  ASSERT_EQ(run.exit_code, kExitOk) << ::testing::PrintToString(run);
  EXPECT_THAT(readFile(run_dir / "results.json"), HasSubstr("\"windows\""));
  EXPECT_THAT(readFile(run_dir / "report.md"), StartsWith("# tiny: round-robin, seed 3\n"));
  EXPECT_THAT(readFile(run_dir / "report.html"), HasSubstr("<h1>tiny: round-robin, seed 3</h1>"));
  EXPECT_THAT(readFile(run_dir / "report.pdf"), StartsWith("%PDF-"));

  // With --json FILE the results go there, and the report is still written.
  const auto json = dir / "elsewhere.json";
  const auto with_json = runCommand({"run", scenario.string(), "--report", run_dir.string(),
                                     "--json", json.string(), "--seed", "9", "-q"});
  ASSERT_EQ(with_json.exit_code, kExitOk) << ::testing::PrintToString(with_json);
  EXPECT_THAT(readFile(run_dir / "report.md"), StartsWith("# tiny: round-robin, seed 9\n"));

  const auto compare_dir = dir / "compare";
  const auto compare = runCommand({"compare", scenario.string(), "--strategies", "random,maglev",
                                   "--seeds", "2", "--report", compare_dir.string(), "-q"});
  ASSERT_EQ(compare.exit_code, kExitOk) << ::testing::PrintToString(compare);
  EXPECT_THAT(readFile(compare_dir / "comparison.json"), HasSubstr("\"ranking\""));
  EXPECT_THAT(readFile(compare_dir / "report.md"), StartsWith("# Comparison: tiny\n"));
  EXPECT_THAT(readFile(compare_dir / "report.html"), HasSubstr("<h1>Comparison: tiny</h1>"));
  EXPECT_THAT(readFile(compare_dir / "report.pdf"), StartsWith("%PDF-"));
}

TEST(CliReportTest, ABadReportDirectoryFailsBeforeTheRun) {
  const TempDir dir;
  const auto scenario = dir.write("tiny.textproto", kTinyScenario);
  const auto file = dir.write("taken", "a file, not a directory");
  for (const std::string command : {"run", "compare"}) {
    const auto result = runCommand({command, scenario.string(), "--report", file.string()});
    EXPECT_EQ(result.exit_code, kExitBadInput) << ::testing::PrintToString(result);
    EXPECT_THAT(result.err, HasSubstr("--report: "));
    EXPECT_THAT(result.out, IsEmpty());
  }
  const auto to_stdout =
      runCommand({"run", scenario.string(), "--report", (dir / "r").string(), "--json", "-"});
  EXPECT_EQ(to_stdout.exit_code, kExitBadInput);
  EXPECT_THAT(to_stdout.err, HasSubstr("not with --json -"));
}

}  // namespace
}  // namespace faultline::cli
