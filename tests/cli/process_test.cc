// The real `faultline` binary, run as a separate process: determinism across processes
// (DESIGN.md, "Results conventions") and the exit codes a shell sees.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "engine/live/synthetic_backend.h"
#include "tests/cli/cli_test_support.h"
#include "tests/engine/live/live_test_support.h"

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

// A line of the child's output, within `deadline_ms`; empty when none came.
std::string readLine(int fd, int deadline_ms) {
  std::string line;
  char c = 0;
  while (true) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, deadline_ms) <= 0) return {};
    if (read(fd, &c, 1) != 1 || c == '\n') return line;
    line += c;
  }
}

// The real binary as a proxy: it says where it listens, forwards, and drains on SIGTERM with
// exit code 0.
TEST(CliProcessTest, TheProxyServesAndDrainsOnSigterm) {
  namespace live = faultline::live;
  boost::asio::io_context io;
  live::SyntheticBackendConfig config;
  config.name = "only";
  live::SyntheticBackend backend(io, config);
  const std::string backend_address = "127.0.0.1:" + std::to_string(backend.port());

  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  const char* argv[] = {FAULTLINE_BINARY, "proxy",       "--listen",  "127.0.0.1:0",
                        "--admin",        "127.0.0.1:0", "--backend", backend_address.c_str(),
                        nullptr};
  pid_t child = 0;
  ASSERT_EQ(posix_spawn(&child, FAULTLINE_BINARY, &actions, nullptr, const_cast<char* const*>(argv),
                        environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  const std::string line = readLine(pipe_fds[0], 10'000);
  ASSERT_THAT(line, HasSubstr("faultline proxy listening on 127.0.0.1:"));
  const auto port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  const std::string admin_line = readLine(pipe_fds[0], 10'000);
  ASSERT_THAT(admin_line, HasSubstr("admin on 127.0.0.1:"));
  const auto admin_port =
      static_cast<std::uint16_t>(std::stoi(admin_line.substr(admin_line.rfind(':') + 1)));

  const auto answer = live::testing::send(io, port, live::testing::get("/hello"));
  EXPECT_FALSE(answer.error) << answer.error.message();
  EXPECT_EQ(answer.status(), 200u);
  EXPECT_EQ(answer.header("x-faultline-host"), "only");
  const auto metrics = live::testing::send(io, admin_port, live::testing::get("/metrics"));
  EXPECT_EQ(metrics.status(), 200u);
  EXPECT_THAT(metrics.response.body(), HasSubstr("faultline_proxy_requests_total 1\n"));

  ASSERT_EQ(kill(child, SIGTERM), 0);
  int status = 0;
  // The backend runs on this thread's io_context: keep it turning while the child drains.
  live::testing::runUntil(io, [&] { return waitpid(child, &status, WNOHANG) == child; });
  close(pipe_fds[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitOk);
}

}  // namespace
}  // namespace faultline::cli
