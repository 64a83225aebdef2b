#include "engine/live/load_generator.h"

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

std::optional<LoadPlan> loadPlanFor(const sim::WorldSpec& world, std::uint32_t client) {
  const sim::ClientSpec& spec = world.clients.at(client);
  if (spec.closed_loop) return std::nullopt;
  LoadPlan plan;
  plan.rate = spec.rate;
  plan.duration = world.layout.duration;
  plan.timeout = spec.timeout.value_or(Duration::zero());
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
// Overdue arrivals sent in one go before answers get a turn: a loop far behind still reads
// the answers (and measures them) while it catches up.
constexpr int kMaxArrivalBatch = 64;
constexpr TimePoint kNever = TimePoint::max();

// A request from its arrival until it ends.
struct Request {
  std::uint64_t index = 0;
  TimePoint intended{};
  TimePoint deadline = kNever;
  std::optional<std::uint64_t> key;
};

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
        arrivals_(plan_.rate,
                  sim::RandomStream(plan_.seed, sim::Component::kArrivals, plan_.stream_index),
                  TimePoint{} + plan_.duration),
        key_draws_(plan_.seed, sim::Component::kRequestKeys, plan_.stream_index),
        arrival_timer_(io),
        queue_timer_(io) {
    assert(plan_.max_connections > 0);
    if (plan_.request_keys) {
      keys_.emplace(plan_.request_keys->distinct, plan_.request_keys->zipf_exponent);
    }
    // Everything but the key is the same for every request: written once.
    head_prefix_ = "GET " + plan_.target_path + " HTTP/1.1\r\nHost: " + hostHeader(target) +
                   "\r\nUser-Agent: faultline-load\r\n";
  }

  void start(std::optional<TimePoint> origin) {
    assert(!started_);
    started_ = true;
    origin_ = origin.value_or(clock_.now());
    next_ = arrivals_.next();
    onArrivalTimer();
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
    deliver(request, connection.sent, Failure::kNone, parser.get().result_int(),
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

  std::uint64_t outstanding() const { return stats_.scheduled - stats_.answered - stats_.failed; }

  TimePoint intendedOf(TimePoint offset) const { return origin_ + offset.time_since_epoch(); }

  // The arrival timer: sends every request now due, then waits for the next one. A loop that
  // fell behind finds several due and sends them at once, each keeping its intended time.
  void onArrivalTimer() {
    const TimePoint now = clock_.now();
    for (int batch = 0; next_ && intendedOf(*next_) <= now; ++batch) {
      if (batch == kMaxArrivalBatch) return armArrivalTimer(now);  // again, after ready handlers
      const TimePoint intended = intendedOf(*next_);
      next_ = arrivals_.next();
      arrive(intended);
      if (stopped_) return;
    }
    if (next_) return armArrivalTimer(intendedOf(*next_));
    arrivals_over_ = true;
    if (outstanding() == 0) return closeAll();
    // The drain's bound, on the same timer: whatever is left then is given up.
    armArrivalTimer(origin_ + plan_.duration + plan_.drain_limit);
  }

  void armArrivalTimer(TimePoint at) {
    arrival_timer_.expires_after(plan_.time_scale.toReal(at - clock_.now()));
    arrival_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->stopped_) return;
      if (self->arrivals_over_) return self->giveUpUnfinished();
      self->onArrivalTimer();
    });
  }

  void arrive(TimePoint intended) {
    Request request{stats_.scheduled++, intended, kNever, std::nullopt};
    if (plan_.timeout > Duration::zero()) request.deadline = intended + plan_.timeout;
    if (keys_) request.key = drawKey(request.index);
    if (on_arrival_) on_arrival_(request.index, intended);
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
    connection.sent = now;
    ++stats_.sent;
    if (now - connection.current.intended > kLateAfter) ++stats_.late;
    std::string& out = connection.out;
    out.assign(head_prefix_);
    if (connection.current.key) {
      std::array<char, 24> digits{};
      const auto end =
          std::to_chars(digits.data(), digits.data() + digits.size(), *connection.current.key).ptr;
      out.append(plan_.key_header).append(": ").append(digits.data(), end).append("\r\n");
    }
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
  // only move forward, as requests are dispatched in arrival order), so a request that ends in
  // time costs no timer operation. Never called while a wait is pending.
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
  // deadline (the queue is in arrival order, so deadlines only grow along it).
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

  // A request that timed out before a connection took it: it never went on the wire.
  void giveUp(const Request& request) {
    ++stats_.failed;
    deliver(request, std::nullopt, Failure::kTimeout);
  }

  // The request on `connection` ends without an answer; the connection, in an unknown state
  // (timed out, broken, never connected), is closed.
  void fail(LoadConnection& connection, Failure failure) {
    const Request request = connection.current;
    const std::optional<TimePoint> sent = connection.sent;
    close(connection);
    ++stats_.failed;
    deliver(request, sent, failure);
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
      deliver(request, sent, Failure::kUnfinished);
      if (stopped_) return;
    }
  }

  void deliver(const Request& request, std::optional<TimePoint> sent, Failure failure,
               unsigned status = 0, std::string_view served_by = {}, std::string_view reason = {}) {
    result_.index = request.index;
    result_.intended = request.intended;
    result_.sent = sent;
    result_.answered = clock_.now();
    result_.status = status;
    result_.failure = failure;
    result_.served_by.assign(served_by);
    result_.reason.assign(reason);
    result_.key = request.key;
    if (on_result_) on_result_(result_);
    // The last answer: nothing more will happen, and no timer should keep io_context::run() busy.
    if (!stopped_ && arrivals_over_ && outstanding() == 0) closeAll();
  }

  void closeAll() {
    arrival_timer_.cancel();
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

 private:
  sim::ArrivalProcess arrivals_;
  sim::CounterRng key_draws_;
  std::optional<sim::KeySampler> keys_;
  std::string head_prefix_;
  Timer arrival_timer_;
  Timer queue_timer_;
  bool queue_timer_armed_ = false;
  bool started_ = false;
  bool stopped_ = false;
  bool arrivals_over_ = false;
  TimePoint origin_{};
  std::optional<TimePoint> next_;  // the next arrival, as an offset from the origin
  std::vector<ConnectionPtr> connections_;
  std::vector<LoadConnection*> idle_;  // most recently used last
  std::deque<Request> waiting_;
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
