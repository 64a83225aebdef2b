#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include "engine/live/asio_types.h"

#include "balancer/expected.h"
#include "balancer/load_balancer.h"
#include "engine/live/client_session.h"
#include "engine/live/forwarding.h"
#include "engine/live/http_prober.h"
#include "engine/live/live_runtime.h"
#include "engine/live/proxy_config.h"
#include "engine/live/upstream_pool.h"

namespace faultline::live {

// The balancer core as a reverse proxy: HTTP/1.1 clients on one side, the configured backends
// (and only those) on the other, every decision made by the same LoadBalancer the simulator
// drives, on one io_context thread (as HAProxy's single-threaded mode and each Envoy worker
// run). Health checks are real HTTP probes; host changes are told through `log`.
class Proxy final : private SessionOwner, private balancer::BalancerEvents {
 public:
  using Log = std::function<void(const std::string&)>;

  // Resolves the backends and binds the listener; the error says which failed.
  // `listener`, when given, hears the balancer's own events as they come (a live run turns them
  // into the results' events).
  static Expected<std::unique_ptr<Proxy>, std::string> create(
      boost::asio::io_context& io, ProxyConfig config, const boost::asio::ip::tcp::endpoint& listen,
      Log log = {}, balancer::BalancerEvents* listener = nullptr);
  ~Proxy() override;

  // Starts the health checks and accepting clients.
  void start();
  // Graceful drain (SIGTERM): no new connections; idle ones close, busy ones after their answer
  // (Connection: close); whatever is still open after the drain timeout is closed. `done` runs
  // once everything is closed; the proxy is then inert and may be destroyed.
  void drain(std::function<void()> done);

  // The process dies (a tier instance's balancer_crash): the listener closes, so connections are
  // refused, and every client connection is reset with its requests abandoned. Its balancer and
  // health checks carry on (the simulator's crashed instance keeps its view too).
  void crash();
  // Back after a crash, listening on the same port; the error when it cannot.
  std::optional<std::string> restart();
  bool crashed() const { return crashed_; }

  std::uint16_t port() const;
  const ProxyCounters& counters() const { return counters_; }
  const balancer::LoadBalancer& balancer() const { return *balancer_; }
  const ProxyConfig& config() const { return config_; }
  std::size_t openConnections() const { return sessions_.size(); }
  UpstreamFaults& upstreamFaults() { return faults_; }
  // Idle pooled connections to a backend, by its index in the configuration.
  std::size_t idleUpstreamConnections(std::size_t backend) const {
    return pools_[backend]->idleCount();
  }

 private:
  Proxy(boost::asio::io_context& io, ProxyConfig config,
        std::vector<boost::asio::ip::tcp::endpoint> backends, Log log,
        balancer::BalancerEvents* listener);

  // SessionOwner
  ForwardingContext& forwarding() override { return context_; }
  const ProxyLimits& limits() const override { return config_.limits; }
  std::optional<std::uint64_t> hashKeyOf(const HttpRequest& request) const override;
  bool draining() const override { return draining_; }
  void sessionClosed(ClientSession& session) override;

  // BalancerEvents
  void onHostHealthChanged(balancer::HostIndex host, bool healthy) override;
  void onActiveLevelChanged(std::optional<std::uint32_t> from,
                            std::optional<std::uint32_t> to) override;

  std::unique_ptr<balancer::LoadBalancer> makeBalancer();
  void accept();
  void finishDrain();

  boost::asio::io_context& io_;
  ProxyConfig config_;
  Log log_;
  balancer::BalancerEvents* listener_;
  LiveRuntime runtime_;
  HttpProber prober_;
  std::vector<std::unique_ptr<UpstreamPool>> pools_;  // in the balancer's host order
  std::unique_ptr<balancer::LoadBalancer> balancer_;
  ProxyCounters counters_;
  UpstreamFaults faults_;
  ForwardingContext context_;
  Acceptor acceptor_;
  Acceptor reserved_;  // a crashed proxy's port, bound but not listening
  Timer accept_pause_;
  // False once the proxy is gone: handlers still queued on the io_context find it so.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unordered_map<ClientSession*, std::shared_ptr<ClientSession>> sessions_;
  bool accepting_ = false;
  bool draining_ = false;
  bool crashed_ = false;
  boost::asio::ip::tcp::endpoint bound_;  // where it listens, kept across a crash
  Timer drain_timer_;
  std::function<void()> drained_;
  std::vector<bool> host_usable_;  // as last told, so a second reason to avoid a host is not news
};

}  // namespace faultline::live
