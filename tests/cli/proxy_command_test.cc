// `faultline proxy`: its arguments, checked before anything listens.
#include "cli/proxy_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <sstream>

#include "cli/app.h"
#include "cli/exit_codes.h"

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
  EXPECT_THAT(err, HasSubstr("--backend"));
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
