#include "engine/live/load_generator.h"

#include "engine/sim/client_zones.h"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cassert>
#include <charconv>
#include <cmath>
#include <deque>
#include <string_view>
#include <utility>

#include "engine/live/asio_types.h"
#include "engine/sim/key_sampler.h"
#include "engine/sim/random_streams.h"

namespace faultline::live {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using balancer::Duration;
using balancer::TimePoint;
using Failure = LoadResult::Failure;

std::vector<sim::RateSegment> constantRate(double requests_per_s) {
  return {sim::RateSegment{TimePoint{}, requests_per_s, 0}};
}

LoadPlan loadPlanFor(const sim::WorldSpec& world, std::uint32_t client) {
  const sim::ClientSpec& spec = world.clients.at(client);
  LoadPlan plan;
  plan.rate = spec.rate;
  plan.closed_loop = spec.closed_loop;
  plan.duration = world.layout.duration;
  plan.timeout = spec.timeout.value_or(Duration::zero());
  plan.retry = spec.retry;
  plan.zone_shares = spec.zone_shares;
  plan.drain_limit = world.drain_limit;
  plan.seed = world.seed;
  plan.stream_index = client;
  plan.request_keys = spec.request_keys;
  return plan;
}

namespace detail {
namespace {

// Sent more than this after its intended time, a request counts as late: well above the timer's
// own jitter on an idle loop (tens of microseconds), well below any latency worth reporting.
constexpr Duration kLateAfter = std::chrono::milliseconds(1);
// Overdue arrivals (and retries) sent in one go before answers get a turn: a loop far behind
// still reads the answers (and measures them) while it catches up.
constexpr int kMaxDueBatch = 64;
constexpr TimePoint kNever = TimePoint::max();
constexpr std::uint32_t kNoUser = UINT32_MAX;

// A request from its arrival until it ends, through its client's retries.
struct Request {
  std::uint64_t index = 0;
  TimePoint intended{};    // its first attempt's: the latency counts from it
  TimePoint attempt_at{};  // the current attempt's intended send: its timeout runs from it
  TimePoint deadline = kNever;
  std::optional<std::uint64_t> key;
  std::uint32_t zone = 0;
  std::uint32_t user = kNoUser;  // the closed-loop user who sent it
  std::uint32_t attempt = 0;     // retries sent before the current attempt
  Duration last_backoff{};       // the backoff before the current attempt (decorrelated jitter)
};

// Something due at a time of its own rather than by the arrival process: a closed-loop user's
// next request, or a client's retry at the end of its backoff (or, when the traffic ends first,
// the request's end with the failure it was waiting on, as World::endTraffic ends it).
struct Due {
  TimePoint at{};
  std::uint64_t order = 0;       // ties go in the order scheduled, as the simulator's events do
  std::uint32_t user = kNoUser;  // a user's next request; otherwise a retry
  bool expires = false;          // a retry the end of traffic cancels: `failed` ends the request
  Request request;               // a retry's
  LoadResult failed;             // a retry's failed attempt
};

// For a heap with the earliest on top.
struct Later {
  bool operator()(const Due& a, const Due& b) const {
    return a.at != b.at ? a.at > b.at : a.order > b.order;
  }
};

// Appends "name: value\r\n", the value in decimal.
void appendHeader(std::string& out, std::string_view name, std::uint64_t value) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(name).append(": ").append(digits.data(), end).append("\r\n");
}

}  // namespace

class LoadCore;

// One keep-alive connection, carrying one request at a time (no pipelining: HTTP/1.1 clients
// rarely pipeline, and a pipelined request would wait behind another's answer). Handlers hold it
// by shared_ptr; `owner` is null once it is closed, and its handlers then do nothing.
struct LoadConnection : std::enable_shared_from_this<LoadConnection> {
  LoadConnection(asio::io_context& io, LoadCore* core) : socket(io), timer(io), owner(core) {}

  Socket socket;
  Timer timer;  // the current request's deadline, armed lazily (see LoadCore::armDeadline)
  boost::beast::flat_buffer buffer;
  std::optional<http::response_parser<http::string_body>> parser;
  std::string out;  // the request's bytes, its capacity kept from one request to the next
  LoadCore* owner;
  std::size_t slot = 0;  // where it is in LoadCore::connections_
  bool busy = false;
  bool timer_armed = false;
  Request current;
  std::optional<TimePoint> sent;  // when `current` went on the wire
  TimePoint idle_since{};
};

using ConnectionPtr = std::shared_ptr<LoadConnection>;

class LoadCore : public std::enable_shared_from_this<LoadCore> {
 public:
  LoadCore(asio::io_context& io, balancer::Runtime& clock, const LoadTarget& target, LoadPlan plan,
           LoadGenerator::OnResult on_result)
      : io_(io),
        clock_(clock),
        endpoint_(asio::ip::make_address(target.host), target.port),
        plan_(std::move(plan)),
        on_result_(std::move(on_result)),
        // A closed loop's plan (or one without a schedule) has no open-loop arrivals.
        arrivals_(plan_.rate.empty() ? constantRate(0) : plan_.rate,
                  sim::RandomStream(plan_.seed, sim::Component::kArrivals, plan_.stream_index),
                  TimePoint{} + plan_.duration),
        key_draws_(plan_.seed, sim::Component::kRequestKeys, plan_.stream_index),
        zones_(plan_.zone_shares, plan_.seed, plan_.stream_index),
        retry_draws_(plan_.seed, sim::Component::kClientRetries, plan_.stream_index),
        think_draws_(plan_.seed, sim::Component::kThinkTimes, plan_.stream_index),
        retry_(plan_.retry),
        timer_(io),
        queue_timer_(io) {
    assert(plan_.max_connections > 0);
    if (plan_.request_keys) {
      keys_.emplace(plan_.request_keys->distinct, plan_.request_keys->zipf_exponent);
    }
    // Everything but the key and zone is the same for every request: written once.
    head_prefix_ = "GET " + plan_.target_path + " HTTP/1.1\r\nHost: " + hostHeader(target) +
                   "\r\nUser-Agent: faultline-load\r\n";
  }

  void start(std::optional<TimePoint> origin) {
    assert(!started_);
    started_ = true;
    origin_ = origin.value_or(clock_.now());
    if (plan_.closed_loop) {
      // As World::scheduleTimeline: every user thinks before its first request, in user order.
      user_requests_.assign(plan_.closed_loop->users, 0);
      arrivals_over_ = plan_.closed_loop->users == 0;
      for (std::uint32_t user = 0; user < plan_.closed_loop->users; ++user)
        scheduleUser(user, origin_, std::nullopt);
    } else {
      next_ = arrivals_.next();
      arrivals_over_ = !next_;
    }
    onTimer();
  }

  void stop() {
    stopped_ = true;
    closeAll();
  }

  bool finished() const { return stopped_ || (arrivals_over_ && outstanding() == 0); }
  TimePoint origin() const { return origin_; }

  LoadGenerator::Stats stats() const {
    LoadGenerator::Stats stats = stats_;
    stats.open_connections = static_cast<std::uint32_t>(connections_.size());
    stats.waiting = static_cast<std::uint32_t>(waiting_.size());
    return stats;
  }

  // --- a connection's events, from its handlers while it is open ---

  void onConnected(LoadConnection& connection, boost::system::error_code error) {
    if (error) return fail(connection, Failure::kRefused);
    boost::system::error_code ignored;
    connection.socket.set_option(tcp::no_delay(true), ignored);
    send(connection);
  }

  void onWritten(LoadConnection& connection, boost::system::error_code error) {
    if (error) return fail(connection, Failure::kReset);
    connection.parser.emplace();
    connection.parser->body_limit(plan_.max_response_bytes);
    http::async_read(connection.socket, connection.buffer, *connection.parser,
                     [c = connection.shared_from_this()](boost::system::error_code e, std::size_t) {
                       if (c->owner) c->owner->onRead(*c, e);
                     });
  }

  // An answer, whatever its status. The connection goes back to the pool unless the server
  // said it would close it.
  void onRead(LoadConnection& connection, boost::system::error_code error) {
    if (error) return fail(connection, Failure::kReset);
    const auto& parser = *connection.parser;
    const bool reusable = parser.keep_alive() && !parser.need_eof();
    const Request request = connection.current;
    connection.busy = false;
    ++stats_.answered;
    if (!reusable) close(connection);
    const auto host = parser.get()["x-faultline-host"];
    const auto reason = parser.get()["x-faultline-reason"];
    endAttempt(request, connection.sent, Failure::kNone, parser.get().result_int(),
               std::string_view(host.data(), host.size()),
               std::string_view(reason.data(), reason.size()));
    if (stopped_ || finished()) return;
    if (reusable) return release(connection);
    serveWaiting();
  }

  void onDeadline(LoadConnection& connection) {
    if (!connection.busy) return;
    const TimePoint now = clock_.now();
    if (now < connection.current.deadline) return armDeadline(connection, now);
    fail(connection, Failure::kTimeout);
  }

 private:
  static std::string hostHeader(const LoadTarget& target) {
    const bool v6 = target.host.find(':') != std::string::npos;
    return (v6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port);
  }

  std::uint64_t outstanding() const { return stats_.scheduled - ended_; }

  TimePoint intendedOf(TimePoint offset) const { return origin_ + offset.time_since_epoch(); }
  TimePoint trafficEnd() const { return origin_ + plan_.duration; }
  TimePoint drainEnd() const { return trafficEnd() + plan_.drain_limit; }

  // --- what is due when: arrivals, users' next requests, retries ---

  // The earliest of the next open-loop arrival and the next user request or retry.
  std::optional<TimePoint> nextDue() const {
    std::optional<TimePoint> at;
    if (next_) at = intendedOf(*next_);
    if (!due_.empty() && (!at || due_.front().at < *at)) at = due_.front().at;
    return at;
  }

  // The timer: does everything now due, then waits for what comes next. A loop that fell behind
  // finds several due and sends them at once, each keeping its intended time. With nothing to
  // come but answers, it waits for the drain's bound: whatever is left then is given up.
  void onTimer() {
    const TimePoint now = clock_.now();
    for (int batch = 0;; ++batch) {
      const std::optional<TimePoint> at = nextDue();
      if (!at || *at > now) break;
      if (batch == kMaxDueBatch) return armTimer(now);  // again, after ready handlers
      runNext();
      if (stopped_) return;
    }
    if (finished()) return closeAll();
    if (now >= drainEnd()) return giveUpUnfinished();
    armTimer(nextDue().value_or(drainEnd()));
  }

  // Re-arming cancels the wait pending, whose handler then does nothing. `timer_at_` is what the
  // timer waits for (kNever while its handler runs), so that a user's next request or a retry
  // scheduled sooner re-arms it.
  void armTimer(TimePoint at) {
    timer_at_ = at;
    timer_.expires_after(plan_.time_scale.toReal(at - clock_.now()));
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->stopped_) return;
      self->timer_at_ = kNever;
      self->onTimer();
    });
  }

  void schedule(Due due) {
    due.order = due_order_++;
    const TimePoint at = due.at;
    due_.push_back(std::move(due));
    std::push_heap(due_.begin(), due_.end(), Later{});
    if (at < timer_at_) armTimer(at);
  }

  // The earliest thing due, the arrival first on a tie.
  void runNext() {
    if (next_ && (due_.empty() || intendedOf(*next_) <= due_.front().at)) {
      const TimePoint intended = intendedOf(*next_);
      next_ = arrivals_.next();
      if (!next_) arrivals_over_ = true;
      return arrive(intended, kNoUser);
    }
    std::pop_heap(due_.begin(), due_.end(), Later{});
    Due due = std::move(due_.back());
    due_.pop_back();
    if (due.user != kNoUser) return arrive(due.at, due.user);
    if (due.expires) return endAfterBackoff(due);
    sendRetry(due.request, due.at);
  }

  // A new request (World::onArrival): its arrival number in arrival order across users.
  void arrive(TimePoint intended, std::uint32_t user) {
    Request request;
    request.index = stats_.scheduled++;
    request.intended = intended;
    request.attempt_at = intended;
    request.user = user;
    retry_.onRequest(intended);
    if (keys_) request.key = drawKey(request.index);
    request.zone = zones_.of(request.index);
    if (on_arrival_) on_arrival_(request.index, intended);
    if (!stopped_) launch(request);
  }

  // An attempt of a request, first or retry: its timeout runs from its intended send.
  void launch(Request& request) {
    request.deadline = kNever;
    if (plan_.timeout > Duration::zero()) request.deadline = request.attempt_at + plan_.timeout;
    // A request never overtakes one already waiting for a connection.
    if (!waiting_.empty()) return wait(request);
    dispatch(request);
  }

  // The key of the request with this arrival number, drawn as World::requestKey draws it.
  std::uint64_t drawKey(std::uint64_t index) const {
    sim::CounterRng::Block block{};
    std::size_t used = block.size();
    std::uint64_t lane = 0;
    return keys_->sample([&] {
      if (used == block.size()) {
        block = key_draws_.draw(index, lane++);
        used = 0;
      }
      return sim::uniformOpen(block[used++]);
    });
  }

  // A closed-loop user thinks (an exponential time, drawn by user and request number, as
  // World::scheduleUserRequest draws it), then sends its next request; none at or after the end
  // of traffic. `began`: when its last request was meant to go (nullopt before its first); the
  // next goes no sooner than kMinUserPause after it, which is the simulator's pause after a
  // request that ended in the instant it was sent (nothing live takes no time at all, and a user
  // without think time answered at once would otherwise send as fast as the loop turns).
  void scheduleUser(std::uint32_t user, TimePoint now, std::optional<TimePoint> began) {
    const std::uint64_t n = user_requests_[user]++;
    const Duration mean = plan_.closed_loop->mean_think_time;
    Duration think{};
    if (mean > Duration::zero()) {
      const double u = sim::uniformOpen(think_draws_.draw((std::uint64_t{user} << 32) | n));
      think = Duration(std::llround(-std::log(u) * static_cast<double>(mean.count())));
    }
    TimePoint at = now + think;
    if (began) at = std::max(at, *began + sim::kMinUserPause);
    if (at >= trafficEnd()) {
      if (++users_done_ == plan_.closed_loop->users) arrivals_over_ = true;
      return;
    }
    Due due;
    due.at = at;
    due.user = user;
    schedule(std::move(due));
  }

  // --- connections ---

  // On an idle connection (the most recently used: the least likely to have been closed by the
  // server), else on a new one, else it waits.
  void dispatch(const Request& request) {
    const TimePoint now = clock_.now();
    while (!idle_.empty()) {
      LoadConnection& connection = *idle_.back();
      idle_.pop_back();
      if (now - connection.idle_since > plan_.time_scale.toScenario(plan_.idle_timeout)) {
        close(connection);
        continue;
      }
      assign(connection, request);
      return send(connection);
    }
    if (connections_.size() < plan_.max_connections) return connect(request);
    wait(request);
  }

  static void assign(LoadConnection& connection, const Request& request) {
    connection.current = request;
    connection.sent.reset();
    connection.busy = true;
  }

  void wait(const Request& request) {
    waiting_.push_back(request);
    if (request.deadline != kNever && !queue_timer_armed_) armQueueTimer();
  }

  void connect(const Request& request) {
    auto connection = std::make_shared<LoadConnection>(io_, this);
    connection->slot = connections_.size();
    connections_.push_back(connection);
    assign(*connection, request);
    armDeadline(*connection, clock_.now());  // a connect that hangs times out like the request
    connection->socket.async_connect(endpoint_, [connection](boost::system::error_code error) {
      if (connection->owner) connection->owner->onConnected(*connection, error);
    });
  }

  void send(LoadConnection& connection) {
    const TimePoint now = clock_.now();
    const Request& request = connection.current;
    connection.sent = now;
    ++stats_.sent;
    if (now - request.attempt_at > kLateAfter) ++stats_.late;
    std::string& out = connection.out;
    out.assign(head_prefix_);
    if (request.key) appendHeader(out, plan_.key_header, *request.key);
    if (zones_.spread()) appendHeader(out, plan_.zone_header, request.zone);
    out.append("\r\n");
    if (!connection.timer_armed) armDeadline(connection, now);
    asio::async_write(
        connection.socket, asio::buffer(out),
        [c = connection.shared_from_this()](boost::system::error_code e, std::size_t) {
          if (c->owner) c->owner->onWritten(*c, e);
        });
  }

  // The connection's one timer waits for the current request's deadline. It is re-armed only
  // when it fires before the deadline of the request then in flight (deadlines on a connection
  // only move forward, as attempts are dispatched in the order of their intended times), so a
  // request that ends in time costs no timer operation. Never called while a wait is pending.
  void armDeadline(LoadConnection& connection, TimePoint now) {
    if (connection.current.deadline == kNever) return;
    connection.timer_armed = true;
    connection.timer.expires_after(plan_.time_scale.toReal(connection.current.deadline - now));
    connection.timer.async_wait(
        [c = connection.shared_from_this()](const boost::system::error_code& error) {
          c->timer_armed = false;
          if (error || !c->owner) return;
          c->owner->onDeadline(*c);
        });
  }

  // Back to the pool after an answer: the oldest waiting request takes it, else it idles.
  void release(LoadConnection& connection) {
    while (!waiting_.empty()) {
      const Request request = waiting_.front();
      waiting_.pop_front();
      if (expired(request)) {
        giveUp(request);
        if (stopped_ || connection.owner == nullptr) return;  // stopped, or that was the last
        continue;
      }
      assign(connection, request);
      return send(connection);
    }
    connection.idle_since = clock_.now();
    idle_.push_back(&connection);
  }

  // A connection closed: the oldest waiting requests get new ones, up to the limit.
  void serveWaiting() {
    while (!stopped_ && !waiting_.empty() && connections_.size() < plan_.max_connections) {
      const Request request = waiting_.front();
      waiting_.pop_front();
      if (expired(request)) {
        giveUp(request);
        continue;
      }
      connect(request);
    }
  }

  bool expired(const Request& request) const {
    return request.deadline != kNever && clock_.now() >= request.deadline;
  }

  // Requests waiting for a connection time out too: one timer for the queue, on the oldest's
  // deadline (the queue is in the order of intended times, so deadlines only grow along it).
  void armQueueTimer() {
    queue_timer_armed_ = true;
    queue_timer_.expires_after(plan_.time_scale.toReal(waiting_.front().deadline - clock_.now()));
    queue_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      self->queue_timer_armed_ = false;
      if (error || self->stopped_) return;
      self->expireWaiting();
    });
  }

  void expireWaiting() {
    while (!waiting_.empty() && expired(waiting_.front())) {
      const Request request = waiting_.front();
      waiting_.pop_front();
      giveUp(request);
      if (stopped_) return;
    }
    if (!waiting_.empty() && waiting_.front().deadline != kNever) armQueueTimer();
  }

  // An attempt that timed out before a connection took it: it never went on the wire.
  void giveUp(const Request& request) {
    ++stats_.failed;
    endAttempt(request, std::nullopt, Failure::kTimeout);
  }

  // The attempt on `connection` ends without an answer; the connection, in an unknown state
  // (timed out, broken, never connected), is closed.
  void fail(LoadConnection& connection, Failure failure) {
    const Request request = connection.current;
    const std::optional<TimePoint> sent = connection.sent;
    close(connection);
    ++stats_.failed;
    endAttempt(request, sent, failure);
    if (!stopped_ && !finished()) serveWaiting();
  }

  // The drain limit: whatever is still in flight or waiting is given up, in arrival order.
  void giveUpUnfinished() {
    std::vector<std::pair<Request, std::optional<TimePoint>>> unfinished;
    for (const auto& connection : connections_) {
      if (connection->busy) unfinished.emplace_back(connection->current, connection->sent);
    }
    for (const Request& request : waiting_)
      unfinished.emplace_back(request, std::nullopt);
    std::sort(unfinished.begin(), unfinished.end(),
              [](const auto& a, const auto& b) { return a.first.index < b.first.index; });
    closeAll();
    for (const auto& [request, sent] : unfinished) {
      ++stats_.failed;
      endAttempt(request, sent, Failure::kUnfinished);
      if (stopped_) return;
    }
  }

  // --- the end of an attempt, and of a request ---

  // The client hears how an attempt ended (World::finishAtClient): a failure it retries goes on,
  // otherwise the request ends with it.
  void endAttempt(const Request& request, std::optional<TimePoint> sent, Failure failure,
                  unsigned status = 0, std::string_view served_by = {},
                  std::string_view reason = {}) {
    result_.index = request.index;
    result_.intended = request.intended;
    result_.sent = sent;
    result_.answered = clock_.now();
    result_.status = status;
    result_.failure = failure;
    result_.served_by.assign(served_by);
    result_.reason.assign(reason);
    result_.key = request.key;
    result_.client_retries = request.attempt;
    result_.zone = request.zone;
    result_.user.reset();
    if (request.user != kNoUser) result_.user = request.user;
    const bool succeeded = result_.succeeded();
    retry_.onAttemptEnded(succeeded);
    if (!succeeded && retriedLater(request)) return;
    complete(request);
  }

  // Whether the client sends the failed attempt (in result_) again after its backoff, as
  // World::retriedByClient decides, with the same draws. Once traffic is over, failures are
  // final: the drain lets requests finish, not grow. A backoff that would end after the traffic
  // ends the request then, with this failure (World::endTraffic).
  bool retriedLater(const Request& request) {
    const TimePoint now = result_.answered;
    if (!retry_.enabled() || now >= trafficEnd() || result_.failure == Failure::kUnfinished) {
      return false;
    }
    const std::uint64_t bits =
        retry_draws_.draw(request.index * std::uint64_t{256} + request.attempt);
    const auto wait =
        retry_.retryAfter(request.attempt, result_.timedOut(), request.last_backoff, now, bits);
    if (!wait) return false;
    Due due;
    due.at = now + *wait;
    due.request = request;
    due.request.last_backoff = *wait;
    if (due.at >= trafficEnd()) {
      due.at = trafficEnd();
      due.expires = true;
      due.failed = result_;
    }
    schedule(std::move(due));
    return true;
  }

  // A retry's backoff has ended (World::onClientRetry): the request goes again, a new attempt.
  void sendRetry(Request request, TimePoint at) {
    ++request.attempt;
    request.attempt_at = at;
    ++stats_.client_retries;
    if (on_client_retry_) on_client_retry_(request.index, at);
    if (!stopped_) launch(request);
  }

  // The traffic ended while the request waited for its retry: it ends now, with the failure it
  // was waiting on.
  void endAfterBackoff(const Due& due) {
    result_ = due.failed;
    result_.answered = clock_.now();
    complete(due.request);
  }

  // The request has ended as result_ says: its caller hears of it once, and a closed-loop user
  // thinks before its next.
  void complete(const Request& request) {
    ++ended_;
    if (on_result_) on_result_(result_);
    if (stopped_) return;
    if (request.user != kNoUser) scheduleUser(request.user, result_.answered, request.intended);
    // The last answer: nothing more will happen, and no timer should keep io_context::run() busy.
    if (finished()) closeAll();
  }

  void closeAll() {
    timer_.cancel();
    timer_at_ = kNever;
    due_.clear();
    queue_timer_.cancel();
    waiting_.clear();
    idle_.clear();
    while (!connections_.empty())
      close(*connections_.back());
  }

  void close(LoadConnection& connection) {
    connection.owner = nullptr;
    connection.busy = false;
    boost::system::error_code ignored;
    connection.socket.close(ignored);
    if (connection.timer_armed) connection.timer.cancel();
    // Swap-remove: the last connection takes its slot. The handlers still pending keep it alive.
    const std::size_t slot = connection.slot;
    if (slot + 1 != connections_.size()) {
      connections_[slot] = std::move(connections_.back());
      connections_[slot]->slot = slot;
    }
    connections_.pop_back();
  }

  asio::io_context& io_;
  balancer::Runtime& clock_;
  tcp::endpoint endpoint_;
  LoadPlan plan_;
  LoadGenerator::OnResult on_result_;

 public:
  LoadGenerator::OnArrival on_arrival_;
  LoadGenerator::OnClientRetry on_client_retry_;

 private:
  sim::ArrivalProcess arrivals_;
  sim::CounterRng key_draws_;
  sim::ClientZones zones_;  // as World::requestZone draws them
  sim::HashRng retry_draws_;
  sim::HashRng think_draws_;
  balancer::ClientRetry retry_;
  std::optional<sim::KeySampler> keys_;
  std::string head_prefix_;
  Timer timer_;
  TimePoint timer_at_ = kNever;
  Timer queue_timer_;
  bool queue_timer_armed_ = false;
  bool started_ = false;
  bool stopped_ = false;
  bool arrivals_over_ = false;  // no request will arrive any more (retries aside)
  TimePoint origin_{};
  std::optional<TimePoint> next_;  // the next open-loop arrival, as an offset from the origin
  std::vector<Due> due_;           // a heap, the earliest on top (Later)
  std::uint64_t due_order_ = 0;
  std::vector<std::uint64_t> user_requests_;  // per closed-loop user: requests sent
  std::uint32_t users_done_ = 0;              // users with no request to come
  std::vector<ConnectionPtr> connections_;
  std::vector<LoadConnection*> idle_;  // most recently used last
  std::deque<Request> waiting_;
  std::uint64_t ended_ = 0;  // requests whose callback was called
  LoadGenerator::Stats stats_;
  LoadResult result_;  // refilled for each callback: its strings keep their capacity
};

}  // namespace detail

LoadGenerator::LoadGenerator(asio::io_context& io, balancer::Runtime& clock, LoadTarget target,
                             LoadPlan plan, OnResult on_result)
    : core_(std::make_shared<detail::LoadCore>(io, clock, target, std::move(plan),
                                               std::move(on_result))) {}

LoadGenerator::~LoadGenerator() {
  core_->stop();
}

void LoadGenerator::onArrival(OnArrival on_arrival) {
  core_->on_arrival_ = std::move(on_arrival);
}

void LoadGenerator::onClientRetry(OnClientRetry on_client_retry) {
  core_->on_client_retry_ = std::move(on_client_retry);
}

void LoadGenerator::start(std::optional<balancer::TimePoint> origin) {
  core_->start(origin);
}

void LoadGenerator::stop() {
  core_->stop();
}

bool LoadGenerator::finished() const {
  return core_->finished();
}

balancer::TimePoint LoadGenerator::origin() const {
  return core_->origin();
}

LoadGenerator::Stats LoadGenerator::stats() const {
  return core_->stats();
}

}  // namespace faultline::live
