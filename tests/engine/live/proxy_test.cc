// The proxy on loopback, in front of synthetic backends, all on the test's one io_context: every
// strategy routes, health checks eject and return a host, retries save a request from a dead
// backend, malformed requests get their 4xx and the proxy serves on, a drain lets the request in
// flight finish, and 10,000 connections leave no file descriptor behind.
#include "engine/live/proxy.h"

#include <nlohmann/json.hpp>

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "balancer/strategy_registry.h"
#include "engine/live/admin_server.h"
#include "engine/live/synthetic_backend.h"
#include "engine/sim/balancer_spec_builder.h"
#include "tests/engine/live/live_test_support.h"

namespace faultline::live {
namespace {

using namespace testing;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Open file descriptors of this process.
int openDescriptors() {
  int count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr)
      ++count;
    closedir(dir);
  }
  return count;
}

class ProxyTest : public ::testing::Test {
 protected:
  void addBackends(int count, balancer::Duration service = balancer::Duration::zero()) {
    for (int i = 0; i < count; ++i) {
      SyntheticBackendConfig config;
      config.name = "b" + std::to_string(backends_.size());
      config.service_time = sim::ServiceTime::constant(service);
      config.workers = 64;
      backends_.push_back(std::make_unique<SyntheticBackend>(io_, config));
    }
  }

  // The configuration a scenario's `balancer` section would give, health checks off unless the
  // test turns them on.
  ProxyConfig configFor(const std::string& strategy, scenario::Balancer balancer = {}) {
    balancer.set_strategy(strategy);
    if (!balancer.has_health_check()) balancer.mutable_health_check()->set_enabled(false);
    auto spec = sim::buildBalancerSpec(balancer, std::nullopt);
    EXPECT_TRUE(spec) << (spec ? "" : spec.error().message);
    ProxyConfig config;
    config.strategy = spec->strategy;
    config.strategy_options = spec->options;
    config.balancer = spec->config;
    config.health_check_path = "/healthz";
    for (const auto& backend : backends_) {
      config.backends.push_back(
          BackendAddress{.name = "127.0.0.1:" + std::to_string(backend->port()),
                         .host = "127.0.0.1",
                         .port = backend->port()});
    }
    return config;
  }

  Proxy& startProxy(ProxyConfig config) {
    auto created =
        Proxy::create(io_, std::move(config), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
                      [this](const std::string& line) { log_.push_back(line); });
    EXPECT_TRUE(created) << (created ? "" : created.error());
    proxy_ = std::move(*created);
    proxy_->start();
    return *proxy_;
  }

  Exchange request(std::vector<std::pair<std::string, std::string>> headers = {}) {
    return send(io_, proxy_->port(), get("/api", std::move(headers)));
  }

  // Which backend answered each of `n` requests.
  std::map<std::string, int> spread(int n,
                                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::map<std::string, int> served;
    for (int i = 0; i < n; ++i) {
      const Exchange answer = request(headers);
      EXPECT_FALSE(answer.error) << answer.error.message();
      EXPECT_EQ(answer.status(), 200u) << answer.response;
      ++served[answer.header("x-faultline-host")];
    }
    return served;
  }

  asio::io_context io_;
  std::vector<std::unique_ptr<SyntheticBackend>> backends_;
  std::unique_ptr<Proxy> proxy_;
  std::vector<std::string> log_;
};

TEST_F(ProxyTest, RoundRobinTakesTheBackendsInTurn) {
  addBackends(3);
  startProxy(configFor("round-robin"));
  EXPECT_THAT(spread(30), (std::map<std::string, int>{{"b0", 10}, {"b1", 10}, {"b2", 10}}));
  EXPECT_EQ(proxy_->counters().requests, 30u);
  EXPECT_EQ(proxy_->counters().responses_2xx, 30u);
}

TEST_F(ProxyTest, EveryStrategyOfTheCoreRoutesRealRequests) {
  addBackends(3);
  for (const auto& info : balancer::knownStrategies()) {
    SCOPED_TRACE(std::string(info.name));
    startProxy(configFor(std::string(info.name)));
    int served = 0;
    for (const auto& [backend, count] : spread(24)) {
      EXPECT_THAT(backend, StartsWith("b"));
      served += count;
    }
    EXPECT_EQ(served, 24);
    proxy_.reset();
  }
}

TEST_F(ProxyTest, AHashingStrategyKeepsAKeyOnOneBackend) {
  addBackends(4);
  for (const char* strategy : {"ring-hash", "maglev"}) {
    SCOPED_TRACE(strategy);
    startProxy(configFor(strategy));
    EXPECT_EQ(spread(12, {{"x-faultline-key", "user-17"}}).size(), 1u);
    std::map<std::string, int> keys;
    for (int key = 0; key < 40; ++key)
      keys.merge(spread(1, {{"x-faultline-key", "user-" + std::to_string(key)}}));
    EXPECT_GE(keys.size(), 3u);  // 40 keys land on several of the 4
    proxy_.reset();
  }
}

TEST_F(ProxyTest, ForwardsMethodBodyAndHeadersAndAppendsTheClientToXForwardedFor) {
  addBackends(1);
  startProxy(configFor("round-robin"));
  http::request<http::string_body> post{http::verb::post, "/orders?id=7", 11};
  post.set(http::field::host, "shop");
  post.set("X-Forwarded-For", "203.0.113.9");
  post.body() = "{\"item\": 1}";
  post.prepare_payload();
  const Exchange answer = send(io_, proxy_->port(), post);
  ASSERT_FALSE(answer.error) << answer.error.message();
  EXPECT_EQ(answer.status(), 200u);
  EXPECT_EQ(answer.header("x-faultline-method"), "POST");
  EXPECT_EQ(answer.header("x-faultline-target"), "/orders?id=7");
  EXPECT_EQ(answer.header("x-faultline-forwarded-for"), "203.0.113.9, 127.0.0.1");
  EXPECT_EQ(answer.header("x-faultline-body-bytes"), "11");
}

TEST_F(ProxyTest, ARetryOnAnotherBackendSavesTheRequestsOfACrashedOne) {
  addBackends(2);
  scenario::Balancer balancer;
  balancer.mutable_retry()->set_num_retries(1);
  balancer.mutable_retry()->set_retry_other_hosts(true);
  startProxy(configFor("round-robin", balancer));
  backends_[1]->crash();
  EXPECT_THAT(spread(10), (std::map<std::string, int>{{"b0", 10}}));
  EXPECT_GE(proxy_->counters().retries, 4u);  // about every other first try met the dead one
}

TEST_F(ProxyTest, WithoutRetriesADeadBackendIsACleanServiceUnavailable) {
  addBackends(2);
  startProxy(configFor("round-robin"));
  backends_[1]->crash();
  int unavailable = 0;
  for (int i = 0; i < 6; ++i) {
    const Exchange answer = request();
    ASSERT_FALSE(answer.error) << answer.error.message();
    if (answer.status() == 503) {
      ++unavailable;
      EXPECT_EQ(answer.header("x-faultline-reason"), "upstream connect failure");
    } else {
      EXPECT_EQ(answer.status(), 200u);
    }
  }
  EXPECT_EQ(unavailable, 3);
}

TEST_F(ProxyTest, HealthChecksEjectACrashedBackendAndReturnItWhenItIsBack) {
  addBackends(2);
  scenario::Balancer balancer;
  auto& checks = *balancer.mutable_health_check();
  checks.set_interval_ms(50);
  checks.set_timeout_ms(200);
  checks.set_unhealthy_threshold(2);
  checks.set_healthy_threshold(2);
  startProxy(configFor("round-robin", balancer));
  const auto healthy = [&](balancer::HostIndex host) {
    return proxy_->balancer().hosts().isHealthy(host);
  };
  backends_[1]->crash();
  ASSERT_TRUE(runUntil(io_, [&] { return !healthy(1); }));
  EXPECT_TRUE(healthy(0));
  // Out of use: every request goes to the live one, none fails.
  EXPECT_THAT(spread(6), (std::map<std::string, int>{{"b0", 6}}));
  backends_[1]->restart();
  ASSERT_TRUE(runUntil(io_, [&] { return healthy(1); }));
  EXPECT_THAT(spread(6), (std::map<std::string, int>{{"b0", 3}, {"b1", 3}}));
  EXPECT_THAT(log_, ::testing::Contains(HasSubstr("out of use")));
  EXPECT_THAT(log_, ::testing::Contains(HasSubstr("back in use")));
}

TEST_F(ProxyTest, ABackendDyingMidRequestIsRetriedOrACleanError) {
  addBackends(2, std::chrono::milliseconds(300));
  scenario::Balancer balancer;
  balancer.mutable_retry()->set_num_retries(1);
  balancer.mutable_retry()->set_retry_other_hosts(true);
  startProxy(configFor("round-robin", balancer));
  auto client = std::make_shared<Client>(io_, proxy_->port(), get("/slow"));
  client->start();
  // The first try is at b0 (round robin starts there); b0 dies with it in service.
  ASSERT_TRUE(runUntil(io_, [&] { return backends_[0]->stats().busy == 1; }));
  backends_[0]->crash();
  ASSERT_TRUE(runUntil(io_, [&] { return client->result().done; }));
  EXPECT_FALSE(client->result().error) << client->result().error.message();
  EXPECT_EQ(client->result().status(), 200u);
  EXPECT_EQ(client->result().header("x-faultline-host"), "b1");
  EXPECT_EQ(proxy_->counters().retries, 1u);
}

// Each malformed request gets its status, then a good request on a new connection is served.
TEST_F(ProxyTest, MalformedRequestsGetTheir4xxAndTheProxyServesOn) {
  addBackends(1);
  ProxyConfig config = configFor("round-robin");
  config.limits.max_header_bytes = 4096;
  config.limits.max_body_bytes = 1024;
  startProxy(config);
  const std::string big_header(8000, 'a');
  const std::string big_body(2000, 'b');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0\r\n\r\n",
       "HTTP/1.1 400"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
       "HTTP/1.1 400"},
      {"GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400"},  // no Host
      {"GET http://elsewhere.example/ HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n", "HTTP/1.1 400"},
      {"CONNECT elsewhere.example:443 HTTP/1.1\r\nHost: elsewhere.example:443\r\n\r\n",
       "HTTP/1.1 400"},
      {"HELLO THERE\r\n\r\n", "HTTP/1.1 400"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big_header + "\r\n\r\n", "HTTP/1.1 431"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + big_body, "HTTP/1.1 413"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 400"},
  };
  for (const auto& [bytes, status] : cases) {
    SCOPED_TRACE(bytes.substr(0, 60));
    const Exchange answer = sendRaw(io_, proxy_->port(), bytes);
    ASSERT_TRUE(answer.done);
    EXPECT_THAT(answer.raw, StartsWith(status));
    EXPECT_THAT(answer.raw, HasSubstr("Connection: close"));
    EXPECT_EQ(request().status(), 200u);
  }
  EXPECT_EQ(proxy_->counters().malformed, cases.size());
  EXPECT_EQ(backends_[0]->stats().requests, cases.size());  // only the good ones got through
}

TEST_F(ProxyTest, ASlowClientIsTimedOutWith408) {
  addBackends(1);
  ProxyConfig config = configFor("round-robin");
  config.limits.request_head_timeout = std::chrono::milliseconds(200);
  startProxy(config);
  const auto started = std::chrono::steady_clock::now();
  const Exchange answer = sendRaw(io_, proxy_->port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Slow:");
  ASSERT_TRUE(answer.done);
  EXPECT_THAT(answer.raw, StartsWith("HTTP/1.1 408"));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
  EXPECT_EQ(request().status(), 200u);
}

TEST_F(ProxyTest, KeepsAClientConnectionAliveAcrossRequests) {
  addBackends(2);
  startProxy(configFor("round-robin"));
  std::string two =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const Exchange answer = sendRaw(io_, proxy_->port(), two);
  ASSERT_TRUE(answer.done);
  // Both answered on the one connection, in order, the second closing it.
  const auto first = answer.raw.find("HTTP/1.1 200");
  const auto second = answer.raw.find("HTTP/1.1 200", first + 1);
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(second, std::string::npos);
  EXPECT_EQ(proxy_->counters().requests, 2u);
}

TEST_F(ProxyTest, ADrainLetsTheRequestInFlightFinishAndRefusesNewConnections) {
  addBackends(1, std::chrono::milliseconds(200));
  startProxy(configFor("round-robin"));
  const std::uint16_t port = proxy_->port();
  auto client = std::make_shared<Client>(io_, port, get("/slow"));
  client->start();
  ASSERT_TRUE(runUntil(io_, [&] { return backends_[0]->stats().busy == 1; }));
  bool drained = false;
  proxy_->drain([&] { drained = true; });
  ASSERT_TRUE(runUntil(io_, [&] { return client->result().done && drained; }));
  EXPECT_EQ(client->result().status(), 200u);
  EXPECT_FALSE(client->result().response.keep_alive());  // told the connection closes
  const Exchange late = send(io_, port, get("/late"), std::chrono::milliseconds(2000));
  EXPECT_EQ(late.error, asio::error::connection_refused);
  EXPECT_EQ(proxy_->openConnections(), 0u);
}

// A tier instance dies: the request in flight through it is reset, new connections are refused;
// back, it serves on the same port, with the balancer's view it kept.
TEST_F(ProxyTest, ACrashResetsWhatIsInFlightAndRefusesUntilTheRestart) {
  addBackends(1, std::chrono::milliseconds(200));
  startProxy(configFor("round-robin"));
  const std::uint16_t port = proxy_->port();
  auto client = std::make_shared<Client>(io_, port, get("/slow"));
  client->start();
  ASSERT_TRUE(runUntil(io_, [&] { return backends_[0]->stats().busy == 1; }));
  proxy_->crash();
  EXPECT_TRUE(proxy_->crashed());
  ASSERT_TRUE(runUntil(io_, [&] { return client->result().done; }));
  EXPECT_EQ(client->result().error, asio::error::connection_reset);
  EXPECT_EQ(proxy_->openConnections(), 0u);
  EXPECT_EQ(send(io_, port, get("/refused")).error, asio::error::connection_refused);
  ASSERT_FALSE(proxy_->restart());
  EXPECT_FALSE(proxy_->crashed());
  EXPECT_EQ(proxy_->port(), port);
  EXPECT_EQ(send(io_, port, get("/back")).status(), 200u);
}

HttpRequest adminRequest(http::verb method, const std::string& target, std::string body = {}) {
  HttpRequest request{method, target, 11};
  request.set(http::field::host, "admin");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

TEST_F(ProxyTest, TheAdminEndpointServesMetricsAndHostsOverHttp) {
  addBackends(2);
  startProxy(configFor("round-robin"));
  auto admin =
      AdminServer::create(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), *proxy_);
  ASSERT_TRUE(admin) << admin.error();
  (*admin)->start();
  spread(4);
  const Exchange metrics = send(io_, (*admin)->port(), get("/metrics"));
  ASSERT_EQ(metrics.status(), 200u) << metrics.error.message();
  const std::string& text = metrics.response.body();
  EXPECT_THAT(text, HasSubstr("# TYPE faultline_proxy_requests_total counter\n"
                              "faultline_proxy_requests_total 4\n"));
  EXPECT_THAT(text, HasSubstr("faultline_proxy_responses_total{code=\"2xx\"} 4\n"));
  const std::string b1 = proxy_->config().backends[1].name;
  EXPECT_THAT(text, HasSubstr("faultline_upstream_healthy{backend=\"" + b1 + "\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("faultline_upstream_idle_connections{backend=\"" + b1 + "\"} 1\n"));
  const Exchange hosts = send(io_, (*admin)->port(), get("/hosts"));
  ASSERT_EQ(hosts.status(), 200u);
  const auto parsed = nlohmann::json::parse(hosts.response.body());
  EXPECT_EQ(parsed["strategy"], "round-robin");
  ASSERT_EQ(parsed["hosts"].size(), 2u);
  EXPECT_EQ(parsed["hosts"][1]["name"], b1);
  EXPECT_EQ(parsed["hosts"][1]["healthy"], true);
  EXPECT_EQ((*admin)->handle(adminRequest(http::verb::get, "/nothing")).result_int(), 404u);
  EXPECT_EQ((*admin)->handle(adminRequest(http::verb::post, "/metrics")).result_int(), 405u);
}

// Toxiproxy's toxics on the proxy's own upstream calls: errors, latency and resets, per backend,
// added and removed at run time; bad faults are refused naming the field.
TEST_F(ProxyTest, FaultsInjectedThroughTheAdminEndpointStrikeTheUpstreamCalls) {
  addBackends(2);
  startProxy(configFor("round-robin"));
  auto admin =
      AdminServer::create(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), *proxy_);
  ASSERT_TRUE(admin) << admin.error();
  const std::string b1 = proxy_->config().backends[1].name;
  const auto post = [&](const std::string& json) {
    return (*admin)->handle(adminRequest(http::verb::post, "/faults", json));
  };
  const HttpResponse added =
      post(R"({"kind": "errors", "status": 502, "backend": ")" + b1 + R"("})");
  ASSERT_EQ(added.result_int(), 201u) << added.body();
  std::map<unsigned, int> statuses;
  for (int i = 0; i < 6; ++i)
    ++statuses[request().status()];
  EXPECT_EQ(statuses, (std::map<unsigned, int>{{200, 3}, {502, 3}}));
  EXPECT_EQ(backends_[1]->stats().requests, 0u);  // never reached: the proxy answered
  // Removed, then a latency on every backend: the answers come no sooner.
  EXPECT_EQ((*admin)->handle(adminRequest(http::verb::delete_, "/faults")).result_int(), 200u);
  ASSERT_EQ(post(R"({"kind": "latency", "latencyMs": 80})").result_int(), 201u);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(request().status(), 200u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(80));
  const HttpResponse reset = post(R"({"kind": "reset", "probability": 1})");
  ASSERT_EQ(reset.result_int(), 201u);
  const Exchange broken = request();
  EXPECT_EQ(broken.status(), 503u);
  EXPECT_EQ(broken.header("x-faultline-reason"), "upstream reset before response");
  const auto id = nlohmann::json::parse(reset.body())["id"].get<std::uint64_t>();
  EXPECT_EQ((*admin)
                ->handle(adminRequest(http::verb::delete_, "/faults/" + std::to_string(id)))
                .result_int(),
            200u);
  EXPECT_EQ(proxy_->upstreamFaults().faults().size(), 1u);  // the latency stays
  const HttpResponse refusing = post(R"({"kind": "refused", "backend": ")" + b1 + R"("})");
  ASSERT_EQ(refusing.result_int(), 201u) << refusing.body();
  EXPECT_EQ(nlohmann::json::parse(refusing.body())["kind"], "refused");
  std::map<std::string, int> reasons;
  for (int i = 0; i < 4; ++i)
    ++reasons[request().header("x-faultline-reason")];
  EXPECT_EQ(reasons, (std::map<std::string, int>{{"", 2}, {"upstream connect failure", 2}}));
  EXPECT_EQ((*admin)->handle(adminRequest(http::verb::delete_, "/faults/999")).result_int(), 404u);
  for (const auto& [json, field] : std::vector<std::pair<std::string, std::string>>{
           {"not json", "JSON object"},
           {R"({"kind": "slow"})", "kind:"},
           {R"({"kind": "latency"})", "latencyMs:"},
           {R"({"kind": "errors", "status": 200})", "status:"},
           {R"({"kind": "reset", "probability": 2})", "probability:"},
           {R"({"kind": "reset", "backend": "nowhere:1"})", "backend:"},
           {R"({"kind": "reset", "toxicity": 1})", "toxicity:"}}) {
    const HttpResponse refused = post(json);
    EXPECT_EQ(refused.result_int(), 400u) << json;
    EXPECT_THAT(refused.body(), HasSubstr(field)) << json;
  }
}

// The same trip every time.
class FixedPaths final : public NetworkPaths {
 public:
  explicit FixedPaths(balancer::Duration one_way) : one_way_(one_way) {}
  std::optional<balancer::Duration> trip(std::size_t, std::optional<std::uint32_t>, bool) override {
    return one_way_;
  }

 private:
  balancer::Duration one_way_;
};

// A live run's links: each try waits the one-way delay out and back, shrunk by the time scale.
TEST_F(ProxyTest, ABackendsNetworkDelayIsWaitedBothWaysOnTheScaledClock) {
  addBackends(1);
  ProxyConfig config = configFor("round-robin");
  config.network = std::make_shared<FixedPaths>(std::chrono::milliseconds(60));
  config.time_scale = TimeScale(2);  // 30 ms of real time each way
  startProxy(config);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(request().status(), 200u);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, std::chrono::milliseconds(60));
  EXPECT_LT(took, std::chrono::seconds(5));
}

// A network that loses every trip to (or from) one backend, and counts what it was asked.
class LossyPaths final : public NetworkPaths {
 public:
  LossyPaths(std::size_t lossy, bool back) : lossy_(lossy), back_(back) {}

  std::optional<balancer::Duration> trip(std::size_t backend, std::optional<std::uint32_t> zone,
                                         bool back) override {
    (zone ? requests_ : probes_) += 1;
    zones_.push_back(zone.value_or(99));
    if (backend == lossy_ && back == back_) return std::nullopt;
    return balancer::Duration::zero();
  }

  int requests_ = 0;
  int probes_ = 0;
  std::vector<std::uint32_t> zones_;

 private:
  std::size_t lossy_;
  bool back_;
};

// A try lost on the way (a partition) is never answered: the per-try timeout ends it, and the
// retry goes to the other backend. Lost on the way out, the backend never sees the request; lost
// on the way back, it did the work.
TEST_F(ProxyTest, ATryLostOnTheWayEndsAtItsPerTryTimeoutAndIsRetried) {
  for (const bool back : {false, true}) {
    SCOPED_TRACE(back ? "lost on the way back" : "lost on the way out");
    backends_.clear();
    addBackends(2);
    scenario::Balancer balancer;
    balancer.mutable_retry()->set_num_retries(1);
    balancer.mutable_retry()->set_retry_other_hosts(true);
    balancer.mutable_retry()->set_per_try_timeout_ms(100);
    ProxyConfig config = configFor("round-robin", balancer);
    auto paths = std::make_shared<LossyPaths>(0, back);
    config.network = paths;
    startProxy(config);
    EXPECT_THAT(spread(4), (std::map<std::string, int>{{"b1", 4}}));
    EXPECT_GE(proxy_->counters().retries, 1u);
    EXPECT_EQ(backends_[0]->stats().requests, back ? proxy_->counters().retries : 0u);
    EXPECT_GT(paths->requests_, 0);
    proxy_.reset();
  }
}

// A probe lost on the way fails: health checks take a partitioned backend out of use.
TEST_F(ProxyTest, ProbesLostOnTheWayFailAndEjectTheBackend) {
  addBackends(2);
  scenario::Balancer balancer;
  auto* check = balancer.mutable_health_check();
  check->set_interval_ms(20);
  check->set_timeout_ms(10);
  check->set_unhealthy_threshold(2);
  ProxyConfig config = configFor("round-robin", balancer);
  auto paths = std::make_shared<LossyPaths>(0, false);
  config.network = paths;
  startProxy(config);
  ASSERT_TRUE(runUntil(io_, [&] { return !proxy_->balancer().hosts().isHealthy(0); }));
  EXPECT_GT(paths->probes_, 0);
  EXPECT_THAT(spread(4), (std::map<std::string, int>{{"b1", 4}}));
}

// Refusals and resets injected on the upstream calls strike the health probes too (the network
// cannot tell them apart): the backend is taken out of use; injected errors do not (answers).
TEST_F(ProxyTest, InjectedRefusalsFailTheProbesAndInjectedErrorsDoNot) {
  addBackends(2);
  scenario::Balancer balancer;
  auto* check = balancer.mutable_health_check();
  check->set_interval_ms(20);
  check->set_timeout_ms(10);
  check->set_unhealthy_threshold(2);
  startProxy(configFor("round-robin", balancer));
  const std::string b0 = proxy_->config().backends[0].name;
  const std::string b1 = proxy_->config().backends[1].name;
  proxy_->upstreamFaults().add(
      UpstreamFault{.kind = UpstreamFault::Kind::kErrors, .backend = b0, .status = 500});
  proxy_->upstreamFaults().add(UpstreamFault{.kind = UpstreamFault::Kind::kRefused, .backend = b1});
  ASSERT_TRUE(runUntil(io_, [&] { return !proxy_->balancer().hosts().isHealthy(1); }));
  // b0's probes still reach it (an injected error would have been the proxy's own answer).
  const auto probes = backends_[0]->stats().probes;
  ASSERT_TRUE(runUntil(io_, [&] { return backends_[0]->stats().probes >= probes + 4; }));
  EXPECT_TRUE(proxy_->balancer().hosts().isHealthy(0));
  EXPECT_EQ(backends_[1]->stats().probes, 0u);
}

// The zone a request says it comes from reaches the balancer (and the network), when the proxy
// is told to read it; unreadable, it is zone 0.
TEST_F(ProxyTest, TheZoneHeaderSaysWhereARequestComesFrom) {
  addBackends(1);
  ProxyConfig config = configFor("round-robin");
  config.zone_header = "x-faultline-zone";
  auto paths = std::make_shared<LossyPaths>(99, false);
  config.network = paths;
  startProxy(config);
  EXPECT_EQ(request({{"x-faultline-zone", "2"}}).status(), 200u);
  EXPECT_EQ(request({{"x-faultline-zone", "two"}}).status(), 200u);
  EXPECT_EQ(request().status(), 200u);
  EXPECT_THAT(paths->zones_, ::testing::ElementsAre(2u, 2u, 0u, 0u, 0u, 0u));
}

// The proxy in front of one scripted server (no synthetic backend).
Proxy& scriptedProxy(asio::io_context& io, std::unique_ptr<Proxy>& slot, std::uint16_t port) {
  scenario::Balancer balancer;
  balancer.set_strategy("round-robin");
  balancer.mutable_health_check()->set_enabled(false);
  auto spec = sim::buildBalancerSpec(balancer, std::nullopt);
  ProxyConfig config;
  config.strategy = spec->strategy;
  config.balancer = spec->config;
  config.backends.push_back(BackendAddress{.name = "scripted", .host = "127.0.0.1", .port = port});
  auto created =
      Proxy::create(io, std::move(config), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  EXPECT_TRUE(created);
  slot = std::move(*created);
  slot->start();
  return *slot;
}

// An interim 100 and bytes past an answer never reach the next client: the 1xx is skipped, and
// a connection with stray bytes is not reused.
TEST_F(ProxyTest, InterimAnswersAndStrayBytesNeverReachTheNextClient) {
  int n = 0;
  ScriptedServer server(io_, [&](const std::string& request) {
    ++n;
    const std::string who = request.substr(4, request.find(' ', 4) - 4);
    if (who == "/interim") {
      return std::string("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: ") +
             std::to_string(who.size()) + "\r\n\r\n" + who;
    }
    if (who == "/stray") return std::string("HTTP/1.1 204 No Content\r\n\r\nsecret for /stray");
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(who.size()) + "\r\n\r\n" + who;
  });
  scriptedProxy(io_, proxy_, server.port());
  const auto body = [&](const std::string& target) {
    const Exchange answer = send(io_, proxy_->port(), get(target));
    return std::to_string(answer.status()) + " " + answer.response.body();
  };
  EXPECT_EQ(body("/interim"), "200 /interim");
  EXPECT_EQ(body("/bob"), "200 /bob");
  EXPECT_EQ(body("/stray"), "204 ");
  EXPECT_EQ(body("/carol"), "200 /carol");
  EXPECT_EQ(body("/dave"), "200 /dave");
}

TEST_F(ProxyTest, TheUpstreamRequestKeepsItsHostAndLosesExpect) {
  ScriptedServer server(io_, [](const std::string&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  scriptedProxy(io_, proxy_, server.port());
  // Connection naming Host must not take it away; Expect was answered by the proxy itself.
  const Exchange named = sendRaw(
      io_, proxy_->port(),
      "POST /a HTTP/1.1\r\nHost: shop\r\nConnection: close, Host\r\nExpect: 100-continue\r\n"
      "Content-Length: 3\r\n\r\nabc");
  EXPECT_THAT(named.raw, HasSubstr("HTTP/1.1 100 Continue"));
  EXPECT_THAT(named.raw, HasSubstr("HTTP/1.1 200 OK"));
  // HTTP/1.0 without Host: the backend still gets one.
  const Exchange old = sendRaw(io_, proxy_->port(), "GET /b HTTP/1.0\r\n\r\n");
  EXPECT_THAT(old.raw, StartsWith("HTTP/1.0 200"));
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_THAT(server.requests[0], HasSubstr("Host: shop\r\n"));
  EXPECT_THAT(server.requests[0], ::testing::Not(HasSubstr("Expect")));
  EXPECT_THAT(server.requests[0], HasSubstr("\r\n\r\nabc"));
  EXPECT_THAT(server.requests[1], HasSubstr("Host: 127.0.0.1:"));
}

TEST_F(ProxyTest, TransferCodingsOtherThanChunkedAreNotImplemented) {
  addBackends(1);
  startProxy(configFor("round-robin"));
  for (const char* coding : {"identity", "gzip, chunked", "chunked, gzip"}) {
    SCOPED_TRACE(coding);
    const Exchange answer =
        sendRaw(io_, proxy_->port(),
                std::string("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + coding +
                    "\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_THAT(answer.raw, StartsWith("HTTP/1.1 501"));
    EXPECT_THAT(answer.raw, ::testing::Not(HasSubstr("HTTP/1.1 200")));
  }
  EXPECT_EQ(backends_[0]->stats().requests, 0u);
}

TEST_F(ProxyTest, ADrainWaitsForARequestStillArriving) {
  addBackends(1);
  startProxy(configFor("round-robin"));
  auto client = std::make_shared<RawClient>(
      io_, proxy_->port(), "POST /late HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  client->start();
  ASSERT_TRUE(runUntil(io_, [&] { return proxy_->openConnections() == 1; }));
  runFor(io_, std::chrono::milliseconds(50));  // the half body is in
  bool drained = false;
  proxy_->drain([&] { drained = true; });
  runFor(io_, std::chrono::milliseconds(50));
  EXPECT_FALSE(drained);
  EXPECT_EQ(proxy_->openConnections(), 1u);
}

TEST_F(ProxyTest, PooledConnectionsTheBackendClosedAreSweptAway) {
  ScriptedServer server(io_, [](const std::string&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  scriptedProxy(io_, proxy_, server.port());
  EXPECT_EQ(send(io_, proxy_->port(), get("/")).status(), 200u);
  ASSERT_EQ(proxy_->idleUpstreamConnections(0), 1u);
  server.closeAll();
  ASSERT_TRUE(runUntil(
      io_, [&] { return proxy_->idleUpstreamConnections(0) == 0; }, std::chrono::seconds(5)));
}

TEST_F(ProxyTest, TenThousandConnectionsLeaveNoDescriptorBehind) {
  addBackends(2);
  startProxy(configFor("round-robin"));
  EXPECT_EQ(spread(2).size(), 2u);  // warm: one pooled connection per backend
  const int before = openDescriptors();
  constexpr int kConnections = 10'000;
  constexpr int kAtOnce = 50;
  int started = 0;
  int finished = 0;
  int ok = 0;
  std::vector<std::shared_ptr<Client>> pending;
  std::function<void()> launch = [&] {
    auto client =
        std::make_shared<Client>(io_, proxy_->port(), get("/", {{"Connection", "close"}}));
    ++started;
    client->start();
    pending.push_back(client);  // polled below: a finished client starts the next one
  };
  for (int i = 0; i < kAtOnce; ++i)
    launch();
  ASSERT_TRUE(runUntil(
      io_,
      [&] {
        for (auto it = pending.begin(); it != pending.end();) {
          if (!(*it)->result().done) {
            ++it;
            continue;
          }
          ++finished;
          ok += (*it)->result().status() == 200;
          it = pending.erase(it);
          if (started < kConnections) launch();
        }
        return finished == kConnections;
      },
      std::chrono::minutes(2)));
  EXPECT_EQ(ok, kConnections);
  ASSERT_TRUE(runUntil(io_, [&] { return proxy_->openConnections() == 0; }));
  // What stays open: the pooled connections to the backends, both of their ends (the backends
  // run in this process), at most as many as were in use at once.
  EXPECT_LE(openDescriptors(), before + 2 * kAtOnce);
  EXPECT_LE(backends_[0]->stats().connections + backends_[1]->stats().connections,
            static_cast<std::uint32_t>(2 * kAtOnce));
}

}  // namespace
}  // namespace faultline::live
