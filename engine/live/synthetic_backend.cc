#include "engine/live/synthetic_backend.h"
#include "engine/live/split_mix64.h"

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>
#include <cassert>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sim/random_streams.h"

namespace faultline::live {
namespace detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using balancer::Duration;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

// A connection closing on its own initiative (a malformed request, Connection: close) keeps
// reading what its client still sends for this long, so that unread bytes do not turn the close
// into a reset that destroys the answer (NGINX's lingering_close; its lingering_timeout is 5 s,
// ours is shorter since our clients are local).
constexpr Duration kLingeringClose = std::chrono::seconds(1);
// An accept that fails for want of resources (EMFILE) is tried again after this long rather than
// at once, in a loop that would spin.
constexpr Duration kAcceptRetry = std::chrono::milliseconds(50);

// The host as a whole. A dark host is dark whatever else strikes it, a crashed one crashed
// whether paused or not (World::refreshHostFaults: dark, then crashes, then pauses).
enum class HostMode : std::uint8_t { kServing, kPaused, kCrashed, kDark };

bool isParseError(const ErrorCode& error) {
  return error.category() == http::make_error_code(http::error::bad_method).category();
}

std::string_view pathOf(beast::string_view target) {
  const std::string_view whole(target.data(), target.size());
  return whole.substr(0, whole.find('?'));
}

std::string okBody(std::size_t bytes) {
  std::string body(bytes, 'k');
  if (bytes > 0) body[0] = 'o';
  return body;
}

void resetSocket(tcp::socket& socket) {
  ErrorCode ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

}  // namespace

class BackendConnection;

// The backend's state behind the public class: shared with its connections, so that handlers
// still pending when the SyntheticBackend is destroyed find it alive (and shut down).
class BackendCore : public std::enable_shared_from_this<BackendCore> {
 public:
  BackendCore(asio::io_context& io, SyntheticBackendConfig config, tcp::endpoint endpoint);

  void openListener();
  void shutdown();
  std::uint16_t port() const { return port_; }
  SyntheticBackend::Stats stats() const;

  void setCrashed(bool crashed) {
    changeMode([&] { crashed_ = crashed; });
  }
  void setDark(bool dark) {
    changeMode([&] { dark_ = dark; });
  }
  void setPaused(bool paused) {
    changeMode([&] { paused_ = paused; });
  }
  void setInjectedErrors(double probability, unsigned status);
  void setLatencyFaults(std::vector<LatencyFault> faults) { latency_faults_ = std::move(faults); }
  void setSlowdown(double factor) { slowdown_ = factor; }
  void setGrayErrors(double probability, unsigned status);
  void setResetProbability(double probability, Duration reset_after);

  // From the connections.
  void onRequest(BackendConnection& connection);
  void onServiceDone(BackendConnection& connection);
  void forget(std::uint64_t connection_id) { connections_.erase(connection_id); }
  void countReset() { ++stats_.resets; }
  // A paused process or one cut off from the network closes nothing on a timer of its own.
  bool frozenOrCutOff() const { return mode() == HostMode::kPaused || mode() == HostMode::kDark; }
  Response malformedAnswer() const;

 private:
  HostMode mode() const;
  template <typename Change>
  void changeMode(Change change);
  void loseWork();
  void resetEverything();
  void freezeService();
  void resumeService();
  void closeListener();
  void accept();
  void onAccept(std::uint64_t epoch, const ErrorCode& error, tcp::socket socket);
  std::vector<std::shared_ptr<BackendConnection>> snapshot() const;

  void onProbe(BackendConnection& connection);
  void swallow(BackendConnection& connection);
  void startService(BackendConnection& connection);
  void startWaiting();
  Duration drawServiceTime();
  Duration drawAnswerDelay();
  bool draw(double probability);
  void answer(BackendConnection& connection, unsigned status, std::string body);
  Response makeResponse(const Request& request, unsigned status, std::string body) const;

  SyntheticBackendConfig config_;
  tcp::endpoint endpoint_;
  std::uint16_t port_ = 0;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::uint64_t listen_epoch_ = 0;  // an accept from before a crash or shutdown is stale
  SplitMix64 random_;
  std::string ok_body_;

  // By accept order, so fault transitions visit connections in a defined order.
  std::map<std::uint64_t, BackendConnection*> connections_;
  std::uint64_t next_connection_id_ = 0;
  std::deque<std::shared_ptr<BackendConnection>> waiting_;  // FIFO
  // Work in service holds its connection through its timer; frozen work has no timer, so the
  // core holds it until the pause ends.
  std::vector<std::shared_ptr<BackendConnection>> frozen_;
  std::uint32_t busy_ = 0;
  SyntheticBackend::Stats stats_;

  bool crashed_ = false;
  bool dark_ = false;
  bool paused_ = false;
  double injected_error_probability_ = 0;
  unsigned injected_status_ = 500;
  std::vector<LatencyFault> latency_faults_;
  double slowdown_ = 1;
  double gray_error_probability_ = 0;
  unsigned gray_status_ = 500;
  double reset_probability_ = 0;
  Duration reset_after_{};
};

// One client connection: reads a request, hands it to the core, writes the answer the core
// gives, and reads the next (HTTP/1.1 keep-alive). Every pending operation's handler holds a
// shared_ptr to it, so the socket is never destroyed with an operation pending; stale timer
// completions are told apart by epochs, since a cancel cannot recall a completion already queued.
class BackendConnection : public std::enable_shared_from_this<BackendConnection> {
 public:
  enum class Stage : std::uint8_t {
    kReading,
    kQueued,
    kInService,
    kFrozen,
    kHeld,  // its reset is coming
    kDelayingAnswer,
    kWriting,
    kClosing,
    kClosed,
  };

  BackendConnection(std::shared_ptr<BackendCore> core, tcp::socket socket, std::uint64_t id,
                    Duration idle_timeout);
  ~BackendConnection() { core_->forget(id_); }
  BackendConnection(const BackendConnection&) = delete;
  BackendConnection& operator=(const BackendConnection&) = delete;

  Stage stage() const { return stage_; }
  bool working() const {
    return stage_ == Stage::kQueued || stage_ == Stage::kInService || stage_ == Stage::kFrozen ||
           stage_ == Stage::kHeld;
  }
  const Request& request() const { return request_; }

  void readRequest();
  void queue() {
    stage_ = Stage::kQueued;
    queued_at_ = Clock::now();
  }
  // How long it waited for a worker (zero if it never queued).
  Duration queueWait() const {
    return queued_at_ ? std::chrono::duration_cast<Duration>(Clock::now() - *queued_at_)
                      : Duration::zero();
  }
  void serve(Duration service);
  void freeze();
  void resume() { serve(service_left_); }
  void holdThenReset(Duration hold);
  void answer(Response response, Duration delay);
  // The work is lost without a word: back to reading, silently.
  void loseWork();
  void reset();
  void close();

 private:
  void onRead(const ErrorCode& error);
  void write();
  void onWritten(const ErrorCode& error);
  void closeGracefully();
  void drain();
  template <typename Then>
  void afterWork(Duration wait, Then then);
  void cancelWork();
  void armDeadline(Duration timeout);
  void disarmDeadline();
  void onDeadline();

  std::shared_ptr<BackendCore> core_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  asio::steady_timer work_timer_;  // service, a held reset, a delayed answer
  std::uint64_t id_;
  Duration idle_timeout_;
  Stage stage_ = Stage::kReading;
  std::optional<Clock::time_point> queued_at_;  // the request's, while it waits for a worker
  std::uint64_t work_epoch_ = 0;
  std::uint64_t deadline_epoch_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  std::optional<Response> response_;
  Clock::time_point service_ends_at_{};
  Duration service_left_{};
  std::array<char, 512> drain_buffer_{};
};

// --- BackendConnection ---------------------------------------------------------------------

BackendConnection::BackendConnection(std::shared_ptr<BackendCore> core, tcp::socket socket,
                                     std::uint64_t id, Duration idle_timeout)
    : core_(std::move(core)),
      socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      work_timer_(socket_.get_executor()),
      id_(id),
      idle_timeout_(idle_timeout) {}

void BackendConnection::readRequest() {
  stage_ = Stage::kReading;
  queued_at_.reset();
  parser_.emplace();  // Beast's default limits: 8 KiB of header, 1 MiB of body
  armDeadline(idle_timeout_);
  http::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](const ErrorCode& error, std::size_t) { self->onRead(error); });
}

void BackendConnection::onRead(const ErrorCode& error) {
  disarmDeadline();
  if (stage_ == Stage::kClosed) return;
  // The client is done, or gave up halfway: nobody is left to answer.
  if (error == http::error::end_of_stream || error == http::error::partial_message) return close();
  if (error && isParseError(error)) return answer(core_->malformedAnswer(), Duration::zero());
  if (error) return close();
  request_ = parser_->release();
  core_->onRequest(*this);
}

void BackendConnection::serve(Duration service) {
  stage_ = Stage::kInService;
  service_ends_at_ = Clock::now() + service;
  afterWork(service, [](BackendConnection& self) { self.core_->onServiceDone(self); });
}

void BackendConnection::freeze() {
  service_left_ = std::max(Duration::zero(),
                           std::chrono::duration_cast<Duration>(service_ends_at_ - Clock::now()));
  cancelWork();
  stage_ = Stage::kFrozen;
}

void BackendConnection::holdThenReset(Duration hold) {
  stage_ = Stage::kHeld;
  afterWork(hold, [](BackendConnection& self) { self.reset(); });
}

void BackendConnection::answer(Response response, Duration delay) {
  response_ = std::move(response);
  if (delay <= Duration::zero()) return write();
  stage_ = Stage::kDelayingAnswer;
  afterWork(delay, [](BackendConnection& self) { self.write(); });
}

void BackendConnection::loseWork() {
  cancelWork();
  readRequest();
}

void BackendConnection::reset() {
  if (stage_ == Stage::kClosed) return;
  core_->countReset();
  ErrorCode ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  close();
}

void BackendConnection::close() {
  if (stage_ == Stage::kClosed) return;
  stage_ = Stage::kClosed;
  cancelWork();
  disarmDeadline();
  ErrorCode ignored;
  socket_.close(ignored);  // pending operations end with operation_aborted
}

void BackendConnection::write() {
  stage_ = Stage::kWriting;
  armDeadline(idle_timeout_);
  http::async_write(
      socket_, *response_,
      [self = shared_from_this()](const ErrorCode& error, std::size_t) { self->onWritten(error); });
}

void BackendConnection::onWritten(const ErrorCode& error) {
  disarmDeadline();
  if (stage_ == Stage::kClosed) return;
  if (error) return close();
  const bool last = response_->need_eof();
  response_.reset();
  if (last) return closeGracefully();
  readRequest();
}

void BackendConnection::closeGracefully() {
  stage_ = Stage::kClosing;
  ErrorCode ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  armDeadline(kLingeringClose);
  drain();
}

void BackendConnection::drain() {
  socket_.async_read_some(asio::buffer(drain_buffer_),
                          [self = shared_from_this()](const ErrorCode& error, std::size_t) {
                            if (self->stage_ == Stage::kClosed) return;
                            if (error) return self->close();
                            self->drain();
                          });
}

template <typename Then>
void BackendConnection::afterWork(Duration wait, Then then) {
  const std::uint64_t epoch = ++work_epoch_;
  work_timer_.expires_after(wait);
  work_timer_.async_wait([self = shared_from_this(), epoch, then](const ErrorCode& error) {
    if (error || epoch != self->work_epoch_ || self->stage_ == Stage::kClosed) return;
    then(*self);
  });
}

void BackendConnection::cancelWork() {
  ++work_epoch_;
  work_timer_.cancel();
}

void BackendConnection::armDeadline(Duration timeout) {
  if (timeout <= Duration::zero()) return;
  const std::uint64_t epoch = ++deadline_epoch_;
  deadline_.expires_after(timeout);
  deadline_.async_wait([self = shared_from_this(), epoch](const ErrorCode& error) {
    if (error || epoch != self->deadline_epoch_ || self->stage_ == Stage::kClosed) return;
    self->onDeadline();
  });
}

void BackendConnection::disarmDeadline() {
  ++deadline_epoch_;
  deadline_.cancel();
}

void BackendConnection::onDeadline() {
  if (stage_ != Stage::kClosing && core_->frozenOrCutOff()) return armDeadline(idle_timeout_);
  close();  // the pending read or write ends with operation_aborted
}

// --- BackendCore: listening, and the host's faults ---------------------------------------------

BackendCore::BackendCore(asio::io_context& io, SyntheticBackendConfig config,
                         tcp::endpoint endpoint)
    : config_(std::move(config)),
      endpoint_(std::move(endpoint)),
      port_(endpoint_.port()),
      acceptor_(io),
      accept_retry_(io),
      random_(config_.seed),
      ok_body_(okBody(config_.response_bytes)) {
  assert(config_.workers > 0);
}

void BackendCore::openListener() {
  ErrorCode error;
  acceptor_.open(endpoint_.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(tcp::endpoint(endpoint_.address(), port_), error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    ErrorCode ignored;
    acceptor_.close(ignored);
    throw boost::system::system_error(error, "synthetic backend: listen");
  }
  port_ = acceptor_.local_endpoint().port();
  ++listen_epoch_;
  accept();
}

void BackendCore::closeListener() {
  ++listen_epoch_;
  ErrorCode ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
}

void BackendCore::shutdown() {
  closeListener();
  const auto connections = snapshot();
  waiting_.clear();
  frozen_.clear();
  busy_ = 0;
  for (const auto& connection : connections)
    connection->close();
}

void BackendCore::accept() {
  acceptor_.async_accept([self = shared_from_this(), epoch = listen_epoch_](const ErrorCode& error,
                                                                            tcp::socket socket) {
    self->onAccept(epoch, error, std::move(socket));
  });
}

void BackendCore::onAccept(std::uint64_t epoch, const ErrorCode& error, tcp::socket socket) {
  if (epoch != listen_epoch_) {  // the host crashed (or shut down) since this accept began
    if (socket.is_open()) resetSocket(socket);
    return;
  }
  if (error == asio::error::operation_aborted) return;
  if (error) {
    accept_retry_.expires_after(kAcceptRetry);
    accept_retry_.async_wait([self = shared_from_this(), epoch](const ErrorCode& waited) {
      if (!waited && epoch == self->listen_epoch_) self->accept();
    });
    return;
  }
  const std::uint64_t id = next_connection_id_++;
  auto connection = std::make_shared<BackendConnection>(shared_from_this(), std::move(socket), id,
                                                        config_.idle_timeout);
  connections_.emplace(id, connection.get());
  connection->readRequest();
  accept();
}

std::vector<std::shared_ptr<BackendConnection>> BackendCore::snapshot() const {
  std::vector<std::shared_ptr<BackendConnection>> alive;
  alive.reserve(connections_.size());
  for (const auto& [id, connection] : connections_) {
    if (auto held = connection->weak_from_this().lock()) alive.push_back(std::move(held));
  }
  return alive;
}

HostMode BackendCore::mode() const {
  if (dark_) return HostMode::kDark;
  if (crashed_) return HostMode::kCrashed;
  if (paused_) return HostMode::kPaused;
  return HostMode::kServing;
}

// What a change of mode does to the work, as World::refreshHostFaults and applyHostChanges decide
// it: going dark loses it, crashing resets it, pausing freezes the service in progress, and
// resuming from a pause carries on; coming back from dark or a crash finds nothing left to do.
template <typename Change>
void BackendCore::changeMode(Change change) {
  const HostMode before = mode();
  change();
  const HostMode after = mode();
  if (after == before) return;
  switch (after) {
    case HostMode::kDark:
      loseWork();
      break;
    case HostMode::kCrashed:
      resetEverything();
      break;
    case HostMode::kPaused:
      freezeService();
      break;
    case HostMode::kServing:
      if (before == HostMode::kPaused) resumeService();
      break;
  }
  // A dark host keeps listening: the blackhole swallows connections rather than refusing them.
  if (after == HostMode::kCrashed) return closeListener();
  if (before == HostMode::kCrashed) openListener();
}

void BackendCore::loseWork() {
  const auto connections = snapshot();
  waiting_.clear();
  frozen_.clear();
  busy_ = 0;
  for (const auto& connection : connections) {
    if (!connection->working()) continue;
    ++stats_.lost;
    connection->loseWork();
  }
}

// On real sockets a crash kills every connection, idle ones too (the simulator has no idle
// connections to kill).
void BackendCore::resetEverything() {
  const auto connections = snapshot();
  waiting_.clear();
  frozen_.clear();
  busy_ = 0;
  for (const auto& connection : connections)
    connection->reset();
}

void BackendCore::freezeService() {
  for (auto& connection : snapshot()) {
    if (connection->stage() != BackendConnection::Stage::kInService) continue;
    connection->freeze();
    frozen_.push_back(std::move(connection));
  }
}

void BackendCore::resumeService() {
  const auto frozen = std::move(frozen_);
  frozen_.clear();
  for (const auto& connection : frozen) {
    if (connection->stage() == BackendConnection::Stage::kFrozen) connection->resume();
  }
  startWaiting();  // what queued during the pause, as far as the free workers go
}

void BackendCore::setInjectedErrors(double probability, unsigned status) {
  assert(status >= 100 && status <= 599);
  injected_error_probability_ = probability;
  injected_status_ = status >= 100 && status <= 599 ? status : 500;
}

void BackendCore::setGrayErrors(double probability, unsigned status) {
  assert(status >= 100 && status <= 599);
  gray_error_probability_ = probability;
  gray_status_ = status >= 100 && status <= 599 ? status : 500;
}

void BackendCore::setResetProbability(double probability, Duration reset_after) {
  reset_probability_ = probability;
  reset_after_ = config_.time_scale.toReal(reset_after);
}

SyntheticBackend::Stats BackendCore::stats() const {
  SyntheticBackend::Stats stats = stats_;
  stats.busy = busy_;
  stats.queued = static_cast<std::uint32_t>(waiting_.size());
  stats.connections = static_cast<std::uint32_t>(connections_.size());
  return stats;
}

// --- BackendCore: requests, as World::onReachHost and onProbeReachHost serve them ---------------

void BackendCore::onRequest(BackendConnection& connection) {
  const bool probe = pathOf(connection.request().target()) == config_.health_path;
  ++(probe ? stats_.probes : stats_.requests);
  const HostMode now = mode();
  if (now == HostMode::kDark) return swallow(connection);  // a blackhole: no answer, ever
  if (now == HostMode::kCrashed) return connection.reset();
  if (probe) return onProbe(connection);
  // Connection faults, then injected errors, before the queue (World::faultsAnswer). As in the
  // simulator they strike a paused host too: they are the network's and the fault injector's.
  if (draw(reset_probability_)) return connection.holdThenReset(reset_after_);
  if (draw(injected_error_probability_)) {
    ++stats_.errors;
    return answer(connection, injected_status_, "injected error\n");
  }
  // A paused process accepts nothing itself: its kernel queues the request, beyond any limit.
  if (now != HostMode::kPaused) {
    if (busy_ < config_.workers) return startService(connection);
    if (config_.queue_limit && waiting_.size() >= *config_.queue_limit) {
      ++stats_.rejected;
      return answer(connection, 503, "queue full\n");
    }
  }
  connection.queue();
  waiting_.push_back(connection.shared_from_this());
}

// World::onProbeReachHost: a probe never queues behind work and ignores errors, brownouts and
// gray failures (which is why a gray host passes); a paused host leaves it unanswered, a reset
// fault resets it, and a latency fault delays its answer.
void BackendCore::onProbe(BackendConnection& connection) {
  if (mode() == HostMode::kPaused) return swallow(connection);
  if (draw(reset_probability_)) return connection.holdThenReset(reset_after_);
  answer(connection, 200, "healthy\n");
}

// Unanswered: the connection reads on, and the client's timeout decides. (A real paused process
// would answer late, after its pause; the simulator drops the probe, and we follow it.)
void BackendCore::swallow(BackendConnection& connection) {
  ++stats_.lost;
  connection.readRequest();
}

void BackendCore::startService(BackendConnection& connection) {
  ++busy_;
  if (config_.on_service_start) {
    config_.on_service_start(config_.time_scale.toScenario(connection.queueWait()));
  }
  connection.serve(drawServiceTime());
}

// World::onServiceDone: a base error is decided after the service, then a gray failure's.
void BackendCore::onServiceDone(BackendConnection& connection) {
  --busy_;
  const bool failed = draw(config_.error_probability);
  const bool gray = !failed && draw(gray_error_probability_);
  if (failed || gray) {
    ++stats_.errors;
    answer(connection, failed ? 500 : gray_status_, failed ? "backend error\n" : "gray failure\n");
  } else {
    ++stats_.ok;
    answer(connection, 200, ok_body_);
  }
  startWaiting();
}

void BackendCore::startWaiting() {
  while (mode() == HostMode::kServing && busy_ < config_.workers && !waiting_.empty()) {
    const std::shared_ptr<BackendConnection> next = std::move(waiting_.front());
    waiting_.pop_front();
    if (next->stage() == BackendConnection::Stage::kQueued) startService(*next);
  }
}

// World::serviceWithFaults: the slowdown stretches the drawn time, kept at a day at most.
Duration BackendCore::drawServiceTime() {
  const Duration service = config_.service_time.sample(random_.uniform());
  if (slowdown_ == 1.0 || service == Duration::zero()) return config_.time_scale.toReal(service);
  const double stretched = static_cast<double>(service.count()) * slowdown_;
  if (!(stretched > 0)) return Duration::zero();
  return config_.time_scale.toReal(Duration(
      std::llround(stretched < sim::kLongestServiceNs ? stretched : sim::kLongestServiceNs)));
}

// World::faultLatency and probeLatency: each latency fault delays its share of every answer by
// a draw of its delay at its strength; overlapping ones add up.
Duration BackendCore::drawAnswerDelay() {
  Duration added{};
  for (const LatencyFault& fault : latency_faults_) {
    if (!draw(fault.probability)) continue;
    added += fault.delay.sample(fault.intensity, random_.uniform(), random_.uniform());
  }
  return added > Duration::zero() ? config_.time_scale.toReal(added) : Duration::zero();
}

bool BackendCore::draw(double probability) {
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  return random_.uniform() < probability;
}

void BackendCore::answer(BackendConnection& connection, unsigned status, std::string body) {
  connection.answer(makeResponse(connection.request(), status, std::move(body)), drawAnswerDelay());
}

Response BackendCore::makeResponse(const Request& request, unsigned status,
                                   std::string body) const {
  Response response;
  response.result(status);
  response.version(request.version());
  response.set("x-faultline-host", config_.name);
  // What arrived, told back, so a test can see what a proxy forwarded.
  response.set("x-faultline-method", request.method_string());
  response.set("x-faultline-target", request.target());
  response.set("x-faultline-forwarded-for", request["X-Forwarded-For"]);
  response.set("x-faultline-body-bytes", std::to_string(request.body().size()));
  response.set(http::field::content_type, "text/plain");
  // Why it failed, as the results file its causes (a live run reads it: "injected error",
  // "queue full", "backend error", "gray failure"), the proxy's own answers carrying theirs alike.
  if (status >= 400 && !body.empty() && body.back() == '\n') {
    response.set("x-faultline-reason", boost::beast::string_view(body.data(), body.size() - 1));
  }
  response.keep_alive(request.keep_alive());
  if (request.method() == http::verb::head) {  // the length of the body it would have had
    response.content_length(body.size());
    return response;
  }
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response BackendCore::malformedAnswer() const {
  Response response{http::status::bad_request, 11};
  response.set("x-faultline-host", config_.name);
  response.set(http::field::content_type, "text/plain");
  response.keep_alive(false);
  response.body() = "malformed request\n";
  response.prepare_payload();
  return response;
}

}  // namespace detail

// --- SyntheticBackend ------------------------------------------------------------------------

SyntheticBackend::SyntheticBackend(boost::asio::io_context& io, SyntheticBackendConfig config,
                                   const boost::asio::ip::address& address, std::uint16_t port)
    : core_(std::make_shared<detail::BackendCore>(io, std::move(config),
                                                  detail::tcp::endpoint(address, port))) {
  core_->openListener();
}

SyntheticBackend::~SyntheticBackend() {
  core_->shutdown();
}

std::uint16_t SyntheticBackend::port() const {
  return core_->port();
}

void SyntheticBackend::crash() {
  core_->setCrashed(true);
}

void SyntheticBackend::restart() {
  core_->setCrashed(false);
}

void SyntheticBackend::setDark(bool dark) {
  core_->setDark(dark);
}

void SyntheticBackend::setPaused(bool paused) {
  core_->setPaused(paused);
}

void SyntheticBackend::setInjectedErrors(double probability, unsigned status) {
  core_->setInjectedErrors(probability, status);
}

void SyntheticBackend::setLatencyFaults(std::vector<LatencyFault> faults) {
  core_->setLatencyFaults(std::move(faults));
}

void SyntheticBackend::setSlowdown(double factor) {
  core_->setSlowdown(factor);
}

void SyntheticBackend::setGrayErrors(double probability, unsigned status) {
  core_->setGrayErrors(probability, status);
}

void SyntheticBackend::setResetProbability(double probability, balancer::Duration reset_after) {
  core_->setResetProbability(probability, reset_after);
}

SyntheticBackend::Stats SyntheticBackend::stats() const {
  return core_->stats();
}

}  // namespace faultline::live
