#include "engine/live/client_session.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace faultline::live {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string addressOf(const Socket& socket) {
  boost::system::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  return error ? std::string("unknown") : endpoint.address().to_string();
}

}  // namespace

ClientSession::ClientSession(Socket socket, SessionOwner& owner)
    : socket_(std::move(socket)),
      owner_(owner),
      client_address_(addressOf(socket_)),
      timer_(socket_.get_executor()) {}

void ClientSession::start() {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  awaitRequest();
}

// Waits for the next request's first bytes (or takes those already buffered), within the idle
// timeout. A read rather than a wait for readability: Asio re-arms epoll (an epoll_ctl call) for
// every wait, one system call per request that a read does without.
void ClientSession::awaitRequest() {
  if (closed_) return;
  if (owner_.draining()) return close();
  if (buffer_.size() > 0) return readHead();
  setDeadline(owner_.limits().client_idle_timeout, /*answer_408=*/false);
  constexpr std::size_t kFirstRead = 4096;
  socket_.async_read_some(
      buffer_.prepare(kFirstRead),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t bytes) {
        if (self->closed_) return;
        self->buffer_.commit(bytes);
        if (error) return self->close();
        self->readHead();
      });
}

void ClientSession::readHead() {
  const ProxyLimits& limits = owner_.limits();
  setDeadline(limits.request_head_timeout, /*answer_408=*/true);
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser_->body_limit(limits.max_body_bytes);
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](boost::system::error_code error,
                                                      std::size_t) { self->onHead(error); });
}

void ClientSession::onHead(boost::system::error_code error) {
  if (closed_) return;
  if (error == http::error::header_limit)
    return reject(http::status::request_header_fields_too_large, "request header too large");
  if (error == http::error::body_limit)
    return reject(http::status::payload_too_large, "request body too large");
  if (error == http::error::end_of_stream || error == asio::error::eof ||
      error == asio::error::connection_reset || error == asio::error::operation_aborted) {
    return close();  // the client left, or the timer ended it
  }
  if (error) return reject(http::status::bad_request, error.message());
  if (const auto problem = problemWith(parser_->get())) {
    return reject(problem->first, problem->second);
  }
  if (parser_->get()[http::field::expect] == "100-continue" && !parser_->is_done()) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](boost::system::error_code e, std::size_t) {
                        if (e) return self->close();
                        self->readBody();
                      });
    return;
  }
  if (parser_->is_done()) return onBody({});  // no body: no second read to wait for
  readBody();
}

void ClientSession::readBody() {
  if (closed_) return;
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                     self->onBody(error);
                   });
}

void ClientSession::onBody(boost::system::error_code error) {
  if (closed_) return;
  if (error == http::error::body_limit) {
    return reject(http::status::payload_too_large, "request body too large");
  }
  if (error == http::error::end_of_stream || error == asio::error::eof ||
      error == asio::error::connection_reset || error == asio::error::operation_aborted) {
    return close();
  }
  if (error) return reject(http::status::bad_request, error.message());
  clearDeadline();  // the request is whole
  forward();
}

// What the parser lets through but a proxy must refuse (RFC 9112): both Content-Length and
// Transfer-Encoding (request smuggling), no Host in HTTP/1.1, a target that is not origin-form
// (an absolute URL would make an open proxy of a careless backend), CONNECT (no tunnels).
std::optional<std::pair<http::status, std::string_view>> ClientSession::problemWith(
    const HttpRequest& head) const {
  constexpr auto kBad = http::status::bad_request;
  if (head.count(http::field::content_length) > 0 &&
      head.count(http::field::transfer_encoding) > 0) {
    return std::pair{kBad, "both Content-Length and Transfer-Encoding"};
  }
  // Only chunked framing is understood; any other coding would frame the body wrongly (nginx
  // and Envoy answer 501 too).
  if (head.count(http::field::transfer_encoding) > 0) {
    const auto coding = head[http::field::transfer_encoding];
    if (head.count(http::field::transfer_encoding) > 1 ||
        !boost::beast::iequals(coding, "chunked")) {
      return std::pair{http::status::not_implemented, "only Transfer-Encoding: chunked"};
    }
  }
  if (head.version() >= 11 && head.count(http::field::host) == 0) {
    return std::pair{kBad, "no Host header"};
  }
  if (head.count(http::field::host) > 1) return std::pair{kBad, "more than one Host header"};
  if (head.method() == http::verb::connect) return std::pair{kBad, "CONNECT is not forwarded"};
  const auto target = head.target();
  const bool asterisk = target == "*" && head.method() == http::verb::options;
  if (!asterisk && (target.empty() || target.front() != '/')) {
    return std::pair{kBad, "the target must be a path (origin-form)"};
  }
  return std::nullopt;
}

void ClientSession::forward() {
  HttpRequest request = parser_->release();
  parser_.reset();
  const auto key = owner_.hashKeyOf(request);
  forwarding_ =
      std::make_shared<Forwarding>(owner_.forwarding(), std::move(request), client_address_, key,
                                   [self = shared_from_this()](HttpResponse response) {
                                     self->forwarding_.reset();
                                     self->write(std::move(response));
                                   });
  forwarding_->start();
}

void ClientSession::write(HttpResponse response) {
  if (closed_) return;
  if (owner_.draining()) response.keep_alive(false);
  const bool keep_alive = response.keep_alive();
  response_ = std::move(response);
  response_wire_ = wireOf(headBytes(response_), response_);
  writing_ = true;
  // A client that does not take its answer is dropped after the idle timeout, as HAProxy's
  // timeout client covers writes too.
  setDeadline(owner_.limits().client_idle_timeout, /*answer_408=*/false);
  asyncWriteWire(
      socket_, response_wire_,
      [self = shared_from_this(), keep_alive](boost::system::error_code error, std::size_t) {
        self->onWritten(error, keep_alive);
      });
}

void ClientSession::onWritten(boost::system::error_code error, bool keep_alive) {
  writing_ = false;
  response_ = {};
  if (closed_) return;
  if (error || !keep_alive) {
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_send, ignored);
    return close();
  }
  awaitRequest();
}

void ClientSession::reject(http::status status, std::string_view why) {
  ++owner_.forwarding().counters.malformed;
  clearDeadline();
  write(proxyAnswer(status, why, 11, /*keep_alive=*/false));
}

// One deadline per connection: the idle wait, or the request head's (a 408 then, as HAProxy
// answers, when nothing is being written). Moving or clearing it touches no timer: the timer,
// when it fires, compares the time with the deadline and sleeps again if it moved. Arming and
// cancelling an Asio timer for every request cost more than the requests' own bookkeeping.
void ClientSession::setDeadline(balancer::Duration after, bool answer_408) {
  deadline_ = std::chrono::steady_clock::now() + after;
  answer_408_ = answer_408;
  if (timer_armed_ && timer_.expiry() <= deadline_) return;  // it wakes in time and re-checks
  timer_armed_ = true;
  timer_.expires_at(deadline_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    self->onTimer(error);
  });
}

void ClientSession::clearDeadline() {
  deadline_ = std::chrono::steady_clock::time_point::max();
}

void ClientSession::onTimer(const boost::system::error_code& error) {
  if (error == boost::asio::error::operation_aborted) return;  // re-armed meanwhile, or closed
  timer_armed_ = false;
  if (error || closed_ || deadline_ == std::chrono::steady_clock::time_point::max()) return;
  if (std::chrono::steady_clock::now() < deadline_) {  // moved since: sleep until then
    timer_armed_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait(
        [self = shared_from_this()](const boost::system::error_code& e) { self->onTimer(e); });
    return;
  }
  if (!answer_408_ || writing_) return close();
  ++owner_.forwarding().counters.malformed;
  // The read is still pending: cancel it, then answer and close.
  boost::system::error_code ignored;
  socket_.cancel(ignored);
  clearDeadline();
  write(proxyAnswer(http::status::request_timeout, "request head too slow", 11, false));
}

void ClientSession::drain() {
  if (!busy()) close();
}

void ClientSession::reset() {
  boost::system::error_code ignored;
  socket_.set_option(boost::asio::socket_base::linger(true, 0), ignored);
  close();
}

void ClientSession::close() {
  if (closed_) return;
  closed_ = true;
  clearDeadline();
  timer_.cancel();
  if (forwarding_) {
    forwarding_->abandon();
    forwarding_.reset();
  }
  boost::system::error_code ignored;
  socket_.close(ignored);
  owner_.sessionClosed(*this);
}

}  // namespace faultline::live
