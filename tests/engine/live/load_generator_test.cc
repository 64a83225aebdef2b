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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/live/synthetic_backend.h"
#include "engine/sim/random_streams.h"

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

// A server that answers every request with an empty 200 and keeps each request's head, to see
// what went on the wire.
class RecordingServer {
 public:
  explicit RecordingServer(asio::io_context& io)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::vector<std::string>& heads() const { return heads_; }

 private:
  struct Connection {
    explicit Connection(tcp::socket accepted) : socket(std::move(accepted)) {}
    tcp::socket socket;
    std::string in;
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
                             heads_.push_back(connection->in.substr(0, n));
                             connection->in.erase(0, n);
                             asio::async_write(
                                 connection->socket, asio::buffer(kAnswer),
                                 [this, connection](boost::system::error_code e, std::size_t) {
                                   if (!e) read(connection);
                                 });
                           });
  }

  static constexpr std::string_view kAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  tcp::acceptor acceptor_;
  std::vector<std::string> heads_;
};

TEST_F(LoadGeneratorTest, RequestsCarryTheirKeysOnTheWire) {
  RecordingServer server(io_);
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
  ASSERT_TRUE(plan.has_value());
  EXPECT_FALSE(plan->closed_loop.has_value());
  ASSERT_EQ(plan->rate.size(), 1u);
  EXPECT_EQ(plan->rate[0].rate_per_s, 500);
  EXPECT_EQ(plan->rate[0].slope_per_s2, 1);
  EXPECT_EQ(plan->duration, 30s);
  EXPECT_EQ(plan->timeout, 750ms);
  EXPECT_EQ(plan->drain_limit, 2s);
  EXPECT_EQ(plan->seed, 9u);
  EXPECT_EQ(plan->stream_index, 1u);
  ASSERT_TRUE(plan->request_keys.has_value());
  EXPECT_EQ(plan->request_keys->distinct, 1000u);
  EXPECT_EQ(plan->retry.max_retries, 3u);
  EXPECT_TRUE(plan->retry.only_timeouts);
  EXPECT_EQ(plan->zone_shares, (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(plan->zone_header, "x-faultline-zone");

  // A closed loop is a plan too: its users and think time, the same stream index.
  const auto users = loadPlanFor(world, 0);
  ASSERT_TRUE(users.has_value());
  ASSERT_TRUE(users->closed_loop.has_value());
  EXPECT_EQ(users->closed_loop->users, 10u);
  EXPECT_EQ(users->closed_loop->mean_think_time, 1s);
  EXPECT_EQ(users->stream_index, 0u);
  EXPECT_EQ(users->retry.max_retries, 0u);
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
