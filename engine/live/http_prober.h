#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/prober.h"
#include "engine/live/network_paths.h"
#include "engine/live/upstream_faults.h"

namespace faultline::live {

class ProbeExchange;

// The balancer's active health checks as real HTTP probes (HAProxy's option httpchk): each probe
// is its own connection, a GET of the check path with Connection: close, passed by a 2xx or 3xx
// answer. The health checker times probes out itself and ignores late answers; a probe's own
// deadline (the check timeout) only frees its socket.
class HttpProber final : public balancer::Prober {
 public:
  // `network`: the trips each way to each host, in scenario time shrunk by `scale` (a live run's
  // links); null: none (real backends).
  HttpProber(boost::asio::io_context& io, std::vector<boost::asio::ip::tcp::endpoint> hosts,
             std::string path, balancer::Duration timeout, NetworkPaths* network = nullptr,
             TimeScale scale = TimeScale());

  // What injected faults do to a probe of a host (UpstreamFaults::drawForProbe); none by default.
  using Faults = std::function<TryEffect(balancer::HostIndex)>;
  void setFaults(Faults faults) { faults_ = std::move(faults); }
  ~HttpProber() override;

  // The balancer that hears the answers; set once it exists (it needs the prober first).
  void attach(balancer::LoadBalancer& balancer) { balancer_ = &balancer; }
  // Closes the probes in flight; none is answered afterwards.
  void stop();

  void probe(balancer::HostIndex host, std::uint64_t probe_id) override;

 private:
  boost::asio::io_context& io_;
  std::vector<boost::asio::ip::tcp::endpoint> hosts_;
  std::string path_;
  balancer::Duration timeout_;
  NetworkPaths* network_;
  TimeScale scale_;
  Faults faults_;
  balancer::LoadBalancer* balancer_ = nullptr;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<std::weak_ptr<ProbeExchange>> in_flight_;
};

}  // namespace faultline::live
