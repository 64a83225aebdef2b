// The real `faultline` binary, run as a separate process: determinism across processes
// (DESIGN.md, "Results conventions") and the exit codes a shell sees.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "tests/cli/cli_test_support.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::readFile;
using testing::TempDir;

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `faultline ARGS` in `dir`, with stdout and stderr to files there; returns the exit status.
int runBinary(const TempDir& dir, const std::string& args, const std::string& name) {
  const std::string command = "cd " + quoted(dir.path().string()) + " && " +
                              quoted(FAULTLINE_BINARY) + " " + args + " >" +
                              quoted((dir / (name + ".out")).string()) + " 2>" +
                              quoted((dir / (name + ".err")).string()) + " </dev/null";
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(CliProcessTest, TwoProcessesWriteByteIdenticalResults) {
  const TempDir dir;
  const auto a = dir / "a.json";
  const auto b = dir / "b.json";
  ASSERT_EQ(runBinary(dir, "run region-outage --duration 20s --json " + quoted(a.string()), "a"),
            kExitOk)
      << readFile(dir / "a.err");
  ASSERT_EQ(runBinary(dir, "run region-outage --duration 20s --json " + quoted(b.string()), "b"),
            kExitOk)
      << readFile(dir / "b.err");
  const std::string first = readFile(a);
  const std::string second = readFile(b);
  ASSERT_THAT(first, HasSubstr("\"requestsTotal\""));
  EXPECT_EQ(first.size(), second.size());
  EXPECT_TRUE(first == second) << "results differ between two processes";
  // The summaries on stdout match too, and stderr stays clean when it is not a terminal.
  EXPECT_EQ(readFile(dir / "a.out"), readFile(dir / "b.out"));
  EXPECT_THAT(readFile(dir / "a.err"), IsEmpty());
}

TEST(CliProcessTest, JsonToStdoutOfTheBinaryMatchesTheFile) {
  const TempDir dir;
  const auto file = dir / "file.json";
  ASSERT_EQ(
      runBinary(dir, "run region-outage --duration 20s --json " + quoted(file.string()), "file"),
      kExitOk);
  ASSERT_EQ(runBinary(dir, "run region-outage --duration 20s --json -", "stdout"), kExitOk);
  EXPECT_TRUE(readFile(file) == readFile(dir / "stdout.out"));
  EXPECT_THAT(readFile(dir / "stdout.err"), IsEmpty());
  // "-" is stdout, not a file of that name.
  EXPECT_FALSE(std::filesystem::exists(dir / "-"));
}

TEST(CliProcessTest, BadArgumentExitsWithTwo) {
  const TempDir dir;
  EXPECT_EQ(runBinary(dir, "run region-outage --strategy nope", "strategy"), kExitBadInput);
  EXPECT_THAT(readFile(dir / "strategy.err"), HasSubstr("--strategy"));
  EXPECT_THAT(readFile(dir / "strategy.out"), IsEmpty());
  EXPECT_EQ(runBinary(dir, "run region-outage --duration abc", "duration"), kExitBadInput);
  EXPECT_EQ(runBinary(dir, "--frobnicate", "option"), kExitBadInput);
  EXPECT_EQ(runBinary(dir, "", "none"), kExitBadInput);
}

TEST(CliProcessTest, HelpAndVersionExitWithZero) {
  const TempDir dir;
  EXPECT_EQ(runBinary(dir, "--help", "help"), kExitOk);
  EXPECT_THAT(readFile(dir / "help.out"), HasSubstr("strategies"));
  EXPECT_EQ(runBinary(dir, "--version", "version"), kExitOk);
  EXPECT_EQ(readFile(dir / "version.out"), "faultline 0.1.0\n");
}

}  // namespace
}  // namespace faultline::cli
