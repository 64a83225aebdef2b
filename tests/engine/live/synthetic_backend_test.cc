#include "engine/live/synthetic_backend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// The synthetic backend on loopback: real sockets on ports the OS picks, every wait bounded by a
// deadline on the io_context (never a sleep).
namespace faultline::live {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Runs the io_context until `done` holds or `bound` has passed; returns whether it held.
template <typename Predicate>
bool runUntil(asio::io_context& io, Predicate done, Clock::duration bound = 5s) {
  const auto deadline = Clock::now() + bound;
  while (!done()) {
    const auto now = Clock::now();
    if (now >= deadline) return false;
    io.run_one_for(deadline - now);
    if (io.stopped()) {  // out of work: nothing can change any more
      io.restart();
      return done();
    }
  }
  return true;
}

// Lets the io_context run for `span` (a bounded run, not a sleep: the backend keeps working).
void runFor(asio::io_context& io, Clock::duration span) {
  runUntil(
      io, [] { return false; }, span);
}

// How an exchange ended: a response, or the error that ended it.
struct Reply {
  bool done = false;
  beast::error_code error;
  unsigned status = 0;
  std::string host;            // x-faultline-host
  std::string content_length;  // as sent
  std::string body;
  Clock::time_point finished_at{};
};

// One HTTP/1.1 keep-alive connection to a backend, through Beast's tcp_stream so that every
// exchange has a deadline. Each call starts one exchange (connecting first if need be); its
// outcome lands in reply().
class TestClient : public std::enable_shared_from_this<TestClient> {
 public:
  TestClient(asio::io_context& io, std::uint16_t port)
      : stream_(io), endpoint_(asio::ip::make_address("127.0.0.1"), port) {}

  static std::shared_ptr<TestClient> create(asio::io_context& io, std::uint16_t port) {
    return std::make_shared<TestClient>(io, port);
  }

  void get(const std::string& target, Clock::duration timeout = 5s) {
    sendRaw("GET " + target + " HTTP/1.1\r\nHost: backend\r\n\r\n", timeout);
  }

  // Sends the bytes as they are and reads one response.
  void sendRaw(std::string bytes, Clock::duration timeout = 5s) {
    begin(timeout);
    out_ = std::move(bytes);
    if (connected_) return write();
    stream_.async_connect(endpoint_, [self = shared_from_this()](const beast::error_code& error) {
      if (error) return self->finish(error);
      self->connected_ = true;
      self->write();
    });
  }

  // Reads one response without sending anything (to see the backend close or reset).
  void readResponse(Clock::duration timeout = 5s) {
    begin(timeout);
    read();
  }

  // Ends the connection with a reset, as a client that gives up abruptly.
  void resetConnection() {
    beast::error_code ignored;
    stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    stream_.socket().close(ignored);
  }

  bool done() const { return reply_.done; }
  const Reply& reply() const { return reply_; }
  Clock::duration elapsed() const { return reply_.finished_at - started_; }

 private:
  void begin(Clock::duration timeout) {
    reply_ = Reply{};
    started_ = Clock::now();
    stream_.expires_after(timeout);
  }

  void write() {
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this()](const beast::error_code& error, std::size_t) {
                        if (error) return self->finish(error);
                        self->read();
                      });
  }

  void read() {
    parser_.emplace();
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const beast::error_code& error, std::size_t) {
                       if (error) return self->finish(error);
                       const auto& response = self->parser_->get();
                       self->reply_.status = response.result_int();
                       self->reply_.host = std::string(response["x-faultline-host"]);
                       self->reply_.content_length =
                           std::string(response[http::field::content_length]);
                       self->reply_.body = response.body();
                       self->finish({});
                     });
  }

  void finish(const beast::error_code& error) {
    reply_.error = error;
    reply_.finished_at = Clock::now();
    reply_.done = true;
  }

  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  bool connected_ = false;
  std::string out_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Clock::time_point started_{};
  Reply reply_;
};

SyntheticBackendConfig withService(Clock::duration service) {
  SyntheticBackendConfig config;
  config.name = "api-0";
  config.service_time = sim::ServiceTime::constant(service);
  return config;
}

class SyntheticBackendTest : public ::testing::Test {
 protected:
  std::shared_ptr<TestClient> client(const SyntheticBackend& backend) {
    return TestClient::create(io_, backend.port());
  }
  bool runUntilDone(const std::vector<std::shared_ptr<TestClient>>& clients,
                    Clock::duration bound = 5s) {
    return runUntil(
        io_,
        [&] {
          for (const auto& c : clients) {
            if (!c->done()) return false;
          }
          return true;
        },
        bound);
  }

  asio::io_context io_;
};

TEST_F(SyntheticBackendTest, ServesKeepAliveWithHostAndContentLength) {
  SyntheticBackendConfig config = withService(0ms);
  config.response_bytes = 5;
  SyntheticBackend backend(io_, config);
  auto c = client(backend);

  for (int i = 0; i < 2; ++i) {
    c->get("/items?id=1");
    ASSERT_TRUE(runUntilDone({c}));
    ASSERT_FALSE(c->reply().error) << c->reply().error.message();
    EXPECT_EQ(c->reply().status, 200u);
    EXPECT_EQ(c->reply().host, "api-0");
    EXPECT_EQ(c->reply().content_length, "5");
    EXPECT_EQ(c->reply().body.size(), 5u);
  }
  EXPECT_EQ(backend.stats().connections, 1u);  // both on one connection
  EXPECT_EQ(backend.stats().requests, 2u);
  EXPECT_EQ(backend.stats().ok, 2u);
}

TEST_F(SyntheticBackendTest, ServiceTimeIsRespected) {
  SyntheticBackend backend(io_, withService(20ms));
  auto c = client(backend);
  c->get("/work");
  ASSERT_TRUE(runUntilDone({c}));
  EXPECT_EQ(c->reply().status, 200u);
  EXPECT_GE(c->elapsed(), 20ms);
}

TEST_F(SyntheticBackendTest, OneWorkerOneQueueSlotServesQueuesAndRejects) {
  SyntheticBackendConfig config = withService(100ms);
  config.queue_limit = 1;
  std::vector<balancer::Duration> waits;
  config.on_service_start = [&](balancer::Duration wait) { waits.push_back(wait); };
  SyntheticBackend backend(io_, config);
  const auto start = Clock::now();
  std::vector<std::shared_ptr<TestClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(client(backend));
    clients.back()->get("/work");
  }
  ASSERT_TRUE(runUntilDone(clients));

  std::vector<Clock::duration> served;
  std::vector<Clock::duration> rejected;
  for (const auto& c : clients) {
    ASSERT_FALSE(c->reply().error) << c->reply().error.message();
    const auto at = c->reply().finished_at - start;
    (c->reply().status == 503 ? rejected : served).push_back(at);
  }
  ASSERT_EQ(served.size(), 2u);
  ASSERT_EQ(rejected.size(), 1u);
  std::sort(served.begin(), served.end());
  EXPECT_LT(rejected[0], served[0]);  // at once, while the first is still in service
  EXPECT_GE(served[0], 100ms);
  EXPECT_GE(served[1], 200ms);  // waited for the first, then served
  // The queue waits the simulator would record: none for the first, a service for the second.
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_LT(waits[0], 50ms);
  EXPECT_GE(waits[1], 100ms);
  EXPECT_EQ(backend.stats().rejected, 1u);
  EXPECT_EQ(backend.stats().ok, 2u);
}

TEST_F(SyntheticBackendTest, BaseErrorIsA500AfterTheServiceTime) {
  SyntheticBackendConfig config = withService(20ms);
  config.error_probability = 1;
  SyntheticBackend backend(io_, config);
  auto c = client(backend);
  c->get("/work");
  ASSERT_TRUE(runUntilDone({c}));
  EXPECT_EQ(c->reply().status, 500u);
  EXPECT_GE(c->elapsed(), 20ms);
  EXPECT_EQ(backend.stats().errors, 1u);
}

TEST_F(SyntheticBackendTest, HealthProbeIsAnsweredWhileTheWorkerIsBusy) {
  SyntheticBackend backend(io_, withService(1s));
  auto work = client(backend);
  work->get("/work");
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().busy == 1; }));

  auto probe = client(backend);
  probe->get("/healthz");
  ASSERT_TRUE(runUntilDone({probe}));
  EXPECT_EQ(probe->reply().status, 200u);
  EXPECT_FALSE(work->done());
  EXPECT_EQ(backend.stats().probes, 1u);
  ASSERT_TRUE(runUntilDone({work}));
  EXPECT_EQ(work->reply().status, 200u);
}

TEST_F(SyntheticBackendTest, CrashRefusesAndResetsThenRestartServesOnTheSamePort) {
  SyntheticBackend backend(io_, withService(2s));
  const std::uint16_t port = backend.port();
  auto idle = client(backend);
  idle->get("/healthz");
  ASSERT_TRUE(runUntilDone({idle}));
  idle->readResponse();  // waits on its open keep-alive connection
  auto working = client(backend);
  working->get("/work");
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().busy == 1; }));

  backend.crash();
  ASSERT_TRUE(runUntilDone({idle, working}));
  EXPECT_EQ(working->reply().error, asio::error::connection_reset);
  EXPECT_EQ(idle->reply().error, asio::error::connection_reset);
  EXPECT_EQ(backend.stats().busy, 0u);
  auto refused = client(backend);
  refused->get("/work");
  ASSERT_TRUE(runUntilDone({refused}));
  EXPECT_EQ(refused->reply().error, asio::error::connection_refused);

  backend.restart();
  EXPECT_EQ(backend.port(), port);
  auto fresh = TestClient::create(io_, port);
  fresh->get("/healthz");
  ASSERT_TRUE(runUntilDone({fresh}));
  EXPECT_EQ(fresh->reply().status, 200u);
}

TEST_F(SyntheticBackendTest, DarkAnswersNothingAndLosesTheWorkInProgress) {
  SyntheticBackend backend(io_, withService(100ms));
  auto in_flight = client(backend);
  in_flight->get("/work", 400ms);
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().busy == 1; }));

  backend.setDark(true);
  EXPECT_EQ(backend.stats().busy, 0u);
  auto request = client(backend);
  request->get("/work", 200ms);
  auto probe = client(backend);
  probe->get("/healthz", 200ms);
  ASSERT_TRUE(runUntilDone({in_flight, request, probe}));
  for (const auto& c : {in_flight, request, probe}) {
    EXPECT_EQ(c->reply().error, beast::error::timeout);
    EXPECT_EQ(c->reply().status, 0u);
  }
  EXPECT_EQ(backend.stats().lost, 3u);

  backend.setDark(false);
  auto after = client(backend);
  after->get("/work");
  ASSERT_TRUE(runUntilDone({after}));
  EXPECT_EQ(after->reply().status, 200u);
}

TEST_F(SyntheticBackendTest, PauseFreezesServiceAndProbesUntilResumed) {
  SyntheticBackendConfig config = withService(200ms);
  config.queue_limit = 0;
  SyntheticBackend backend(io_, config);
  auto first = client(backend);
  first->get("/work");
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().busy == 1; }));

  backend.setPaused(true);
  auto second = client(backend);
  second->get("/work");
  auto probe = client(backend);
  probe->get("/healthz", 300ms);
  ASSERT_TRUE(runUntilDone({probe}));
  EXPECT_EQ(probe->reply().error, beast::error::timeout);
  EXPECT_FALSE(first->done()) << first->reply().error.message();
  EXPECT_FALSE(second->done());
  EXPECT_EQ(backend.stats().queued, 1u);  // beyond the limit: the kernel queues it

  backend.setPaused(false);
  ASSERT_TRUE(runUntilDone({first, second}));
  EXPECT_EQ(first->reply().status, 200u);
  EXPECT_EQ(second->reply().status, 200u);
  EXPECT_GE(first->elapsed(), 200ms + 300ms);  // its service stopped for the pause
  EXPECT_GE(second->reply().finished_at, first->reply().finished_at + 200ms);
}

TEST_F(SyntheticBackendTest, InjectedErrorsAnswerAtOnceAndProbesPass) {
  SyntheticBackend backend(io_, withService(1s));
  backend.setInjectedErrors(1.0, 502);
  auto request = client(backend);
  request->get("/work");
  auto probe = client(backend);
  probe->get("/healthz");
  ASSERT_TRUE(runUntilDone({request, probe}));
  EXPECT_EQ(request->reply().status, 502u);
  EXPECT_LT(request->elapsed(), 500ms);
  EXPECT_EQ(probe->reply().status, 200u);
  EXPECT_EQ(backend.stats().errors, 1u);
  EXPECT_EQ(backend.stats().busy, 0u);
}

TEST_F(SyntheticBackendTest, SlowdownMultipliesTheServiceTime) {
  SyntheticBackend backend(io_, withService(50ms));
  backend.setSlowdown(2.0);
  auto c = client(backend);
  c->get("/work");
  ASSERT_TRUE(runUntilDone({c}));
  EXPECT_EQ(c->reply().status, 200u);
  EXPECT_GE(c->elapsed(), 100ms);
}

TEST_F(SyntheticBackendTest, GrayErrorsFailAfterTheServiceAndProbesPass) {
  SyntheticBackend backend(io_, withService(20ms));
  backend.setGrayErrors(1.0, 503);
  auto request = client(backend);
  request->get("/work");
  auto probe = client(backend);
  probe->get("/healthz");
  ASSERT_TRUE(runUntilDone({request, probe}));
  EXPECT_EQ(request->reply().status, 503u);
  EXPECT_GE(request->elapsed(), 20ms);
  EXPECT_EQ(probe->reply().status, 200u);
}

TEST_F(SyntheticBackendTest, ResetProbabilityResetsRequestsAndProbes) {
  SyntheticBackend backend(io_, withService(0ms));
  backend.setResetProbability(1.0);
  auto request = client(backend);
  request->get("/work");
  auto probe = client(backend);
  probe->get("/healthz");
  ASSERT_TRUE(runUntilDone({request, probe}));
  EXPECT_EQ(request->reply().error, asio::error::connection_reset);
  EXPECT_EQ(probe->reply().error, asio::error::connection_reset);
  EXPECT_EQ(backend.stats().resets, 2u);
}

TEST_F(SyntheticBackendTest, ResetAfterAHold) {
  SyntheticBackend backend(io_, withService(0ms));
  backend.setResetProbability(1.0, 50ms);
  auto request = client(backend);
  request->get("/work");
  ASSERT_TRUE(runUntilDone({request}));
  EXPECT_EQ(request->reply().error, asio::error::connection_reset);
  EXPECT_GE(request->elapsed(), 50ms);
}

TEST_F(SyntheticBackendTest, ExtraLatencyDelaysAnswersAndProbes) {
  SyntheticBackend backend(io_, withService(0ms));
  backend.setLatencyFaults({LatencyFault{.delay = {.latency = 100ms}, .probability = 1.0}});
  auto request = client(backend);
  request->get("/work");
  auto probe = client(backend);
  probe->get("/healthz");
  ASSERT_TRUE(runUntilDone({request, probe}));
  EXPECT_EQ(request->reply().status, 200u);
  EXPECT_EQ(probe->reply().status, 200u);
  EXPECT_GE(request->elapsed(), 100ms);
  EXPECT_GE(probe->elapsed(), 100ms);
}

// On a ramp, a latency fault adds its delay at its strength; overlapping faults add up; a fault
// that strikes no share delays nothing.
TEST_F(SyntheticBackendTest, LatencyFaultsScaleWithTheirStrengthAndAddUp) {
  SyntheticBackend backend(io_, withService(0ms));
  backend.setLatencyFaults({LatencyFault{.delay = {.latency = 400ms}, .intensity = 0.25},
                            LatencyFault{.delay = {.latency = 40ms}},
                            LatencyFault{.delay = {.latency = 10s}, .probability = 0}});
  auto request = client(backend);
  request->get("/work");
  ASSERT_TRUE(runUntilDone({request}));
  EXPECT_EQ(request->reply().status, 200u);
  EXPECT_GE(request->elapsed(), 140ms);
  EXPECT_LT(request->elapsed(), 400ms);  // not the full 440 ms, nor the 10 s of the third
}

TEST_F(SyntheticBackendTest, MalformedRequestGets400AndTheConnectionCloses) {
  SyntheticBackend backend(io_, withService(0ms));
  auto c = client(backend);
  c->sendRaw("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_TRUE(runUntilDone({c}));
  EXPECT_EQ(c->reply().status, 400u);
  EXPECT_FALSE(c->reply().content_length.empty());
  c->readResponse();
  ASSERT_TRUE(runUntilDone({c}));
  EXPECT_EQ(c->reply().error, http::error::end_of_stream);

  auto next = client(backend);  // and it keeps serving
  next->get("/work");
  ASSERT_TRUE(runUntilDone({next}));
  EXPECT_EQ(next->reply().status, 200u);
}

TEST_F(SyntheticBackendTest, ClientResetMidRequestLeavesNothingBehind) {
  SyntheticBackend backend(io_, withService(0ms));
  auto c = client(backend);
  c->sendRaw("GET /work HTTP/1.1\r\nHost: ba", 1s);  // and then nothing more
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().connections == 1; }));
  runFor(io_, 20ms);  // the partial request reaches the backend
  c->resetConnection();
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().connections == 0; }));
  ASSERT_TRUE(runUntilDone({c}));  // its own exchange ends (aborted)

  auto next = client(backend);
  next->get("/work");
  ASSERT_TRUE(runUntilDone({next}));
  EXPECT_EQ(next->reply().status, 200u);
}

TEST_F(SyntheticBackendTest, ClientGoneWithWorkInFlightFreesTheWorker) {
  SyntheticBackend backend(io_, withService(50ms));
  auto c = client(backend);
  c->get("/work");
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().busy == 1; }));
  c->resetConnection();
  // The work is done all the same (wasted, as in the simulator); the answer finds nobody.
  ASSERT_TRUE(runUntil(io_, [&] {
    const auto stats = backend.stats();
    return stats.busy == 0 && stats.connections == 0;
  }));
  EXPECT_EQ(backend.stats().ok, 1u);
}

TEST_F(SyntheticBackendTest, SlowClientIsClosedAfterTheIdleTimeout) {
  SyntheticBackendConfig config = withService(0ms);
  config.idle_timeout = 100ms;
  SyntheticBackend backend(io_, config);
  auto c = client(backend);
  c->sendRaw("GET /work HTTP/1.1\r\nHo", 5s);
  ASSERT_TRUE(runUntilDone({c}, 3s));
  EXPECT_TRUE(c->reply().error == http::error::end_of_stream ||
              c->reply().error == asio::error::connection_reset)
      << c->reply().error.message();
  EXPECT_LT(c->elapsed(), 3s);
  ASSERT_TRUE(runUntil(io_, [&] { return backend.stats().connections == 0; }));
}

// Clients that give up, reset or wait, while faults come and go: when the clients are gone, so is
// every connection and every piece of work.
TEST_F(SyntheticBackendTest, ClientsAndFaultsInAnyOrderLeaveNothingBehind) {
  SyntheticBackendConfig config;
  config.name = "api-0";
  config.service_time = sim::ServiceTime::exponential(10ms);
  config.workers = 2;
  config.queue_limit = 8;
  config.error_probability = 0.1;
  SyntheticBackend backend(io_, config);
  std::vector<std::shared_ptr<TestClient>> clients;
  const auto sendMore = [&] {
    for (int i = 0; i < 10; ++i) {
      clients.push_back(client(backend));
      clients.back()->get(i % 4 == 0 ? "/healthz" : "/work", 300ms);
    }
    runFor(io_, 10ms);
  };
  sendMore();
  for (std::size_t i = 0; i < clients.size(); i += 3)
    clients[i]->resetConnection();
  backend.setPaused(true);
  sendMore();
  backend.setDark(true);
  sendMore();
  backend.setPaused(false);
  backend.setDark(false);
  sendMore();
  backend.setResetProbability(0.3);
  backend.setLatencyFaults({LatencyFault{.delay = {.latency = 5ms}, .probability = 0.5}});
  backend.setInjectedErrors(0.2, 503);
  sendMore();
  backend.crash();
  sendMore();
  backend.restart();
  sendMore();
  ASSERT_TRUE(runUntilDone(clients));

  clients.clear();  // every client closes its connection
  ASSERT_TRUE(runUntil(io_, [&] {
    const auto stats = backend.stats();
    return stats.connections == 0 && stats.busy == 0 && stats.queued == 0;
  }));
}

TEST_F(SyntheticBackendTest, DestroyedWithWorkInFlightLeavesNoDanglingHandler) {
  auto backend = std::make_unique<SyntheticBackend>(io_, withService(1s));
  auto working = client(*backend);
  working->get("/work");
  auto queued = client(*backend);
  queued->get("/work");
  ASSERT_TRUE(runUntil(io_, [&] { return backend->stats().queued == 1; }));

  backend.reset();
  ASSERT_TRUE(runUntilDone({working, queued}));
  EXPECT_TRUE(working->reply().error);
  EXPECT_TRUE(queued->reply().error);
  io_.poll();  // whatever the backend left pending runs without it
}

}  // namespace
}  // namespace faultline::live
