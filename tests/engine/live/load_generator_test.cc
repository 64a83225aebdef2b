#include "engine/live/load_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "balancer/client_backoff.h"
#include "engine/live/synthetic_backend.h"
#include "engine/sim/random_streams.h"
#include "engine/sim/world_spec.h"

// The load generator against synthetic backends on loopback: real sockets on ports the OS picks,
// every wait bounded by a deadline on the io_context (never a sleep).
namespace faultline::live {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using balancer::Duration;
using balancer::TimePoint;
using Failure = LoadResult::Failure;
using namespace std::chrono_literals;

// The generator reads only now() from its clock. The proxy's LiveRuntime is that clock in a run,
// but it lives in faultline_live, which this test target does not link: a steady clock counted
// from the test's start stands in for it.
class SteadyClock final : public balancer::Runtime {
 public:
  TimePoint now() const override { return balancer::kRunStart + (Clock::now() - epoch_); }
  std::unique_ptr<balancer::Timer> createTimer(std::function<void()> /*callback*/) override {
    ADD_FAILURE() << "the load generator asked its clock for a timer";
    return nullptr;
  }
  std::uint64_t random() override { return 0; }

 private:
  Clock::time_point epoch_ = Clock::now();
};

// Runs the io_context until `done` holds or `bound` has passed; returns whether it held.
template <typename Predicate>
bool runUntil(asio::io_context& io, Predicate done, Clock::duration bound) {
  const auto deadline = Clock::now() + bound;
  while (!done()) {
    const auto now = Clock::now();
    if (now >= deadline) return false;
    io.run_one_for(std::min<Clock::duration>(deadline - now, 10ms));
    if (io.stopped()) io.restart();
  }
  return true;
}

SyntheticBackendConfig backendWith(Duration service, std::uint32_t workers) {
  SyntheticBackendConfig config;
  config.name = "b1";
  config.service_time = sim::ServiceTime::constant(service);
  config.workers = workers;
  return config;
}

LoadPlan planOf(double rate_per_s, Duration duration) {
  LoadPlan plan;
  plan.rate = constantRate(rate_per_s);
  plan.duration = duration;
  plan.timeout = 1s;
  plan.seed = 42;
  return plan;
}

std::size_t countOf(const std::vector<LoadResult>& results, Failure failure) {
  return static_cast<std::size_t>(std::count_if(
      results.begin(), results.end(), [&](const LoadResult& r) { return r.failure == failure; }));
}

// Poisson counts: n arrivals expected, within 5 standard deviations (sqrt n): a false alarm about
// once in 1.7 million runs.
void expectPoissonCount(std::size_t seen, double expected) {
  EXPECT_NEAR(static_cast<double>(seen), expected, 5 * std::sqrt(expected));
}

class LoadGeneratorTest : public ::testing::Test {
 protected:
  SyntheticBackend& startBackend(SyntheticBackendConfig config) {
    backend_ = std::make_unique<SyntheticBackend>(io_, std::move(config));
    return *backend_;
  }

  LoadGenerator& startGenerator(LoadPlan plan, std::uint16_t port = 0,
                                std::function<void(const LoadResult&)> also = {}) {
    generator_ = std::make_unique<LoadGenerator>(
        io_, clock_, LoadTarget{"127.0.0.1", port != 0 ? port : backend_->port()}, std::move(plan),
        [this, also = std::move(also)](const LoadResult& result) {
          results_.push_back(result);
          if (also) also(result);
        });
    if (before_start_) before_start_(*generator_);
    generator_->start();
    return *generator_;
  }

  bool runToEnd(Clock::duration bound = 3s) {
    return runUntil(
        io_, [&] { return generator_->finished(); }, bound);
  }

  void runFor(Clock::duration span) {
    runUntil(
        io_, [] { return false; }, span);
  }

  // Results in the order of their answers.
  std::vector<LoadResult> byAnswer() const {
    std::vector<LoadResult> sorted = results_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.answered < b.answered; });
    return sorted;
  }

  asio::io_context io_;
  SteadyClock clock_;
  std::function<void(LoadGenerator&)> before_start_;  // hooks to set before start()
  std::vector<LoadResult> results_;
  std::unique_ptr<SyntheticBackend> backend_;
  std::unique_ptr<LoadGenerator> generator_;  // last: goes before the backend and io_context
};

TEST_F(LoadGeneratorTest, ArrivalsFollowTheRateSchedule) {
  startBackend(backendWith(0ms, 8));
  LoadPlan plan = planOf(0, 500ms);
  plan.rate = {sim::RateSegment{TimePoint{}, 1000, 0}, sim::RateSegment{TimePoint{250ms}, 6000, 0}};
  LoadGenerator& generator = startGenerator(plan);
  ASSERT_TRUE(runToEnd());

  std::size_t first = 0;
  std::size_t second = 0;
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const LoadResult& r = results_[i];
    const Duration offset = r.intended - generator.origin();
    ASSERT_GE(offset, 0ns);
    ASSERT_LT(offset, 500ms);
    (offset < 250ms ? first : second) += 1;
    EXPECT_EQ(r.failure, Failure::kNone);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.served_by, "b1");
    ASSERT_TRUE(r.sent.has_value());
    EXPECT_GE(*r.sent, r.intended);
    EXPECT_GE(r.answered, *r.sent);
  }
  expectPoissonCount(first, 1000 * 0.25);   // 250 +- 79
  expectPoissonCount(second, 6000 * 0.25);  // 1500 +- 194
  const auto stats = generator.stats();
  EXPECT_EQ(stats.scheduled, results_.size());
  EXPECT_EQ(stats.answered, results_.size());
  EXPECT_EQ(stats.sent, results_.size());
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.open_connections, 0u);  // closed once all is answered
  // Keep-alive: far fewer connections than requests.
  EXPECT_LT(backend_->stats().requests, results_.size() + 1);
}

TEST_F(LoadGeneratorTest, ArrivalsAreTheSimulatedClientsArrivals) {
  startBackend(backendWith(0ms, 4));
  LoadPlan plan = planOf(3000, 100ms);
  plan.seed = 7;
  plan.stream_index = 2;
  LoadGenerator& generator = startGenerator(plan);
  ASSERT_TRUE(runToEnd());

  sim::ArrivalProcess simulated(plan.rate, sim::RandomStream(7, sim::Component::kArrivals, 2),
                                TimePoint{} + plan.duration);
  std::vector<LoadResult> by_index = results_;
  std::sort(by_index.begin(), by_index.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  for (const LoadResult& r : by_index) {
    const auto expected = simulated.next();
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(r.intended - generator.origin(), expected->time_since_epoch());
  }
  EXPECT_FALSE(simulated.next().has_value());
}

// Coordinated omission: with one worker serving in S each, the k-th request of a burst (k from 0)
// is answered about (k + 1) S after it was meant to go, whether it waited in the server's queue
// (many connections) or in the generator's own wait for a connection (one connection, where a
// closed-loop client would have measured S every time).
TEST_F(LoadGeneratorTest, LatencyCountsFromTheIntendedTime) {
  constexpr Duration kService = 20ms;
  for (const std::uint32_t connections : {1u, 16u}) {
    SCOPED_TRACE(testing::Message() << connections << " connections");
    results_.clear();
    startBackend(backendWith(kService, 1));
    LoadPlan plan = planOf(2000, 5ms);  // a burst: about 10 requests within 5 ms
    plan.timeout = 0ns;
    plan.drain_limit = 2s;
    plan.max_connections = connections;
    LoadGenerator& generator = startGenerator(plan);
    ASSERT_TRUE(runToEnd());

    const auto answered = byAnswer();
    ASSERT_GE(answered.size(), 4u);
    for (std::size_t k = 0; k < answered.size(); ++k) {
      const LoadResult& r = answered[k];
      ASSERT_EQ(r.failure, Failure::kNone);
      const Duration queued = static_cast<std::int64_t>(k + 1) * kService;
      // The burst spreads the intended times over 5 ms; each answer adds a little overhead.
      EXPECT_GE(r.latency(), queued - 5ms) << "request " << k;
      EXPECT_LE(r.latency(), queued + 10ms + static_cast<std::int64_t>(k) * 2ms) << "request " << k;
      if (connections == 1) {
        // On the wire it took one service time; the rest it waited for the connection.
        EXPECT_GE(r.answered - *r.sent, kService);
        EXPECT_LE(r.answered - *r.sent, kService + 10ms);
      }
    }
    if (connections == 1) {
      EXPECT_GE(generator.stats().late, answered.size() - 1);
    }
    generator_.reset();
    backend_.reset();
  }
}

// The loop stalls (a busy handler, as a slow callback or a GC pause would): the requests due
// meanwhile go out at once after it, each keeping its own intended time.
TEST_F(LoadGeneratorTest, OverdueRequestsGoOutAtOnceWithTheirIntendedTimes) {
  startBackend(backendWith(0ms, 8));
  LoadGenerator& generator = startGenerator(planOf(2000, 200ms));
  ASSERT_TRUE(runUntil(
      io_, [&] { return clock_.now() >= generator.origin() + 50ms; }, 1s));
  TimePoint stall_begin{};
  TimePoint stall_end{};
  asio::post(io_, [&] {
    stall_begin = clock_.now();
    const auto until = Clock::now() + 60ms;
    while (Clock::now() < until) {
    }
    stall_end = clock_.now();
  });
  ASSERT_TRUE(runToEnd());

  std::vector<const LoadResult*> overdue;
  for (const LoadResult& r : results_) {
    if (r.intended > stall_begin && r.intended + 1ms < stall_end) overdue.push_back(&r);
  }
  ASSERT_GE(overdue.size(), 50u);  // 2000/s over ~60 ms: about 120
  TimePoint earliest = TimePoint::max();
  TimePoint latest = TimePoint::min();
  for (const LoadResult* r : overdue) {
    ASSERT_EQ(r->failure, Failure::kNone);
    EXPECT_GE(*r->sent, stall_end);
    EXPECT_GE(r->latency(), stall_end - r->intended);
    earliest = std::min(earliest, r->intended);
    latest = std::max(latest, r->intended);
  }
  EXPECT_GE(latest - earliest, 40ms);  // spread as scheduled, not bunched at the stall's end
  EXPECT_GE(generator.stats().late, overdue.size());
}

TEST_F(LoadGeneratorTest, ATimeoutFailsTheRequestAndClosesItsConnection) {
  startBackend(backendWith(300ms, 1));
  LoadPlan plan = planOf(400, 25ms);  // about 10 requests
  plan.timeout = 100ms;
  LoadGenerator& generator = startGenerator(plan);
  ASSERT_TRUE(runToEnd());

  ASSERT_GE(results_.size(), 3u);
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.failure, Failure::kTimeout);
    EXPECT_EQ(r.status, 0u);
    EXPECT_TRUE(r.served_by.empty());
    EXPECT_GE(r.latency(), 100ms);
    EXPECT_LE(r.latency(), 100ms + 30ms);
  }
  EXPECT_EQ(generator.stats().failed, results_.size());
  EXPECT_EQ(generator.stats().open_connections, 0u);
}

TEST_F(LoadGeneratorTest, ACrashedServerResetsThenRefuses) {
  SyntheticBackend& backend = startBackend(backendWith(100ms, 4));
  LoadGenerator& generator = startGenerator(planOf(200, 300ms));
  ASSERT_TRUE(runUntil(
      io_, [&] { return clock_.now() >= generator.origin() + 50ms; }, 1s));
  ASSERT_TRUE(results_.empty());  // none served yet: 100 ms each
  backend.crash();
  ASSERT_TRUE(runToEnd());

  ASSERT_EQ(results_.size(), generator.stats().scheduled);
  const std::size_t reset = countOf(results_, Failure::kReset);
  const std::size_t refused = countOf(results_, Failure::kRefused);
  EXPECT_EQ(reset + refused, results_.size());
  EXPECT_GE(reset, 1u);     // in service or queued at the crash
  EXPECT_GE(refused, 20u);  // arrived after it: about 50
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.status, 0u);
    if (r.failure == Failure::kRefused) {
      EXPECT_FALSE(r.sent.has_value());
      EXPECT_LT(r.latency(), 50ms);  // refused at once, not timed out
    }
    if (r.failure == Failure::kReset) {
      EXPECT_TRUE(r.sent.has_value());
    }
  }
}

TEST_F(LoadGeneratorTest, ConnectionsNeverExceedTheLimit) {
  SyntheticBackend& backend = startBackend(backendWith(10ms, 64));
  LoadPlan plan = planOf(2000, 100ms);  // about 200 requests, 4 connections serve 400/s
  plan.timeout = 0ns;
  plan.max_connections = 4;
  std::uint32_t most_open = 0;
  std::uint32_t most_waiting = 0;
  std::uint32_t most_at_backend = 0;
  LoadGenerator* generator = nullptr;
  auto observe = [&] {
    most_open = std::max(most_open, generator->stats().open_connections);
    most_waiting = std::max(most_waiting, generator->stats().waiting);
    most_at_backend = std::max(most_at_backend, backend.stats().connections);
  };
  generator = &startGenerator(plan, 0, [&](const LoadResult&) { observe(); });
  ASSERT_TRUE(runUntil(
      io_,
      [&] {
        observe();
        return generator->finished();
      },
      3s));

  EXPECT_LE(most_open, 4u);
  EXPECT_LE(most_at_backend, 4u);
  EXPECT_GT(most_waiting, 0u);
  Duration worst{};
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.status, 200u);
    worst = std::max(worst, r.latency());
  }
  EXPECT_GE(worst, 200ms);  // the wait for a connection counts
}

TEST_F(LoadGeneratorTest, StopEndsArrivals) {
  startBackend(backendWith(0ms, 4));
  LoadGenerator& generator = startGenerator(planOf(1000, 10s));
  ASSERT_TRUE(runUntil(
      io_, [&] { return generator.stats().scheduled >= 50; }, 1s));
  generator.stop();
  const auto stopped = generator.stats();
  const std::size_t seen = results_.size();
  EXPECT_TRUE(generator.finished());
  EXPECT_EQ(stopped.open_connections, 0u);
  runFor(150ms);
  EXPECT_EQ(generator.stats().scheduled, stopped.scheduled);
  EXPECT_EQ(results_.size(), seen);  // whatever was in flight was abandoned, without a word
}

TEST_F(LoadGeneratorTest, NoAnswerAndNoTimeoutEndsAtTheDrainLimit) {
  SyntheticBackendConfig config = backendWith(0ms, 1);
  SyntheticBackend& backend = startBackend(config);
  backend.setDark(true);
  LoadPlan plan = planOf(200, 50ms);
  plan.timeout = 0ns;
  plan.drain_limit = 100ms;
  LoadGenerator& generator = startGenerator(plan);
  ASSERT_TRUE(runToEnd());
  ASSERT_FALSE(results_.empty());
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.failure, Failure::kUnfinished);
    EXPECT_GE(r.answered, generator.origin() + 150ms);
    EXPECT_LE(r.answered, generator.origin() + 200ms);
  }
  EXPECT_EQ(generator.stats().open_connections, 0u);
}

// A server answering each request as a script says (a status after a delay, or never), and
// keeping each request's head.
class ScriptedServer {
 public:
  struct Answer {
    unsigned status = 200;
    Duration delay{};
    bool hang = false;  // no answer: the client's timeout ends it
  };
  using Script = std::function<Answer(const std::string& head)>;

  ScriptedServer(asio::io_context& io, Script script)
      : io_(io),
        script_(std::move(script)),
        acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::vector<std::string>& heads() const { return heads_; }

 private:
  struct Connection {
    explicit Connection(tcp::socket accepted) : socket(std::move(accepted)) {}
    tcp::socket socket;
    std::string in;
    std::string out;
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (error) return;
      read(std::make_shared<Connection>(std::move(socket)));
      accept();
    });
  }

  void read(std::shared_ptr<Connection> connection) {
    asio::async_read_until(connection->socket, asio::dynamic_buffer(connection->in), "\r\n\r\n",
                           [this, connection](boost::system::error_code error, std::size_t n) {
                             if (error) return;
                             std::string head = connection->in.substr(0, n);
                             connection->in.erase(0, n);
                             heads_.push_back(head);
                             respond(connection, script_(head));
                           });
  }

  void respond(const std::shared_ptr<Connection>& connection, const Answer& answer) {
    // A hung request: the read that follows waits for the client to give up and close.
    if (answer.hang) return read(connection);
    connection->out =
        "HTTP/1.1 " + std::to_string(answer.status) + " Scripted\r\nContent-Length: 0\r\n\r\n";
    auto timer = std::make_shared<asio::steady_timer>(io_, answer.delay);
    timer->async_wait([this, connection, timer](const boost::system::error_code&) {
      asio::async_write(connection->socket, asio::buffer(connection->out),
                        [this, connection](boost::system::error_code e, std::size_t) {
                          if (!e) read(connection);
                        });
    });
  }

  asio::io_context& io_;
  Script script_;
  tcp::acceptor acceptor_;
  std::vector<std::string> heads_;
};

TEST_F(LoadGeneratorTest, RequestsCarryTheirKeysOnTheWire) {
  ScriptedServer server(io_, [](const std::string&) { return ScriptedServer::Answer{}; });
  LoadPlan plan = planOf(1000, 50ms);
  plan.target_path = "/items";
  plan.request_keys = sim::RequestKeySpec{50, 0};
  plan.max_connections = 1;  // one connection: the heads arrive in request order
  startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  ASSERT_GE(results_.size(), 10u);
  ASSERT_EQ(server.heads().size(), results_.size());
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const LoadResult& r = results_[i];
    ASSERT_TRUE(r.key.has_value());
    EXPECT_LT(*r.key, 50u);
    const std::string& head = server.heads()[r.index];
    EXPECT_EQ(head.rfind("GET /items HTTP/1.1\r\n", 0), 0u) << head;
    EXPECT_NE(head.find("\r\nx-faultline-key: " + std::to_string(*r.key) + "\r\n"),
              std::string::npos)
        << head;
    EXPECT_TRUE(r.served_by.empty());
  }
  // Not all the same key: 50 of them, drawn uniformly.
  const auto [low, high] = std::minmax_element(
      results_.begin(), results_.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  EXPECT_LT(low->key, high->key);
}

TEST(LoadPlanFor, TakesAScenarioClientsRateTimeoutKeysRetriesAndZones) {
  sim::WorldSpec world;
  world.layout.duration = 30s;
  world.seed = 9;
  world.drain_limit = 2s;
  sim::ClientSpec open;
  open.rate = {sim::RateSegment{TimePoint{}, 500, 1}};
  open.timeout = 750ms;
  open.request_keys = sim::RequestKeySpec{1000, 1.1};
  open.retry.max_retries = 3;
  open.retry.only_timeouts = true;
  open.zone_shares = {0.25, 0.75};
  sim::ClientSpec closed;
  closed.closed_loop = sim::ClosedLoopSpec{10, 1s};
  world.clients = {closed, open};

  const auto plan = loadPlanFor(world, 1);
  EXPECT_FALSE(plan.closed_loop.has_value());
  ASSERT_EQ(plan.rate.size(), 1u);
  EXPECT_EQ(plan.rate[0].rate_per_s, 500);
  EXPECT_EQ(plan.rate[0].slope_per_s2, 1);
  EXPECT_EQ(plan.duration, 30s);
  EXPECT_EQ(plan.timeout, 750ms);
  EXPECT_EQ(plan.drain_limit, 2s);
  EXPECT_EQ(plan.seed, 9u);
  EXPECT_EQ(plan.stream_index, 1u);
  ASSERT_TRUE(plan.request_keys.has_value());
  EXPECT_EQ(plan.request_keys->distinct, 1000u);
  EXPECT_EQ(plan.retry.max_retries, 3u);
  EXPECT_TRUE(plan.retry.only_timeouts);
  EXPECT_EQ(plan.zone_shares, (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(plan.zone_header, "x-faultline-zone");

  // A closed loop is a plan too: its users and think time, the same stream index.
  const auto users = loadPlanFor(world, 0);
  ASSERT_TRUE(users.closed_loop.has_value());
  EXPECT_EQ(users.closed_loop->users, 10u);
  EXPECT_EQ(users.closed_loop->mean_think_time, 1s);
  EXPECT_EQ(users.stream_index, 0u);
  EXPECT_EQ(users.retry.max_retries, 0u);
}

// --- client retries, closed-loop users and request zones, as the simulator has them ---

// The value of a request head's header, if it has it.
std::optional<std::string> headerIn(const std::string& head, std::string_view name) {
  const std::string field = "\r\n" + std::string(name) + ": ";
  const auto at = head.find(field);
  if (at == std::string::npos) return std::nullopt;
  const auto from = at + field.size();
  return head.substr(from, head.find("\r\n", from) - from);
}

// Keys from so many that two requests of one test never share one: a request's attempts are
// told apart from other requests' by their key.
constexpr sim::RequestKeySpec kUniqueKeys{1'000'000'000'000ULL, 0};

// Answers `failing` to the first `failures` attempts of each request (by its key), then 200.
ScriptedServer::Script failFirst(std::uint32_t failures, unsigned failing = 503) {
  auto seen = std::make_shared<std::map<std::string, std::uint32_t>>();
  return [=](const std::string& head) {
    const std::uint32_t attempt = (*seen)[headerIn(head, "x-faultline-key").value_or("")]++;
    return ScriptedServer::Answer{attempt < failures ? failing : 200u, {}, false};
  };
}

LoadPlan retryingPlan(double rate_per_s, Duration duration, balancer::ClientBackoffConfig backoff,
                      std::uint32_t max_retries) {
  LoadPlan plan = planOf(rate_per_s, duration);
  plan.request_keys = kUniqueKeys;
  plan.retry.max_retries = max_retries;
  plan.retry.backoff = backoff;
  return plan;
}

std::vector<LoadResult> byIndex(std::vector<LoadResult> results) {
  std::sort(results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return results;
}

// A 503 to the first attempt and a 200 to the retry: one result, a success, after a backoff
// drawn as the simulator draws it (full jitter from the client's kClientRetries stream), which
// its latency includes. A retry whose backoff ends after the duration is not sent: the request
// ends then with the 503.
TEST_F(LoadGeneratorTest, AFailedAttemptIsRetriedAfterTheSimulatorsBackoff) {
  ScriptedServer server(io_, failFirst(1));
  // Waits uniform in [0, 100 ms): checked within 15 ms, other draws would rarely pass.
  const balancer::ClientBackoffConfig backoff{balancer::BackoffKind::kFullJitter, 100ms, 1s};
  LoadPlan plan = retryingPlan(100, 300ms, backoff, 3);
  plan.seed = 5;
  plan.stream_index = 1;
  std::map<std::uint64_t, TimePoint> retried;  // index -> the retry's intended time
  before_start_ = [&](LoadGenerator& generator) {
    generator.onClientRetry([&](std::uint64_t index, TimePoint at) {
      EXPECT_TRUE(retried.emplace(index, at).second) << "retried twice: " << index;
    });
  };
  LoadGenerator& generator = startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  const auto results = byIndex(results_);
  ASSERT_EQ(results.size(), generator.stats().scheduled);  // once per request
  ASSERT_GE(results.size(), 10u);
  const sim::HashRng draws(5, sim::Component::kClientRetries, 1);
  const TimePoint end = generator.origin() + plan.duration;
  std::size_t checked_retried = 0;
  std::size_t checked_final = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const LoadResult& r = results[i];
    ASSERT_EQ(r.index, i);
    SCOPED_TRACE(testing::Message() << "request " << i);
    const Duration wait = balancer::clientBackoff(backoff, 0, 0ns, draws.draw(i * 256 + 0));
    const TimePoint backoff_ends = r.intended + wait;  // plus the first attempt's round trip
    if (backoff_ends + 15ms < end) {
      ++checked_retried;
      EXPECT_EQ(r.status, 200u);
      EXPECT_TRUE(r.succeeded());
      EXPECT_EQ(r.client_retries, 1u);
      ASSERT_EQ(retried.count(i), 1u);
      EXPECT_GE(retried[i] - r.intended, wait);
      EXPECT_LE(retried[i] - r.intended, wait + 15ms);
      EXPECT_GE(r.latency(), wait);  // from the first intended time, through the backoff
      EXPECT_LE(r.latency(), wait + 25ms);
      EXPECT_GE(*r.sent, retried[i]);  // the last attempt's send
    } else if (backoff_ends >= end) {
      ++checked_final;
      EXPECT_EQ(r.status, 503u);
      EXPECT_FALSE(r.succeeded());
      EXPECT_EQ(r.client_retries, 0u);
      EXPECT_EQ(retried.count(i), 0u);
      EXPECT_GE(r.answered, end);  // when the traffic ended, as the simulator ends it
      EXPECT_LE(r.answered, end + 25ms);
    }
  }
  EXPECT_GE(checked_retried, 8u);  // about 30 requests, a sixth of them near the end
  EXPECT_GE(checked_final, 1u);    // 100 ms x 100/s x 1/2 = 5 expected
  EXPECT_EQ(generator.stats().client_retries, retried.size());
  EXPECT_EQ(server.heads().size(), results.size() + retried.size());
  for (const auto& [index, at] : retried)
    EXPECT_LT(at, end);
}

// Every attempt fails: the request ends with the last retry's failure, max_retries after the
// first attempt.
TEST_F(LoadGeneratorTest, RetriesStopAtMaxRetries) {
  ScriptedServer server(io_, failFirst(100, 500));
  LoadPlan plan = retryingPlan(
      200, 150ms, balancer::ClientBackoffConfig{balancer::BackoffKind::kFixed, 10ms}, 2);
  LoadGenerator& generator = startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  const TimePoint end = generator.origin() + plan.duration;
  std::size_t exhausted = 0;
  std::uint64_t retries = 0;
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.status, 500u);
    EXPECT_LE(r.client_retries, 2u);
    retries += r.client_retries;
    if (r.intended + 50ms < end) {  // two backoffs of 10 ms and three round trips
      ++exhausted;
      EXPECT_EQ(r.client_retries, 2u);
      EXPECT_GE(r.latency(), 20ms);
    }
  }
  EXPECT_GE(exhausted, 5u);
  EXPECT_EQ(generator.stats().client_retries, retries);
  EXPECT_EQ(server.heads().size(), results_.size() + retries);
}

// only_timeouts: a 503 is final, a timeout is retried. Each attempt has its own timeout (the
// retried requests took longer than one in all and still succeeded).
TEST_F(LoadGeneratorTest, OnlyTimeoutsAreRetriedWhenTheClientSaysSo) {
  auto seen = std::make_shared<std::map<std::string, std::uint32_t>>();
  ScriptedServer server(io_, [seen](const std::string& head) {
    const std::string key = headerIn(head, "x-faultline-key").value_or("");
    const bool first = (*seen)[key]++ == 0;
    const bool odd = (key.back() - '0') % 2 == 1;
    if (!first) return ScriptedServer::Answer{};
    return odd ? ScriptedServer::Answer{200, {}, true} : ScriptedServer::Answer{503, {}, false};
  });
  LoadPlan plan = retryingPlan(
      200, 150ms, balancer::ClientBackoffConfig{balancer::BackoffKind::kFixed, 10ms}, 3);
  plan.timeout = 40ms;
  plan.retry.only_timeouts = true;
  LoadGenerator& generator = startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  const TimePoint end = generator.origin() + plan.duration;
  std::size_t timed_out = 0;
  std::size_t errors = 0;
  for (const LoadResult& r : results_) {
    ASSERT_TRUE(r.key.has_value());
    if (*r.key % 2 == 0) {
      ++errors;
      EXPECT_EQ(r.status, 503u);
      EXPECT_EQ(r.client_retries, 0u);
    } else if (r.intended + 55ms < end) {
      ++timed_out;
      EXPECT_EQ(r.status, 200u);
      EXPECT_EQ(r.client_retries, 1u);
      EXPECT_GE(r.latency(), 50ms);  // the first attempt's timeout, then the backoff
      EXPECT_LE(r.latency(), 75ms);
    }
  }
  EXPECT_GE(timed_out, 3u);
  EXPECT_GE(errors, 3u);
}

// A retry budget of 50% (Finagle's: each request deposits a token, a retry takes two) holds the
// retries of requests that always fail to half the requests, where three each would go without.
TEST_F(LoadGeneratorTest, ARetryBudgetLimitsRetries) {
  ScriptedServer server(io_, failFirst(100));
  LoadPlan plan = retryingPlan(
      400, 150ms, balancer::ClientBackoffConfig{balancer::BackoffKind::kFixed, 1ms}, 3);
  plan.retry.budget = balancer::TtlRetryBudgetConfig{10s, 0, 50};
  LoadGenerator& generator = startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  const std::uint64_t requests = results_.size();
  const std::uint64_t retries = generator.stats().client_retries;
  ASSERT_GE(requests, 20u);
  EXPECT_LE(retries, requests / 2);
  EXPECT_GE(retries + 3, requests / 2);  // the last arrivals' tokens may go unspent
}

// Once the duration has passed, a failure is final: no attempt reaches the server after it.
TEST_F(LoadGeneratorTest, NoRetryGoesOutAfterTheDuration) {
  ScriptedServer server(io_, [](const std::string&) {
    return ScriptedServer::Answer{503, 20ms, false};
  });
  LoadPlan plan =
      retryingPlan(300, 60ms, balancer::ClientBackoffConfig{balancer::BackoffKind::kNone}, 5);
  plan.request_keys.reset();
  std::vector<TimePoint> retried;
  before_start_ = [&](LoadGenerator& generator) {
    generator.onClientRetry([&](std::uint64_t, TimePoint at) { retried.push_back(at); });
  };
  LoadGenerator& generator = startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  const TimePoint end = generator.origin() + plan.duration;
  ASSERT_GE(results_.size(), 5u);
  std::uint64_t retries = 0;
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.status, 503u);
    // An attempt every 20 ms from the intended time, while the last one failed before the end.
    const auto most = static_cast<std::uint32_t>((end - r.intended) / 20ms);
    EXPECT_LE(r.client_retries, most);
    EXPECT_GE(r.client_retries + 1, most);
    EXPECT_GE(r.answered, end);
    retries += r.client_retries;
  }
  EXPECT_GT(retries, 0u);
  EXPECT_EQ(retried.size(), retries);
  for (const TimePoint at : retried)
    EXPECT_LT(at, end);  // went out (or was due to) before the end
}

// The think time of a closed-loop user's request n, as World::scheduleUserRequest draws it.
Duration thinkTime(const LoadPlan& plan, std::uint32_t user, std::uint64_t n) {
  const sim::HashRng draws(plan.seed, sim::Component::kThinkTimes, plan.stream_index);
  const double u = sim::uniformOpen(draws.draw((std::uint64_t{user} << 32) | n));
  const auto mean = static_cast<double>(plan.closed_loop->mean_think_time.count());
  return Duration(std::llround(-std::log(u) * mean));
}

// Arrivals the simulator has for a closed loop whose every request takes `service` exactly: each
// user thinks, sends, waits the service, thinks again, up to the duration.
std::size_t simulatedUserRequests(const LoadPlan& plan, Duration service) {
  std::size_t count = 0;
  for (std::uint32_t user = 0; user < plan.closed_loop->users; ++user) {
    TimePoint at = TimePoint{} + thinkTime(plan, user, 0);
    for (std::uint64_t n = 1; at < TimePoint{} + plan.duration; ++n) {
      ++count;
      at += service + thinkTime(plan, user, n);
    }
  }
  return count;
}

class ClosedLoopTest : public LoadGeneratorTest {
 protected:
  // Counts the requests in flight, overall and by user, as they arrive and end.
  void countInFlight() {
    before_start_ = [this](LoadGenerator& generator) {
      generator.onArrival([this](std::uint64_t index, TimePoint intended) {
        most_in_flight_ = std::max(most_in_flight_, ++in_flight_);
        arrivals_.push_back(intended);
        EXPECT_EQ(index + 1, arrivals_.size());
      });
    };
  }
  void ended(const LoadResult& r) {
    --in_flight_;
    ASSERT_TRUE(r.user.has_value());
    by_user_[*r.user].push_back(r);
  }

  // Each user's requests follow one another as the simulator's do: the first after a think time,
  // each next one a think time after the previous one ended (its request number's draw, exactly),
  // and never sooner than kMinUserPause after the previous one began.
  void expectUsersThink(const LoadPlan& plan, TimePoint origin) {
    ASSERT_EQ(by_user_.size(), plan.closed_loop->users);
    for (const auto& [user, results] : by_user_) {
      SCOPED_TRACE(testing::Message() << "user " << user);
      EXPECT_EQ(results.front().intended, origin + thinkTime(plan, user, 0));
      for (std::size_t n = 1; n < results.size(); ++n) {
        const LoadResult& before = results[n - 1];
        const TimePoint next = std::max(before.answered + thinkTime(plan, user, n),
                                        before.intended + sim::kMinUserPause);
        EXPECT_EQ(results[n].intended, next) << "request " << n;
        // One at a time (a request refused at its connect never went on the wire).
        if (results[n].sent) {
          EXPECT_GE(*results[n].sent, before.answered);
        }
      }
      // Its next request would have gone at or after the duration.
      const LoadResult& last = results.back();
      EXPECT_GE(std::max(last.answered + thinkTime(plan, user, results.size()),
                         last.intended + sim::kMinUserPause),
                origin + plan.duration);
    }
  }

  std::uint32_t in_flight_ = 0;
  std::uint32_t most_in_flight_ = 0;
  std::vector<TimePoint> arrivals_;
  std::map<std::uint32_t, std::vector<LoadResult>> by_user_;
};

// Four users against a backend that serves each request in 10 ms exactly: never more than four
// requests out, think times drawn as the simulator draws them, and about the simulator's count
// of requests (a little fewer: each cycle live costs a loopback round trip more).
TEST_F(ClosedLoopTest, UsersThinkSendAndWaitAsTheSimulatorsUsers) {
  constexpr Duration kService = 10ms;
  startBackend(backendWith(kService, 8));
  LoadPlan plan = planOf(0, 400ms);
  plan.rate.clear();
  plan.closed_loop = sim::ClosedLoopSpec{4, 15ms};
  plan.seed = 11;
  plan.stream_index = 3;
  countInFlight();
  LoadGenerator& generator = startGenerator(plan, 0, [this](const LoadResult& r) { ended(r); });
  ASSERT_TRUE(runToEnd());

  EXPECT_LE(most_in_flight_, 4u);
  EXPECT_EQ(in_flight_, 0u);
  expectUsersThink(plan, generator.origin());
  // Arrival numbers in arrival order across users.
  EXPECT_TRUE(std::is_sorted(arrivals_.begin(), arrivals_.end()));
  for (const LoadResult& r : results_) {
    EXPECT_EQ(r.status, 200u);
    EXPECT_LT(r.intended, generator.origin() + plan.duration);
  }
  const std::size_t simulated = simulatedUserRequests(plan, kService);
  EXPECT_LE(results_.size(), simulated);
  // The overhead adds up over a user's ~16 cycles: at most two requests lost per user.
  EXPECT_GE(results_.size() + 2 * 4, simulated);
  // The think times themselves: exponential with a 15 ms mean. Their sample mean, over n of
  // them, within 5 standard errors (15 ms / sqrt n).
  double thought_ns = 0;
  std::size_t thoughts = 0;
  for (const auto& [user, results] : by_user_) {
    for (std::size_t n = 1; n < results.size(); ++n, ++thoughts)
      thought_ns += static_cast<double>((results[n].intended - results[n - 1].answered).count());
  }
  ASSERT_GE(thoughts, 40u);
  const double mean_ms = thought_ns / static_cast<double>(thoughts) / 1e6;
  EXPECT_NEAR(mean_ms, 15.0, 5 * 15.0 / std::sqrt(static_cast<double>(thoughts)));
}

// Without think time, each user has a request out all the time, and the simulator's count is
// the duration over the service time, per user.
TEST_F(ClosedLoopTest, UsersWithoutThinkTimeKeepOneRequestOutEach) {
  constexpr Duration kService = 15ms;
  startBackend(backendWith(kService, 8));
  LoadPlan plan = planOf(0, 300ms);
  plan.closed_loop = sim::ClosedLoopSpec{3, 0ms};
  countInFlight();
  LoadGenerator& generator = startGenerator(plan, 0, [this](const LoadResult& r) { ended(r); });
  ASSERT_TRUE(runToEnd());

  EXPECT_EQ(most_in_flight_, 3u);
  expectUsersThink(plan, generator.origin());
  const std::size_t simulated = simulatedUserRequests(plan, kService);
  EXPECT_EQ(simulated, 3u * 20);
  EXPECT_LE(results_.size(), simulated);
  EXPECT_GE(results_.size() + 2 * 3, simulated);
}

// Refused at once, a user without think time pauses kMinUserPause between requests (time would
// otherwise stop in the simulator; live, the user would send as fast as the loop turns).
TEST_F(ClosedLoopTest, AUserRefusedAtOncePausesBeforeItsNextRequest) {
  std::uint16_t closed_port = 0;
  {
    tcp::acceptor probe(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  LoadPlan plan = planOf(0, 60ms);
  plan.closed_loop = sim::ClosedLoopSpec{1, 0ms};
  countInFlight();
  LoadGenerator& generator =
      startGenerator(plan, closed_port, [this](const LoadResult& r) { ended(r); });
  ASSERT_TRUE(runToEnd());

  expectUsersThink(plan, generator.origin());
  ASSERT_GE(results_.size(), 10u);  // 60 without the refusals' own time
  EXPECT_LE(results_.size(), 60u);
  for (const LoadResult& r : results_)
    EXPECT_EQ(r.failure, Failure::kRefused);
}

// A user waits for its request's end through the client's retries: a 503 and a retry after
// 5 ms, then the think time from the retry's answer.
TEST_F(ClosedLoopTest, AUserWaitsThroughItsClientsRetries) {
  ScriptedServer server(io_, failFirst(1));
  LoadPlan plan = planOf(0, 200ms);
  plan.closed_loop = sim::ClosedLoopSpec{2, 5ms};
  plan.request_keys = kUniqueKeys;
  plan.retry.max_retries = 1;
  plan.retry.backoff = balancer::ClientBackoffConfig{balancer::BackoffKind::kFixed, 5ms};
  countInFlight();
  LoadGenerator& generator =
      startGenerator(plan, server.port(), [this](const LoadResult& r) { ended(r); });
  ASSERT_TRUE(runToEnd());

  EXPECT_LE(most_in_flight_, 2u);
  expectUsersThink(plan, generator.origin());
  std::size_t retried = 0;
  for (const LoadResult& r : results_) {
    if (r.intended + 10ms >= generator.origin() + plan.duration) continue;
    ++retried;
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.client_retries, 1u);
    EXPECT_GE(r.latency(), 5ms);
  }
  EXPECT_GE(retried, 10u);
}

// The zone of request `index` as World::setZones and World::requestZone draw it, computed here
// from the shares.
std::uint32_t simulatedZone(const LoadPlan& plan, std::uint64_t index) {
  std::vector<double> bounds;
  double sum = 0;
  for (double share : plan.zone_shares)
    bounds.push_back(sum += share);
  const sim::HashRng draws(plan.seed, sim::Component::kClientZones, plan.stream_index);
  const double point = sim::uniformOpen(draws.draw(index)) * sum;
  return static_cast<std::uint32_t>(std::upper_bound(bounds.begin(), bounds.end(), point) -
                                    bounds.begin());
}

TEST_F(LoadGeneratorTest, RequestsSayTheirZoneAsTheSimulatorDrawsIt) {
  ScriptedServer server(io_, [](const std::string&) { return ScriptedServer::Answer{}; });
  LoadPlan plan = planOf(1000, 100ms);
  plan.zone_shares = {0.2, 0, 0.5, 0.3};  // zone 1 has no clients
  plan.seed = 3;
  plan.stream_index = 2;
  plan.max_connections = 1;  // one connection: the heads arrive in request order
  startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  ASSERT_GE(results_.size(), 50u);
  ASSERT_EQ(server.heads().size(), results_.size());
  std::array<std::size_t, 4> by_zone{};
  for (const LoadResult& r : results_) {
    const std::uint32_t zone = simulatedZone(plan, r.index);
    EXPECT_EQ(r.zone, zone) << "request " << r.index;
    EXPECT_EQ(headerIn(server.heads()[r.index], "x-faultline-zone"), std::to_string(zone));
    ++by_zone[zone];
  }
  EXPECT_EQ(by_zone[1], 0u);
  EXPECT_GT(by_zone[0], 0u);
  EXPECT_GT(by_zone[2], by_zone[0]);
  EXPECT_GT(by_zone[3], 0u);
}

TEST_F(LoadGeneratorTest, AOneZoneClientSaysNoZone) {
  for (const auto& shares : {std::vector<double>{0, 1, 0}, std::vector<double>{}}) {
    results_.clear();
    ScriptedServer server(io_, [](const std::string&) { return ScriptedServer::Answer{}; });
    LoadPlan plan = planOf(500, 40ms);
    plan.zone_shares = shares;
    startGenerator(plan, server.port());
    ASSERT_TRUE(runToEnd());
    ASSERT_FALSE(results_.empty());
    for (const LoadResult& r : results_)
      EXPECT_EQ(r.zone, shares.empty() ? 0u : 1u);
    for (const std::string& head : server.heads())
      EXPECT_FALSE(headerIn(head, "x-faultline-zone").has_value()) << head;
    generator_.reset();
  }
}

// A retry is the same request again: its key and zone with it.
TEST_F(LoadGeneratorTest, ARetryKeepsItsRequestsZone) {
  ScriptedServer server(io_, failFirst(1));
  LoadPlan plan =
      retryingPlan(300, 80ms, balancer::ClientBackoffConfig{balancer::BackoffKind::kNone}, 1);
  plan.zone_shares = {0.5, 0.5};
  plan.zone_header = "x-zone";
  startGenerator(plan, server.port());
  ASSERT_TRUE(runToEnd());

  std::map<std::string, std::vector<std::string>> zones_by_key;
  for (const std::string& head : server.heads()) {
    zones_by_key[headerIn(head, "x-faultline-key").value_or("")].push_back(
        headerIn(head, "x-zone").value_or("none"));
  }
  std::size_t retried = 0;
  for (const LoadResult& r : results_) {
    const auto& zones = zones_by_key[std::to_string(*r.key)];
    ASSERT_EQ(zones.size(), r.client_retries + 1u);
    for (const std::string& zone : zones)
      EXPECT_EQ(zone, std::to_string(r.zone));
    retried += r.client_retries;
  }
  EXPECT_GE(retried, 5u);
}

// Thousands a second with the backend on the same thread: everything answered, in time.
TEST_F(LoadGeneratorTest, HoldsThousandsOfRequestsPerSecond) {
  startBackend(backendWith(0ms, 16));
  LoadGenerator& generator = startGenerator(planOf(5000, 400ms));
  ASSERT_TRUE(runToEnd(1400ms));
  expectPoissonCount(results_.size(), 5000 * 0.4);
  EXPECT_EQ(countOf(results_, Failure::kNone), results_.size());
  std::printf("5000/s: %zu requests, %llu sent more than 1 ms late\n", results_.size(),
              static_cast<unsigned long long>(generator.stats().late));
}

// The most one generator drives, the backend on a thread of its own. A measurement, not a check
// (run with --gtest_also_run_disabled_tests).
TEST(LoadGeneratorThroughput, DISABLED_Measure) {
  for (const double rate : {20'000.0, 40'000.0, 60'000.0, 80'000.0}) {
    asio::io_context backend_io;
    SyntheticBackend backend(backend_io, backendWith(0ms, 64));
    const std::uint16_t port = backend.port();
    auto work = asio::make_work_guard(backend_io);
    std::thread backend_thread([&] { backend_io.run(); });

    asio::io_context io;
    SteadyClock clock;
    std::vector<Duration> delays;  // sent - intended
    std::vector<Duration> latencies;
    std::uint64_t ok = 0;
    LoadPlan plan = planOf(rate, 1s);
    LoadGenerator generator(io, clock, LoadTarget{"127.0.0.1", port}, plan,
                            [&](const LoadResult& r) {
                              if (r.failure == Failure::kNone) ++ok;
                              if (r.sent) delays.push_back(*r.sent - r.intended);
                              latencies.push_back(r.latency());
                            });
    const auto began = Clock::now();
    generator.start();
    runUntil(
        io, [&] { return generator.finished(); }, 10s);
    const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
    auto quantile = [](std::vector<Duration> v, double q) {
      if (v.empty()) return 0.0;
      std::sort(v.begin(), v.end());
      return std::chrono::duration<double, std::milli>(
                 v[static_cast<std::size_t>(q * (v.size() - 1))])
          .count();
    };
    std::printf(
        "rate %.0f/s: %llu ok in %.2f s (%.0f/s), late %llu, send delay p50 %.3f p99 %.3f ms, "
        "latency p50 %.3f p99 %.3f ms\n",
        rate, static_cast<unsigned long long>(ok), seconds, static_cast<double>(ok) / seconds,
        static_cast<unsigned long long>(generator.stats().late), quantile(delays, 0.5),
        quantile(delays, 0.99), quantile(latencies, 0.5), quantile(latencies, 0.99));
    work.reset();
    asio::post(backend_io, [&] { backend_io.stop(); });
    backend_thread.join();
  }
}

}  // namespace
}  // namespace faultline::live
