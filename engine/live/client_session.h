#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include "engine/live/asio_types.h"

#include "engine/live/forwarding.h"
#include "engine/live/http_messages.h"

namespace faultline::live {

class ClientSession;

// What a client connection needs from the proxy that accepted it.
class SessionOwner {
 public:
  virtual ~SessionOwner() = default;
  virtual ForwardingContext& forwarding() = 0;
  virtual const ProxyLimits& limits() const = 0;
  // The request's key for the hashing strategies, from the configured header; nullopt without.
  virtual std::optional<std::uint64_t> hashKeyOf(const HttpRequest& request) const = 0;
  virtual bool draining() const = 0;
  virtual void sessionClosed(ClientSession& session) = 0;
};

// One client connection: HTTP/1.1 with keep-alive, one request at a time (a pipelined request
// waits in the buffer until the answer before it is written). A request head must arrive whole
// within the head timeout once its first byte came (408 otherwise, HAProxy's timeout
// http-request against slow clients); an idle connection is closed after the idle timeout. A
// malformed request is answered 400, an oversized head 431 and an oversized body 413, and the
// connection closes (its stream cannot be trusted past that point): the proxy serves on.
class ClientSession : public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(Socket socket, SessionOwner& owner);

  void start();
  // Draining: an idle connection closes now, a busy one after its answer (Connection: close).
  void drain();
  // Closes at once, whatever is in flight.
  void close();
  // As a dying process's connections end: the client sees a reset (RST), not a close.
  void reset();
  // Forwarding, writing, or with a request partly read: a drain waits for it.
  bool busy() const {
    return forwarding_ != nullptr || writing_ || buffer_.size() > 0 ||
           (parser_ && parser_->got_some());
  }

 private:
  void awaitRequest();
  void readHead();
  void onHead(boost::system::error_code error);
  void readBody();
  void onBody(boost::system::error_code error);
  void forward();
  void write(HttpResponse response);
  void onWritten(boost::system::error_code error, bool keep_alive);
  void reject(http::status status, std::string_view why);
  void setDeadline(balancer::Duration after, bool answer_408);
  void clearDeadline();
  void onTimer(const boost::system::error_code& error);
  // What the parser lets through but a proxy must refuse, with the status to answer.
  std::optional<std::pair<http::status, std::string_view>> problemWith(
      const HttpRequest& head) const;

  Socket socket_;
  SessionOwner& owner_;
  std::string client_address_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Timer timer_;
  bool timer_armed_ = false;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool answer_408_ = false;
  std::shared_ptr<Forwarding> forwarding_;
  HttpResponse response_;  // being written
  Wire response_wire_;     // its bytes as written
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace faultline::live
