#include "engine/live/client_session.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace faultline::live {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string addressOf(const tcp::socket& socket) {
  boost::system::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  return error ? std::string("unknown") : endpoint.address().to_string();
}

}  // namespace

ClientSession::ClientSession(tcp::socket socket, SessionOwner& owner)
    : socket_(std::move(socket)),
      owner_(owner),
      client_address_(addressOf(socket_)),
      timer_(socket_.get_executor()) {}

void ClientSession::start() {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  awaitRequest();
}

// Waits for the next request's first byte (or one already buffered), within the idle timeout.
void ClientSession::awaitRequest() {
  if (closed_) return;
  if (owner_.draining()) return close();
  if (buffer_.size() > 0) return readHead();
  armTimer(owner_.limits().client_idle_timeout, /*answer_408=*/false);
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& error) {
                       if (self->closed_) return;
                       if (error) return self->close();
                       self->readHead();
                     });
}

void ClientSession::readHead() {
  const ProxyLimits& limits = owner_.limits();
  armTimer(limits.request_head_timeout, /*answer_408=*/true);
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
    return reject(http::status::bad_request, *problem);
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
  ++timer_generation_;  // the request is whole: the head timer is done
  timer_.cancel();
  forward();
}

// What the parser lets through but a proxy must refuse (RFC 9112): both Content-Length and
// Transfer-Encoding (request smuggling), no Host in HTTP/1.1, a target that is not origin-form
// (an absolute URL would make an open proxy of a careless backend), CONNECT (no tunnels).
std::optional<std::string_view> ClientSession::problemWith(const HttpRequest& head) const {
  if (head.count(http::field::content_length) > 0 &&
      head.count(http::field::transfer_encoding) > 0) {
    return "both Content-Length and Transfer-Encoding";
  }
  if (head.version() >= 11 && head.count(http::field::host) == 0) return "no Host header";
  if (head.count(http::field::host) > 1) return "more than one Host header";
  if (head.method() == http::verb::connect) return "CONNECT is not forwarded";
  const auto target = head.target();
  const bool asterisk = target == "*" && head.method() == http::verb::options;
  if (!asterisk && (target.empty() || target.front() != '/')) {
    return "the target must be a path (origin-form)";
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
  response_ = std::make_shared<HttpResponse>(std::move(response));
  writing_ = true;
  http::async_write(
      socket_, *response_,
      [self = shared_from_this(), keep_alive](boost::system::error_code error, std::size_t) {
        self->onWritten(error, keep_alive);
      });
}

void ClientSession::onWritten(boost::system::error_code error, bool keep_alive) {
  writing_ = false;
  response_.reset();
  if (closed_) return;
  if (error || !keep_alive) {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    return close();
  }
  awaitRequest();
}

void ClientSession::reject(http::status status, std::string_view why) {
  ++owner_.forwarding().counters.malformed;
  ++timer_generation_;
  timer_.cancel();
  write(proxyAnswer(status, why, 11, /*keep_alive=*/false));
}

// One timer per connection: the idle wait, or the request head's deadline (a 408 then, as
// HAProxy answers, when nothing is being written).
void ClientSession::armTimer(balancer::Duration after, bool answer_408) {
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_after(after);
  timer_.async_wait(
      [self = shared_from_this(), generation, answer_408](const boost::system::error_code& error) {
        if (error || generation != self->timer_generation_ || self->closed_) return;
        if (!answer_408 || self->writing_) return self->close();
        ++self->owner_.forwarding().counters.malformed;
        // The read is still pending: cancel it, then answer and close.
        boost::system::error_code ignored;
        self->socket_.cancel(ignored);
        self->write(proxyAnswer(http::status::request_timeout, "request head too slow", 11, false));
      });
}

void ClientSession::drain() {
  if (!busy()) close();
}

void ClientSession::close() {
  if (closed_) return;
  closed_ = true;
  ++timer_generation_;
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
