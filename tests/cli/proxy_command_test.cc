// `faultline proxy`: its arguments, checked before anything listens.
#include "cli/proxy_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/exit_codes.h"
#include "tests/support/temp_dir.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;

int run(const std::vector<const char*>& args, std::string& err, std::string* out = nullptr) {
  std::vector<const char*> argv = {"faultline"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream output;
  std::ostringstream errors;
  const int code = runMain(static_cast<int>(argv.size()), argv.data(), output, errors);
  err = errors.str();
  if (out) *out = output.str();
  return code;
}

// Every limit, in --help's order: limits compare as their descriptions, and differ readably.
std::string described(const live::ProxyLimits& l) {
  std::ostringstream out;
  out << "connections " << l.max_connections << ", head " << l.max_header_bytes << ", body "
      << l.max_body_bytes << ", response head " << l.max_response_header_bytes << ", response body "
      << l.max_response_body_bytes << ", head timeout " << l.request_head_timeout.count()
      << " ns, client idle " << l.client_idle_timeout.count() << " ns, connect "
      << l.connect_timeout.count() << " ns, request " << l.request_timeout.count()
      << " ns, upstream idle " << l.upstream_idle_timeout.count() << " ns, drain "
      << l.drain_timeout.count() << " ns";
  return out.str();
}

// `faultline proxy ARGS` as CLI11 reads it into the arguments, without running anything.
ProxyArguments parsed(std::vector<std::string> args) {
  CLI::App app;
  ProxyArguments arguments;
  addProxyCommand(app, arguments);
  args.insert(args.begin(), "proxy");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  app.parse(args);
  return arguments;
}

TEST(ProxyCommandTest, APlanFromTheQuickStartOptions) {
  ProxyArguments arguments;
  arguments.listen = "[::1]:0";
  arguments.backends = {"10.0.0.1:8080", "api.internal:80"};
  arguments.strategy = "least-request";
  arguments.retries = 2;
  auto plan = proxyPlanOf(arguments);
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(plan->listen.host, "::1");
  EXPECT_EQ(plan->listen.port, 0);
  ASSERT_EQ(plan->config.backends.size(), 2u);
  EXPECT_EQ(plan->config.backends[1].host, "api.internal");
  EXPECT_EQ(plan->config.backends[1].port, 80);
  EXPECT_EQ(plan->config.strategy, "least-request");
  EXPECT_EQ(plan->config.balancer.retry.num_retries, 2u);
  EXPECT_TRUE(plan->config.balancer.health_check.enabled);  // HAProxy's checks by default
  arguments.no_health_checks = true;
  EXPECT_FALSE(proxyPlanOf(arguments)->config.balancer.health_check.enabled);
  EXPECT_EQ(plan->admin->port, 9901);  // Envoy's admin port, on loopback
  EXPECT_EQ(plan->admin->host, "127.0.0.1");
  arguments.admin = "none";
  EXPECT_FALSE(proxyPlanOf(arguments)->admin.has_value());
}

TEST(ProxyCommandTest, BadArgumentsExitWithTwoNamingTheOption) {
  std::string err;
  EXPECT_EQ(run({"proxy", "--backend", "10.0.0.1"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("--backend: \"10.0.0.1\" is not HOST:PORT: no port"));
  EXPECT_EQ(run({"proxy", "--backend", "10.0.0.1:0"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("from 1 to 65535"));
  EXPECT_EQ(run({"proxy", "--backend", "::1:80"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("brackets"));
  EXPECT_EQ(run({"proxy", "--backend", "127.0.0.1:80", "--strategy", "fastest"}, err),
            kExitBadInput);
  EXPECT_THAT(err, HasSubstr("--strategy"));
  EXPECT_THAT(err, HasSubstr("round-robin"));  // the known ones listed
  EXPECT_EQ(run({"proxy", "--backend", "127.0.0.1:80", "--listen", "nowhere"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("--listen"));
  EXPECT_EQ(run({"proxy", "--backend", "127.0.0.1:80", "--health-path", "healthz"}, err),
            kExitBadInput);
  EXPECT_THAT(err, HasSubstr("--health-path"));
  EXPECT_EQ(run({"proxy", "--backend", "127.0.0.1:80", "--admin", "9901"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("--admin"));
  EXPECT_EQ(run({"proxy"}, err), kExitBadInput);  // no backend: never an open proxy
  EXPECT_THAT(err, HasSubstr("--backend: at least one, or --config"));
}

constexpr const char* kBackend = "127.0.0.1:80";

TEST(ProxyCommandTest, EachLimitOptionLandsInTheLimits) {
  using namespace std::chrono_literals;
  auto arguments = parsed({"--backend",
                           kBackend,
                           "--max-connections",
                           "250",
                           "--max-header-size",
                           "1k",
                           "--max-body-size",
                           "2M",
                           "--max-response-header-size",
                           "32768",
                           "--max-response-body-size",
                           "16m",
                           "--timeout-head",
                           "2s",
                           "--timeout-client-idle",
                           "1m",
                           "--timeout-connect",
                           "250ms",
                           "--timeout-request",
                           "30s",
                           "--timeout-upstream-idle",
                           "20s",
                           "--timeout-drain",
                           "1.5s"});
  auto plan = proxyPlanOf(arguments);
  ASSERT_TRUE(plan) << plan.error();
  live::ProxyLimits expected;
  expected.max_connections = 250;
  expected.max_header_bytes = 1024;
  expected.max_body_bytes = 2 * 1024 * 1024;
  expected.max_response_header_bytes = 32768;
  expected.max_response_body_bytes = 16 * 1024 * 1024;
  expected.request_head_timeout = 2s;
  expected.client_idle_timeout = 60s;
  expected.connect_timeout = 250ms;
  expected.request_timeout = 30s;
  expected.upstream_idle_timeout = 20s;
  expected.drain_timeout = 1500ms;
  EXPECT_EQ(described(plan->config.limits), described(expected));
}

TEST(ProxyCommandTest, LimitsNotGivenKeepTheirDefaults) {
  using namespace std::chrono_literals;
  auto plan = proxyPlanOf(parsed({"--backend", kBackend}));
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(described(plan->config.limits), described(live::ProxyLimits{}));
  // One given, the others untouched.
  plan = proxyPlanOf(parsed({"--backend", kBackend, "--timeout-connect", "1s"}));
  ASSERT_TRUE(plan) << plan.error();
  live::ProxyLimits expected;
  expected.connect_timeout = 1s;
  EXPECT_EQ(described(plan->config.limits), described(expected));
}

TEST(ProxyCommandTest, ZeroTurnsTheRequestTimeoutOff) {
  for (const char* zero : {"0", "0s", "0ms", "0.0s"}) {
    auto plan = proxyPlanOf(parsed({"--backend", kBackend, "--timeout-request", zero}));
    ASSERT_TRUE(plan) << zero << ": " << plan.error();
    EXPECT_EQ(plan->config.limits.request_timeout, balancer::Duration::zero()) << zero;
  }
}

TEST(ProxyCommandTest, HelpShowsEachLimitWithItsDefault) {
  std::string err;
  std::string out;
  EXPECT_EQ(run({"proxy", "--help"}, err, &out), kExitOk);
  for (const char* option :
       {"--max-connections N=10000", "--max-header-size SIZE=16k", "--max-body-size SIZE=1M",
        "--max-response-header-size SIZE=64k", "--max-response-body-size SIZE=8M",
        "--timeout-head DURATION=10s", "--timeout-client-idle DURATION=60s",
        "--timeout-connect DURATION=5s", "--timeout-request DURATION=15s",
        "--timeout-upstream-idle DURATION=50s", "--timeout-drain DURATION=15s"}) {
    EXPECT_THAT(out, HasSubstr(option));
  }
}

// Every kind of bad value, for each option: exit 2, the option named, before anything listens.
TEST(ProxyCommandTest, BadLimitsExitTwoNamingTheOption) {
  struct Case {
    const char* option;
    const char* value;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"--max-connections", "0", "from 1 to 1048576"},
      {"--max-connections", "-1", "from 1 to 1048576"},
      {"--max-connections", "lots", "from 1 to 1048576"},
      {"--max-connections", "10k", "from 1 to 1048576"},
      {"--max-connections", "2000000", "from 1 to 1048576"},
      {"--max-connections", "99999999999999999999999", "from 1 to 1048576"},
      {"--max-header-size", "0", "at least 1 byte"},
      {"--max-header-size", "0k", "at least 1 byte"},
      {"--max-header-size", "-1k", "not a size"},
      {"--max-header-size", "big", "not a size"},
      {"--max-header-size", "16kb", "unknown unit"},
      {"--max-header-size", "9M", "larger than 8M"},
      {"--max-header-size", "99999999999999999999", "too large"},
      {"--max-body-size", "0", "at least 1 byte"},
      {"--max-body-size", "2048M", "larger than 1024M"},
      {"--max-body-size", "18014398509481984k", "too large"},
      {"--max-response-header-size", "0", "at least 1 byte"},
      {"--max-response-header-size", "1G", "unknown unit"},
      {"--max-response-body-size", "1.5M", "whole number"},
      {"--max-response-body-size", "4096M", "larger than 1024M"},
      {"--timeout-head", "0", "must be positive"},
      {"--timeout-head", "-1s", "must be positive"},
      {"--timeout-client-idle", "soon", "not a duration"},
      {"--timeout-connect", "0ms", "must be positive"},
      {"--timeout-connect", "5sec", "unknown unit"},
      {"--timeout-request", "-1s", "must be positive"},
      {"--timeout-request", "00.0.0s", "unknown unit"},
      {"--timeout-request", "1e400", "not a duration"},
      {"--timeout-upstream-idle", "31d", "longer than 30 days"},
      {"--timeout-drain", "0", "must be positive"},
  };
  for (const auto& [option, value, why] : cases) {
    std::string err;
    EXPECT_EQ(run({"proxy", "--backend", kBackend, "--admin", "none", option, value}, err),
              kExitBadInput)
        << option << " " << value;
    EXPECT_THAT(err, HasSubstr(std::string(option) + ": ")) << value;
    EXPECT_THAT(err, HasSubstr(why)) << option << " " << value;
  }
}

// Two regions; us-east's balancer fails over to us-west. Line numbers matter: missing addresses
// of us-west's group are reported at the group, line 11.
constexpr const char* kDeployment = R"(name: "deployment"
duration_s: 60
regions {
  name: "us-east"
  backends { group: "api"  count: 2  weight: 3  service_time { constant { value_ms: 5 } }
             addresses: ["10.0.0.1:8080", "10.0.0.2:8080"] }
  clients { rate_rps: 100 }
}
regions {
  name: "us-west"
  backends { group: "api"  count: 1  service_time { constant { value_ms: 5 } }
             addresses: ["10.1.0.1:8080"] }
}
network { links { from: "us-east"  to: "us-west"  one_way_ms: 30 } }
balancer { strategy: "least-request"  locality { failover: BY_LATENCY } }
)";

TEST(ProxyCommandTest, AConfigRunsARegionsBalancerInFrontOfItsGroupsAddresses) {
  const faultline::testing::TempDir dir;
  ProxyArguments arguments;
  arguments.config = dir.write("deployment.textproto", kDeployment).string();
  arguments.region = "us-east";
  std::ostringstream err;
  auto plan = proxyPlanFromConfig(arguments, err);
  ASSERT_TRUE(plan) << err.str();
  EXPECT_EQ(plan->config.strategy, "least-request");
  ASSERT_EQ(plan->config.backends.size(), 3u);
  EXPECT_EQ(plan->config.backends[0].name, "10.0.0.1:8080");
  EXPECT_EQ(plan->config.backends[0].weight, 3u);
  EXPECT_EQ(plan->config.backends[0].level, 0u);
  EXPECT_EQ(plan->config.backends[2].host, "10.1.0.1");
  EXPECT_EQ(plan->config.backends[2].level, 1u);  // us-west: the failover
  arguments.strategy = "maglev";                  // the command line wins over the file
  EXPECT_EQ(proxyPlanFromConfig(arguments, err)->config.strategy, "maglev");
  EXPECT_EQ(described(plan->config.limits), described(live::ProxyLimits{}));
}

TEST(ProxyCommandTest, AConfigTakesTheLimitsFromTheCommandLine) {
  using namespace std::chrono_literals;
  const faultline::testing::TempDir dir;
  const std::string file = dir.write("deployment.textproto", kDeployment).string();
  auto arguments = parsed({"--config", file, "--region", "us-east", "--max-body-size", "64k",
                           "--timeout-request", "0", "--timeout-drain", "30s"});
  std::ostringstream err;
  auto plan = proxyPlanFromConfig(arguments, err);
  ASSERT_TRUE(plan) << err.str();
  live::ProxyLimits expected;
  expected.max_body_bytes = 64 * 1024;
  expected.request_timeout = 0s;
  expected.drain_timeout = 30s;
  EXPECT_EQ(described(plan->config.limits), described(expected));
  std::string errors;
  EXPECT_EQ(run({"proxy", "--config", file.c_str(), "--region", "us-east", "--admin", "none",
                 "--max-connections", "0"},
                errors),
            kExitBadInput);
  EXPECT_THAT(errors, HasSubstr("--max-connections: \"0\" must be a whole number from 1 to "));
}

TEST(ProxyCommandTest, AConfigsProblemsExitTwoAtTheirPlace) {
  const faultline::testing::TempDir dir;
  std::string without = kDeployment;
  without.replace(without.find("             addresses: [\"10.1.0.1:8080\"] }"),
                  std::string("             addresses: [\"10.1.0.1:8080\"] }").size(), "}");
  const auto file = dir.write("deployment.textproto", without).string();
  std::string err;
  EXPECT_EQ(run({"proxy", "--config", file.c_str(), "--region", "us-east"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("deployment.textproto:11:3: regions[1].backends[0].addresses"));
  EXPECT_THAT(err, HasSubstr("needs the addresses"));
  EXPECT_EQ(run({"proxy", "--config", file.c_str()}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("--region: the scenario has several regions; name one of us-east, "
                             "us-west"));
  EXPECT_EQ(run({"proxy", "--config", file.c_str(), "--region", "mars"}, err), kExitBadInput);
  EXPECT_THAT(err, HasSubstr("no region is named"));
  EXPECT_EQ(run({"proxy", "--config", file.c_str(), "--backend", "127.0.0.1:80"}, err),
            kExitBadInput);
  EXPECT_THAT(err, HasSubstr("excludes"));
}

TEST(ProxyCommandTest, AnAddressInUseIsAFailureToListen) {
  std::string err;
  // The port is held by an acceptor of the test's own: the proxy cannot have it.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor holder(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string listen = "127.0.0.1:" + std::to_string(holder.local_endpoint().port());
  EXPECT_EQ(
      run({"proxy", "--backend", "127.0.0.1:80", "--admin", "none", "--listen", listen.c_str()},
          err),
      kExitFailure);
  EXPECT_THAT(err, HasSubstr("cannot listen on"));
}

}  // namespace
}  // namespace faultline::cli
