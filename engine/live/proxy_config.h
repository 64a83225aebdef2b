#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/strategy_options.h"
#include "balancer/time.h"
#include "engine/live/network_paths.h"
#include "engine/live/time_scale.h"

namespace faultline::live {

using namespace std::chrono_literals;

// A backend the proxy may forward to: the only places it ever connects (never an open proxy).
struct BackendAddress {
  std::string name;  // as the balancer and the admin endpoint name it: "host:port" by default
  std::string host;  // an IPv4 or IPv6 literal, or a name resolved once at start
  std::uint16_t port = 0;
  std::uint32_t weight = 1;
  std::uint32_t level = 0;  // priority level (failover order): 0 first
  // Where it runs, as zone-aware routing compares it with the proxy's own region and zones.
  std::uint32_t region = 0;
  std::uint32_t zone = 0;
};

// Limits and timeouts on both sides of the proxy. Defaults follow HAProxy's and Envoy's where
// they agree; where they do not, the choice is said.
struct ProxyLimits {
  // A request head larger than this is answered 431 (HAProxy's tune.bufsize is 16 kB and bounds
  // the head; Envoy's max_request_headers_kb is 60).
  std::size_t max_header_bytes = 16 * 1024;
  // A request body larger than this is answered 413 (Envoy's buffer filter default is 1 MiB).
  std::uint64_t max_body_bytes = 1024 * 1024;
  // Response heads and bodies from backends, beyond which the try fails as a bad gateway.
  std::size_t max_response_header_bytes = 64 * 1024;
  // Bodies are buffered whole (a streaming proxy would not need to): 8 MiB keeps a thousand slow
  // clients from holding gigabytes.
  std::uint64_t max_response_body_bytes = 8 * 1024 * 1024;
  // Client connections open at once; beyond, new ones wait in the kernel's backlog (HAProxy's
  // maxconn behaves so).
  std::size_t max_connections = 10'000;
  // The whole request head must arrive within this (HAProxy's timeout http-request; slowloris).
  balancer::Duration request_head_timeout = 10s;
  // A client connection without a request in flight is closed after this (HAProxy's timeout
  // http-keep-alive falls back on timeout client; Envoy's idle_timeout is 1 h: we take a minute).
  balancer::Duration client_idle_timeout = 60s;
  // Connecting to a backend (Envoy's connect_timeout default is 5 s; HAProxy asks for one).
  balancer::Duration connect_timeout = 5s;
  // The whole request, retries included (Envoy's route timeout, 15 s by default); 0: none.
  balancer::Duration request_timeout = 15s;
  // An idle pooled connection to a backend is closed after this (Envoy's cluster idle_timeout, 1 h;
  // shorter here so a backend's own keep-alive timeout, often 60-75 s, is rarely raced).
  balancer::Duration upstream_idle_timeout = 50s;
  // Graceful drain on SIGTERM: requests in flight get this long to finish.
  balancer::Duration drain_timeout = 15s;
};

// Everything a proxy needs: its backends, the balancer (strategy and every mechanism, the same
// configuration the simulator builds from a scenario's `balancer` section) and its limits.
struct ProxyConfig {
  std::vector<BackendAddress> backends;
  std::string strategy = "round-robin";
  balancer::StrategyOptions strategy_options;
  balancer::LoadBalancerConfig balancer;
  ProxyLimits limits;
  // Active health checks (when balancer.health_check says so) ask this path with a GET; a 2xx or
  // 3xx answer within the check's timeout passes (HAProxy's option httpchk).
  std::string health_check_path = "/";
  // The header whose value is a request's key for the hashing strategies (ring-hash, maglev),
  // as Envoy's hash_policy header; a request without it is placed at random, as in Envoy.
  std::string hash_key_header = "x-faultline-key";
  // The zone the proxy runs in (an index among its region's zones): where its requests come from
  // for zone-aware routing, as Envoy's local zone.
  std::uint32_t zone = 0;
  // The header that says which zone of the proxy's region a request comes from instead (a
  // decimal zone index), for a proxy that stands for a region's client-side balancers; empty:
  // none. Only a live run's own load generator says it: a proxy in front of real clients has no
  // reason to trust it.
  std::string zone_header;
  // The network to the backends (a live run's stand-in for the scenario's links, faults
  // included); null in front of real backends, where the network is real and nothing is waited.
  std::shared_ptr<NetworkPaths> network;
  std::uint64_t seed = 1;
  // A live run's clock (time_scale.h): the balancer's timers, the network trips and the retry
  // backoffs are scenario durations; the limits above stay in real time.
  TimeScale time_scale;
  std::chrono::steady_clock::time_point epoch = std::chrono::steady_clock::now();
};

}  // namespace faultline::live
