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
// and HAProxy's pools also prefer), and closed once idle longer than the limit; new ones are
// connected within the connect timeout.
class UpstreamPool {
 public:
  using Acquired =
      std::function<void(boost::system::error_code, std::unique_ptr<UpstreamConnection>)>;

  UpstreamPool(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
               balancer::Duration connect_timeout, balancer::Duration idle_timeout,
               std::size_t max_idle);

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

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  balancer::Duration connect_timeout_;
  balancer::Duration idle_timeout_;
  std::size_t max_idle_;
  std::vector<std::unique_ptr<UpstreamConnection>> idle_;  // oldest first
};

}  // namespace faultline::live
