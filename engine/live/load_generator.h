#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancer/client_retry.h"
#include "balancer/runtime.h"
#include "balancer/time.h"
#include "engine/live/time_scale.h"
#include "engine/sim/arrival_process.h"
#include "engine/sim/world_spec.h"

namespace faultline::live {

// Where a client region's requests go: its proxy (or a backend, for a test).
struct LoadTarget {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 0;
};

// What one client region sends, in the terms of the simulator's ClientSpec (engine/sim/
// world_spec.h) so that a scenario means the same traffic live as simulated.
struct LoadPlan {
  // Open loop: requests per second over time, from the generator's start: the simulator's
  // piecewise-linear schedule (sim::rateSchedule gives a scenario's pattern times its surges).
  // Starts at time zero.
  std::vector<sim::RateSegment> rate;
  // When set, a closed loop instead of `rate`: each user thinks, sends, waits for its request's
  // end (its retries included), thinks again, ... (World::scheduleUserRequest).
  std::optional<sim::ClosedLoopSpec> closed_loop;
  // Arrivals (and clients' retries) stop then; requests in flight drain.
  balancer::Duration duration{};
  // Per attempt, from the attempt's intended (re)send time; zero: none.
  balancer::Duration timeout{};
  // The client's own retries of a failed request, after their backoff (balancer::ClientRetry, as
  // World::retriedByClient applies it); max_retries 0: none.
  balancer::ClientRetryConfig retry;
  // Where requests come from, by zone of the client's region (ClientSpec::zone_shares). With
  // two zones or more that have a share, each request's zone is drawn as the simulator draws it
  // and sent in `zone_header` (decimal), for zone-aware routing; otherwise no header is sent.
  std::vector<double> zone_shares;
  std::string zone_header = "x-faultline-zone";
  // Whatever is still unanswered this long after the duration is given up as kUnfinished: the
  // bound on the drain when there is no timeout (the simulator's 60 s without one).
  balancer::Duration drain_limit = std::chrono::seconds(60);
  // Connections open at once at most; a request finding none free waits for one, FIFO.
  std::uint32_t max_connections = 1024;
  // An idle keep-alive connection older than this is closed rather than reused: shorter than the
  // proxy's and the synthetic backend's 60 s, so a request is rarely sent on a connection the
  // server has just closed (which would fail it: there is no silent retry).
  balancer::Duration idle_timeout = std::chrono::seconds(30);
  // Random streams keyed as the simulator keys a client's: (seed, component, client index). The
  // same seed and index give exactly the arrival times, think times, keys, zones and retry
  // backoffs of the simulated client.
  std::uint64_t seed = 1;
  std::uint32_t stream_index = 0;
  std::string target_path = "/";
  // When set, every request carries a key in `key_header` (decimal), drawn as the simulator draws
  // it, for the hashing strategies (the proxy reads the same header by default).
  std::optional<sim::RequestKeySpec> request_keys;
  std::string key_header = "x-faultline-key";
  std::uint64_t max_response_bytes = 64 * 1024 * 1024;  // a larger answer breaks as kReset
  // The clock's scale (time_scale.h): the plan's times are scenario times, as the clock reads
  // them, and waited shrunk by it; idle_timeout is real time.
  TimeScale time_scale;
};

// A constant rate from time zero, as a LoadPlan's `rate`.
std::vector<sim::RateSegment> constantRate(double requests_per_s);

// The plan of a scenario's client `client` (its rate or closed loop, timeout, retries, keys and
// zone shares, the run's duration, drain limit and seed).
LoadPlan loadPlanFor(const sim::WorldSpec& world, std::uint32_t client);

// One request's fate, handed to the callback as it ends: its last attempt's (the first, or the
// client's last retry).
struct LoadResult {
  enum class Failure : std::uint8_t {
    kNone,        // an HTTP answer came (whatever its status)
    kTimeout,     // no answer within the timeout from the attempt's intended send (the connection
                  // is closed)
    kRefused,     // no connection could be made
    kReset,       // the connection broke (reset, closed, or an answer that could not be parsed)
    kUnfinished,  // still unanswered at the drain limit
  };

  std::uint64_t index = 0;         // arrival number, from 0
  balancer::TimePoint intended{};  // when the schedule said to send it (its first attempt)
  // When its last attempt went on the wire; nullopt: that attempt never did.
  std::optional<balancer::TimePoint> sent;
  balancer::TimePoint answered{};  // when the answer (or the failure) came
  unsigned status = 0;             // 0 without an HTTP answer
  Failure failure = Failure::kNone;
  std::string served_by;             // the answer's x-faultline-host header, if any
  std::string reason;                // its x-faultline-reason header (a proxy's own answer), if any
  std::optional<std::uint64_t> key;  // the key the request carried, if any
  std::uint32_t client_retries = 0;  // retries its client sent (after the first attempt)
  std::uint32_t zone = 0;            // the zone of its region it came from
  std::optional<std::uint32_t> user;  // the closed-loop user who sent it; nullopt: open loop

  // What a user waited: from the first intended time, not the send, and through every retry's
  // backoff (see LoadGenerator).
  balancer::Duration latency() const { return answered - intended; }
  // Whether the simulator would count it RequestOutcome::kOk: an HTTP answer below 400. Every
  // error answer the simulator models is a failure, whatever its status (a fault's injected
  // errors take any of 400-599, a rate limit 429), and live_world.cc files every status from 400
  // up under a failure's cause: the client retries exactly what the results count as failed.
  bool succeeded() const { return failure == Failure::kNone && status < 400; }
  // Whether it failed by a timeout, for a client that retries only those: its own, or the
  // proxy's per-try timeout answered as 504 "upstream timeout" (both RequestOutcome::kTimeout).
  bool timedOut() const {
    return failure == Failure::kTimeout ||
           (failure == Failure::kNone && reason == "upstream timeout");
  }
};

namespace detail {
class LoadCore;
}

// The clients of one region, live: an HTTP/1.1 load generator sending GETs to one target over
// keep-alive connections, open-loop at the plan's rates or closed-loop by its users, with the
// simulated client's retries and request zones.
//
// Open loop: arrivals are the simulator's Poisson process with a piecewise-linear rate
// (sim::ArrivalProcess), and they never wait for answers. Latency is measured from each request's
// INTENDED send time, not from when it went out, which is how wrk2 avoids coordinated omission
// (Gil Tene, "How NOT to Measure Latency", 2013; github.com/giltene/wrk2): a load generator that
// waits for a slow answer before sending the next request, and starts its clock when it finally
// sends, measures the stall once instead of for every request it delayed, and reports a tail far
// better than what users see. Here the wait for a free connection, and the event loop falling
// behind, count in the latency: a request overdue goes out at once, its intended time kept.
//
// Closed loop (World::scheduleUserRequest): each user thinks an exponential time drawn from the
// simulated client's stream, sends, and waits for its request's end before thinking again; no
// request goes at or after the duration. Where the simulator pauses a user kMinUserPause after a
// request that ended in the instant it was sent, live (where nothing takes no time) a user's
// next request goes no sooner than kMinUserPause after its previous one began.
//
// Client retries (World::retriedByClient): an attempt that fails (anything but an HTTP answer
// below 400; LoadResult::succeeded) is sent again after the ClientRetry's backoff, drawn from the
// simulated client's stream, while the duration has not passed; a request whose backoff would
// end at or after the duration ends then, with its failed attempt's result. Each attempt has its
// own timeout; the request's latency runs from its first intended time; the callback hears of the
// request once, with its last attempt's result. A retry keeps the request's key and zone.
//
// Arrivals, users' next requests and retries are scheduled by one timer re-armed to the next
// intended time (not one per request); each connection carries one request at a time and has one
// deadline timer, re-armed only when it fires early. A request whose connection breaks fails
// (there is no silent retry beneath the client's own). A timeout closes its connection, since the
// answer may still come on it.
//
// Everything runs on the io_context's one thread: call every member from it (or while it is not
// running). The clock must advance in real time (the proxy's LiveRuntime), so that results line up
// with what the proxy saw; only its now() is read. The callback may call stop() but must not
// destroy the generator. The io_context must outlive the generator.
class LoadGenerator {
 public:
  using OnResult = std::function<void(const LoadResult&)>;
  // A request arrives (is due to be sent): its arrival number and intended time.
  using OnArrival = std::function<void(std::uint64_t index, balancer::TimePoint intended)>;
  // The client sends a request again (the simulator's recordClientRetry): its arrival number and
  // the retry's intended time (its backoff's end).
  using OnClientRetry = std::function<void(std::uint64_t index, balancer::TimePoint at)>;

  // Throws boost::system::system_error when the target's host is not an IP address literal.
  LoadGenerator(boost::asio::io_context& io, balancer::Runtime& clock, LoadTarget target,
                LoadPlan plan, OnResult on_result);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Told of every arrival as it comes, before the request is sent; set before start().
  void onArrival(OnArrival on_arrival);
  // Told of every client retry as it is due, before it is sent; set before start().
  void onClientRetry(OnClientRetry on_client_retry);
  // Schedules the arrivals from `origin` (clock.now() by default); once. Arrivals already due
  // then go out at once, their intended times kept.
  void start(std::optional<balancer::TimePoint> origin = std::nullopt);
  // No more arrivals; requests waiting or in flight are abandoned (no callback), connections
  // closed.
  void stop();
  // Arrivals are over and every request has ended (or stop() was called).
  bool finished() const;
  // When start() was called: the plan's time zero.
  balancer::TimePoint origin() const;

  struct Stats {
    std::uint64_t scheduled = 0;       // arrivals so far (requests, not their retries)
    std::uint64_t client_retries = 0;  // retries sent
    // Attempts (first ones and retries):
    std::uint64_t sent = 0;      // went on the wire
    std::uint64_t answered = 0;  // got an HTTP answer, whatever its status
    std::uint64_t failed = 0;    // ended without one
    std::uint64_t late = 0;      // went on the wire more than 1 ms after their intended time
    std::uint32_t open_connections = 0;  // connecting, busy or idle
    std::uint32_t waiting = 0;           // requests waiting for a connection
  };
  Stats stats() const;

 private:
  std::shared_ptr<detail::LoadCore> core_;
};

}  // namespace faultline::live
