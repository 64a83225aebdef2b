// `faultline proxy`: its arguments, checked before anything listens.
#include "cli/proxy_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <sstream>

#include "cli/app.h"
#include "cli/exit_codes.h"
#include "tests/support/temp_dir.h"

namespace faultline::cli {
namespace {

using ::testing::HasSubstr;

int run(const std::vector<const char*>& args, std::string& err) {
  std::vector<const char*> argv = {"faultline"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out;
  std::ostringstream errors;
  const int code = runMain(static_cast<int>(argv.size()), argv.data(), out, errors);
  err = errors.str();
  return code;
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
