#include "engine/live/upstream_try.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

namespace faultline::live {

namespace asio = boost::asio;

namespace {

// The parser refused what the backend sent (too large, malformed), as opposed to a connection
// that broke off.
bool badResponse(boost::system::error_code error) {
  const auto& category = http::make_error_code(http::error::header_limit).category();
  return error.category() == category && error != http::error::end_of_stream &&
         error != http::error::partial_message;
}

bool localShortage(boost::system::error_code error) {
  return error == asio::error::no_descriptors || error == asio::error::no_buffer_space ||
         error == boost::system::errc::too_many_files_open_in_system ||
         error == boost::system::errc::address_not_available;
}

// The request's head as sent; an HTTP/1.0 client's request without Host gets the backend's
// address as its Host (HTTP/1.1 upstream requires one).
std::string headOf(const HttpRequest& request, const asio::ip::tcp::endpoint& backend) {
  if (request.count(http::field::host) > 0) return headBytes(request);
  HttpRequest with_host = request;
  with_host.set(http::field::host,
                backend.address().to_string() + ":" + std::to_string(backend.port()));
  return headBytes(with_host);
}

}  // namespace

UpstreamTry::UpstreamTry(asio::io_context& io, UpstreamPool& pool,
                         std::shared_ptr<const HttpRequest> request, const ProxyLimits& limits,
                         balancer::Duration per_try_timeout, Done done, TryEffect effect)
    : io_(io),
      pool_(pool),
      request_(std::move(request)),
      limits_(limits),
      done_(std::move(done)),
      deadline_(io),
      injected_delay_(io),
      effect_(effect),
      per_try_timeout_(per_try_timeout) {}

void UpstreamTry::start() {
  if (per_try_timeout_ > balancer::Duration::zero()) {
    deadline_.expires_after(per_try_timeout_);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || !self->done_) return;
      self->finish({balancer::Outcome::kTimeout, std::nullopt});
    });
  }
  if (effect_.lost) return;  // lost on the way out: the backend never hears of it
  if (effect_.delay > balancer::Duration::zero()) {
    injected_delay_.expires_after(effect_.delay);
    injected_delay_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e) self->afterInjectedDelay();
    });
    return;
  }
  if (!effect_.decided()) return acquire(/*fresh=*/false);  // the usual case
  // Never inside start(): the caller is still setting the try up.
  asio::post(io_, [self = shared_from_this()] { self->afterInjectedDelay(); });
}

// Past an injected latency: an injected error or reset ends the try here, else it is sent.
void UpstreamTry::afterInjectedDelay() {
  if (finished_) return;
  if (effect_.reset) return finish({balancer::Outcome::kReset, std::nullopt});
  if (effect_.refused) return finish({balancer::Outcome::kConnectFailure, std::nullopt});
  if (effect_.status) {
    HttpResponse injected = proxyAnswer(static_cast<http::status>(*effect_.status),
                                        "injected upstream fault", request_->version(), true);
    return finish({outcomeOfStatus(*effect_.status), std::move(injected)});
  }
  acquire(/*fresh=*/false);
}

void UpstreamTry::cancel() {
  finished_ = true;
  done_ = nullptr;
  deadline_.cancel();
  injected_delay_.cancel();
  if (connection_) {
    boost::system::error_code ignored;
    connection_->socket.close(ignored);
  }
}

void UpstreamTry::acquire(bool fresh) {
  pool_.acquire(fresh, [self = shared_from_this()](boost::system::error_code error,
                                                   std::unique_ptr<UpstreamConnection> c) {
    self->onConnection(error, std::move(c));
  });
}

void UpstreamTry::onConnection(boost::system::error_code error,
                               std::unique_ptr<UpstreamConnection> connection) {
  if (finished_) return;  // timed out or cancelled while connecting: the connection just closes
  if (error) {
    if (localShortage(error)) {
      // The proxy's own want (file descriptors, ports, buffers), not the host's fault: the try
      // is given up without a mark against the host.
      return finish({balancer::Outcome::kCancelled,
                     proxyAnswer(http::status::service_unavailable, "proxy out of resources",
                                 request_->version(), false)});
    }
    // Refused, unreachable or not connected in time: nothing reached the host.
    return finish({balancer::Outcome::kConnectFailure, std::nullopt});
  }
  connection_ = std::move(connection);
  if (wire_.bytes.empty()) wire_ = wireOf(headOf(*request_, pool_.endpoint()), *request_);
  asyncWriteWire(connection_->socket, wire_,
                 [self = shared_from_this()](boost::system::error_code e, std::size_t) {
                   self->onWritten(e);
                 });
}

void UpstreamTry::onWritten(boost::system::error_code error) {
  if (finished_) return;
  if (error) {
    if (staleConnection(error)) return retryOnFreshConnection();
    return finish({balancer::Outcome::kReset, std::nullopt});
  }
  readResponse();
}

// A pooled connection the backend had closed: the request died on it before any answer.
bool UpstreamTry::staleConnection(boost::system::error_code error) const {
  if (!connection_ || !connection_->reused || retried_stale_) return false;
  if (parser_ && parser_->got_some()) return false;
  return error == http::error::end_of_stream || error == asio::error::eof ||
         error == asio::error::connection_reset || error == asio::error::broken_pipe;
}

// Reads an answer; an interim 1xx one (RFC 9110 15.2) is followed by another read, on the same
// connection, for the final one.
void UpstreamTry::readResponse() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_response_header_bytes));
  parser_->body_limit(limits_.max_response_body_bytes);
  if (request_->method() == http::verb::head) parser_->skip(true);
  http::async_read(
      connection_->socket, connection_->buffer, *parser_,
      [self = shared_from_this()](boost::system::error_code e, std::size_t) { self->onRead(e); });
}

// No operation is pending on the old connection: it may go.
void UpstreamTry::retryOnFreshConnection() {
  retried_stale_ = true;
  connection_.reset();
  parser_.reset();
  acquire(/*fresh=*/true);
}

void UpstreamTry::onRead(boost::system::error_code error) {
  if (finished_) return;
  if (error) {
    if (staleConnection(error)) return retryOnFreshConnection();
    // An answer too large or malformed is a bad gateway; one broken off, a reset.
    return finish(
        {badResponse(error) ? balancer::Outcome::kGatewayError : balancer::Outcome::kReset,
         std::nullopt});
  }
  const unsigned status = parser_->get().result_int();
  if (status == 101) {  // an upgrade the proxy never asked for (it strips Upgrade)
    return finish({balancer::Outcome::kGatewayError, std::nullopt});
  }
  if (status < 200) return readResponse();  // an interim answer: the final one follows
  HttpResponse response = parser_->release();
  // Bytes past the response (a body a 204 or a HEAD answer should not have had) would be read
  // as the next request's answer: such a connection is not reused.
  const bool reusable =
      response.keep_alive() && !response.need_eof() && connection_->buffer.size() == 0;
  TryResult result{outcomeOfStatus(response.result_int()), std::move(response)};
  if (reusable) {
    pool_.release(std::move(connection_));
  }
  finish(std::move(result));
}

// A connection not given back is closed: its state is unknown (timed out, broken). It is kept
// until the try goes, as an operation on it may still be pending. What the backend answered (or
// how its connection failed) comes back over the network, within the per-try timeout; a timeout
// is the proxy's own verdict and is known at once.
void UpstreamTry::finish(TryResult result) {
  if (!done_) return;  // told already, or cancelled
  // The proxy's own verdicts (a timeout, its own want of resources) are known at once.
  const bool own = result.outcome == balancer::Outcome::kTimeout ||
                   result.outcome == balancer::Outcome::kCancelled;
  if (finished_ && !own) return;  // its answer is on its way back already (or lost)
  finished_ = true;
  injected_delay_.cancel();
  if (connection_) {
    boost::system::error_code ignored;
    connection_->socket.close(ignored);
  }
  if (own) return tell(std::move(result));
  const auto back = effect_.trip_back.take();
  if (!back) return;  // lost on the way back: only a timeout (or the request's end) ends the try
  if (*back <= balancer::Duration::zero()) return tell(std::move(result));
  injected_delay_.expires_after(*back);
  injected_delay_.async_wait([self = shared_from_this(), result = std::move(result)](
                                 const boost::system::error_code& error) mutable {
    if (!error) self->tell(std::move(result));
  });
}

void UpstreamTry::tell(TryResult result) {
  deadline_.cancel();
  injected_delay_.cancel();
  if (auto done = std::exchange(done_, nullptr)) done(std::move(result));
}

}  // namespace faultline::live
