#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>
#include "engine/live/asio_types.h"

#include "balancer/time.h"

namespace faultline::live {

// One HTTP/1.1 keep-alive connection to a backend, and what was read past the last response.
struct UpstreamConnection {
  explicit UpstreamConnection(boost::asio::io_context& io) : socket(io) {}
  Socket socket;
  boost::beast::flat_buffer buffer;
  // Taken from the pool rather than just connected: the backend may have closed it meanwhile,
  // which a try learns only when its request finds the connection gone.
  bool reused = false;
  std::chrono::steady_clock::time_point idle_since{};
};

// The connections to one backend: idle keep-alive connections are reused newest first (a
// connection used recently is the least likely to have been closed by the backend, as Envoy's
// and HAProxy's pools also prefer); new ones are connected within the connect timeout. Once a
// second, while any is idle, a sweep closes those idle longer than the limit and those the
// backend closed or wrote to meanwhile (a peek that finds end of stream or stray bytes), so
// connections closed on the far side do not linger in CLOSE_WAIT.
class UpstreamPool {
 public:
  using Acquired =
      std::function<void(boost::system::error_code, std::unique_ptr<UpstreamConnection>)>;

  UpstreamPool(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
               balancer::Duration connect_timeout, balancer::Duration idle_timeout,
               std::size_t max_idle);
  ~UpstreamPool();

  // An idle connection when there is one (unless `fresh`), else a new one; `done` runs on the
  // io_context, never inside this call. A connect that takes too long fails with timed_out.
  void acquire(bool fresh, Acquired done);
  // Gives a connection back after a complete response that allowed keep-alive.
  void release(std::unique_ptr<UpstreamConnection> connection);
  void closeIdle();

  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }
  std::size_t idleCount() const { return idle_.size(); }

 private:
  void connect(Acquired done);
  void scheduleSweep();
  void sweep();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  balancer::Duration connect_timeout_;
  balancer::Duration idle_timeout_;
  std::size_t max_idle_;
  std::vector<std::unique_ptr<UpstreamConnection>> idle_;  // oldest first
  Timer sweep_timer_;
  bool sweep_scheduled_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace faultline::live
