#include "engine/live/upstream_pool.h"

#include <boost/asio/post.hpp>
#include "engine/live/asio_types.h"

namespace faultline::live {

namespace asio = boost::asio;
using asio::ip::tcp;

UpstreamPool::UpstreamPool(asio::io_context& io, tcp::endpoint endpoint,
                           balancer::Duration connect_timeout, balancer::Duration idle_timeout,
                           std::size_t max_idle)
    : io_(io),
      endpoint_(std::move(endpoint)),
      connect_timeout_(connect_timeout),
      idle_timeout_(idle_timeout),
      max_idle_(max_idle),
      sweep_timer_(io) {}

UpstreamPool::~UpstreamPool() {
  *alive_ = false;
  sweep_timer_.cancel();
}

void UpstreamPool::acquire(bool fresh, Acquired done) {
  const auto now = std::chrono::steady_clock::now();
  while (!fresh && !idle_.empty()) {
    std::unique_ptr<UpstreamConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    if (now - connection->idle_since > idle_timeout_ || !connection->socket.is_open()) continue;
    connection->reused = true;
    asio::post(io_, [done = std::move(done), connection = std::move(connection)]() mutable {
      done({}, std::move(connection));
    });
    return;
  }
  connect(std::move(done));
}

void UpstreamPool::connect(Acquired done) {
  auto connection = std::make_unique<UpstreamConnection>(io_);
  auto* socket = &connection->socket;
  auto timer = std::make_shared<Timer>(io_, connect_timeout_);
  auto timed_out = std::make_shared<bool>(false);
  timer->async_wait([socket_alive = std::weak_ptr<Timer>(timer), socket,
                     timed_out](const boost::system::error_code& error) {
    // The connect's handler owns the timer: while it lives, so does the socket.
    if (error || socket_alive.expired()) return;
    *timed_out = true;
    boost::system::error_code ignored;
    socket->close(ignored);
  });
  socket->async_connect(endpoint_, [done = std::move(done), connection = std::move(connection),
                                    timer, timed_out](boost::system::error_code error) mutable {
    timer->cancel();
    if (*timed_out) error = asio::error::timed_out;
    if (error) return done(error, nullptr);
    boost::system::error_code ignored;
    connection->socket.set_option(tcp::no_delay(true), ignored);
    connection->reused = false;
    done({}, std::move(connection));
  });
}

void UpstreamPool::release(std::unique_ptr<UpstreamConnection> connection) {
  if (!connection || !connection->socket.is_open()) return;
  if (idle_.size() >= max_idle_) return;  // closed as it goes
  connection->idle_since = std::chrono::steady_clock::now();
  idle_.push_back(std::move(connection));
  scheduleSweep();
}

void UpstreamPool::scheduleSweep() {
  if (sweep_scheduled_) return;
  sweep_scheduled_ = true;
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
    if (error || !*alive) return;
    sweep_scheduled_ = false;
    sweep();
    if (!idle_.empty()) scheduleSweep();
  });
}

// A non-blocking peek tells an idle connection's state without reading: nothing to read (would
// block) is a live connection; end of stream, an error or bytes nobody asked for end it.
void UpstreamPool::sweep() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(idle_, [&](const std::unique_ptr<UpstreamConnection>& connection) {
    if (now - connection->idle_since > idle_timeout_) return true;
    char byte = 0;
    boost::system::error_code error;
    connection->socket.non_blocking(true, error);
    if (error) return true;
    connection->socket.receive(asio::buffer(&byte, 1), Socket::message_peek, error);
    return error != asio::error::would_block;
  });
}

void UpstreamPool::closeIdle() {
  idle_.clear();
}

}  // namespace faultline::live
