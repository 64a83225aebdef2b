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
#include <vector>

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

// The real binary as a proxy, `faultline proxy ARGS`, its stdout on a pipe.
struct ProxyProcess {
  pid_t pid = 0;
  int out = -1;  // the read end of its stdout
};

ProxyProcess spawnProxy(const std::vector<std::string>& args) {
  ProxyProcess proxy;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return proxy;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> argv = {const_cast<char*>(FAULTLINE_BINARY), const_cast<char*>("proxy")};
  for (const auto& arg : args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  if (posix_spawn(&proxy.pid, FAULTLINE_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
    proxy.pid = 0;
  }
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  proxy.out = pipe_fds[0];
  return proxy;
}

// The port at the end of a line the proxy printed ("... on 127.0.0.1:PORT, ..."), 0 if none.
std::uint16_t portIn(const std::string& line, const std::string& after) {
  const auto at = line.find(after);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(line.substr(at + after.size())));
}

// SIGTERM, then its exit status once it drained; `io` keeps turning (a backend may run on it).
int terminate(boost::asio::io_context& io, const ProxyProcess& proxy) {
  int status = 0;
  if (kill(proxy.pid, SIGTERM) != 0) return -1;
  faultline::live::testing::runUntil(
      io, [&] { return waitpid(proxy.pid, &status, WNOHANG) == proxy.pid; });
  close(proxy.out);
  return status;
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

  const ProxyProcess proxy = spawnProxy(
      {"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", backend_address});
  ASSERT_NE(proxy.pid, 0);
  const std::string line = readLine(proxy.out, 10'000);
  ASSERT_THAT(line, HasSubstr("faultline proxy listening on 127.0.0.1:"));
  const auto port = portIn(line, "127.0.0.1:");
  const std::string admin_line = readLine(proxy.out, 10'000);
  ASSERT_THAT(admin_line, HasSubstr("admin on 127.0.0.1:"));
  const auto admin_port = portIn(admin_line, "127.0.0.1:");

  const auto answer = live::testing::send(io, port, live::testing::get("/hello"));
  EXPECT_FALSE(answer.error) << answer.error.message();
  EXPECT_EQ(answer.status(), 200u);
  EXPECT_EQ(answer.header("x-faultline-host"), "only");
  const auto metrics = live::testing::send(io, admin_port, live::testing::get("/metrics"));
  EXPECT_EQ(metrics.status(), 200u);
  EXPECT_THAT(metrics.response.body(), HasSubstr("faultline_proxy_requests_total 1\n"));

  // The backend runs on this thread's io_context: it keeps turning while the child drains.
  const int status = terminate(io, proxy);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitOk);
}

// A limit given on the command line is the one the proxy applies: a 2 KiB header is too large
// under --max-header-size 1k (and would pass the 16 KiB default).
TEST(CliProcessTest, TheProxyAppliesALimitGivenOnTheCommandLine) {
  namespace live = faultline::live;
  boost::asio::io_context io;
  live::SyntheticBackendConfig config;
  config.name = "only";
  live::SyntheticBackend backend(io, config);
  const std::string backend_address = "127.0.0.1:" + std::to_string(backend.port());

  const ProxyProcess proxy = spawnProxy({"--listen", "127.0.0.1:0", "--admin", "none", "--backend",
                                         backend_address, "--max-header-size", "1k"});
  ASSERT_NE(proxy.pid, 0);
  const std::string line = readLine(proxy.out, 10'000);
  ASSERT_THAT(line, HasSubstr("faultline proxy listening on 127.0.0.1:"));
  const auto port = portIn(line, "127.0.0.1:");

  const auto small = live::testing::send(io, port, live::testing::get("/small"));
  EXPECT_EQ(small.status(), 200u) << small.error.message();
  const auto large = live::testing::send(
      io, port, live::testing::get("/large", {{"x-padding", std::string(2048, 'a')}}));
  EXPECT_EQ(large.status(), 431u) << large.error.message();
  EXPECT_EQ(large.header("x-faultline-host"), "");  // the proxy's own answer, not the backend's

  const int status = terminate(io, proxy);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitOk);
}

}  // namespace
}  // namespace faultline::cli
