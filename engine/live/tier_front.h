#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "balancer/runtime.h"
#include "engine/live/asio_types.h"
#include "engine/live/network_paths.h"
#include "engine/live/proxy_config.h"
#include "engine/live/upstream_pool.h"
#include "engine/live/upstream_try.h"
#include "engine/sim/tier_routing.h"

namespace faultline::live {

class FrontSession;

// How one client region reaches the balancer tier in a live run: the clients' side of DNS or
// anycast (the simulator's own sim::TierRouter) and the network between them and the instances.
// The region's load generator sends to the front, which stands for the clients' network stacks
// (World::connectToTier, onReachBalancer, onRefusedByBalancer): each request goes to the
// instance its route names, over the trip there and back (`paths`, by instance), on keep-alive
// connections pooled per instance. A refused connection (a dead instance) makes it try the next
// address of its answer, as HTTP clients do. A name that does not resolve, no address left to
// try, and a connection reset (an instance dying with the request) are answered 503 with the
// reason the results file them under (`dns failure`, `upstream connect failure`, `upstream reset
// before response`); an instance's own answer comes back as it is. A request lost on the way
// is given up at the clients' timeout (they have closed their connection by then). One
// io_context thread, as the rest of a live run.
class TierFront {
 public:
  struct Options {
    TimeScale scale;
    std::uint32_t zone = 0;        // the clients' zone when a request does not say it
    std::string zone_header;       // where a request says it
    balancer::Duration timeout{};  // the clients' timeout, in scenario time; zero: none
  };

  // `client`: the client's index for the router; `instances`: where each instance listens.
  TierFront(boost::asio::io_context& io, sim::TierRouter& router, balancer::Runtime& clock,
            std::uint32_t client, std::vector<boost::asio::ip::tcp::endpoint> instances,
            std::shared_ptr<NetworkPaths> paths, Options options);
  ~TierFront();
  TierFront(const TierFront&) = delete;
  TierFront& operator=(const TierFront&) = delete;

  // Listens on an OS-chosen loopback port; the error when it cannot.
  std::optional<std::string> listen();
  std::uint16_t port() const;
  void start();

  // One request's way to an instance, from a session (FrontSession).
  struct Exchange;
  void forward(const std::shared_ptr<Exchange>& exchange);
  std::uint32_t zoneOf(const HttpRequest& request) const {
    return zoneFromHeader(request, options_.zone_header, options_.zone);
  }
  void sessionClosed(FrontSession& session);

 private:
  void accept();
  void connectNext(const std::shared_ptr<Exchange>& exchange);
  void onTried(const std::shared_ptr<Exchange>& exchange, TryResult result);

  boost::asio::io_context& io_;
  sim::TierRouter& router_;
  balancer::Runtime& clock_;
  std::uint32_t client_;
  std::shared_ptr<NetworkPaths> paths_;
  Options options_;
  ProxyLimits limits_;
  std::vector<std::unique_ptr<UpstreamPool>> pools_;  // by instance
  Acceptor acceptor_;
  Timer accept_pause_;
  std::unordered_map<FrontSession*, std::shared_ptr<FrontSession>> sessions_;
  std::uint64_t next_request_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace faultline::live
