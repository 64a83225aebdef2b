#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "engine/live/asio_types.h"

#include "balancer/load_balancer.h"
#include "engine/live/http_messages.h"
#include "engine/live/network_paths.h"
#include "engine/live/proxy_config.h"
#include "engine/live/upstream_faults.h"
#include "engine/live/upstream_pool.h"
#include "engine/live/upstream_try.h"

namespace faultline::live {

// What a proxy counts of its requests (the admin endpoint and the tests read them).
struct ProxyCounters {
  std::uint64_t requests = 0;  // forwarded or refused, not malformed ones
  std::uint64_t responses_2xx = 0;
  std::uint64_t responses_4xx = 0;
  std::uint64_t responses_5xx = 0;
  std::uint64_t tries = 0;
  std::uint64_t retries = 0;
  std::uint64_t hedges = 0;
  std::uint64_t refused = 0;    // no host: no healthy host, circuit open, rate limited, shed
  std::uint64_t malformed = 0;  // answered 400, 408, 413 or 431 without forwarding
};

// What every request's forwarding shares: the balancer, a pool per backend (in the balancer's
// host order), the limits. All on the proxy's one io_context thread.
struct ForwardingContext {
  boost::asio::io_context& io;
  balancer::Runtime& runtime;
  balancer::LoadBalancer& balancer;
  std::vector<std::unique_ptr<UpstreamPool>>& pools;
  const ProxyLimits& limits;
  ProxyCounters& counters;
  UpstreamFaults& faults;  // injected through the admin endpoint
  TimeScale scale;
  NetworkPaths* network;           // null: a real network, nothing to wait
  std::uint32_t zone;              // the proxy's own: where requests come from
  const std::string& zone_header;  // where they say they come from instead, when not empty
  std::uint64_t next_request_id = 0;
};

// One client request through the balancer core, as Envoy's router drives a request (DESIGN.md
// seam 2, and the same cycle as the simulator's): choose() picks a host or refuses; each try's
// end goes to onResult(); a failed try is retried when retryBackoff() says so, after the backoff;
// with hedging on, another try goes out alongside after hedgeDelay(); the first answer that ends
// the request wins and the other tries are abandoned (cancelled). The request timeout ends it
// all with a 504. A refusal is 503 (429 for the rate limit); a failure without a response from
// the host is 502 (504 for a timeout); a host's own error response goes back as it came.
class Forwarding : public std::enable_shared_from_this<Forwarding> {
 public:
  using Reply = std::function<void(HttpResponse)>;

  // `hash_key`: the request's key for the hashing strategies (nullopt: placed at random).
  Forwarding(ForwardingContext& context, HttpRequest request, std::string_view client_address,
             std::optional<std::uint64_t> hash_key, Reply reply);

  void start();
  // The client went away: the tries are abandoned and nothing is answered.
  void abandon();

 private:
  struct LiveTry {
    std::shared_ptr<UpstreamTry> upstream;
    balancer::HostIndex host = 0;
    balancer::TimePoint sent_at{};
    bool retry = false;  // holds a retry slot (retries and hedges)
    std::uint64_t id = 0;
  };
  enum class TryKind { kFirst, kRetry, kHedge };

  void addNetwork(TryEffect& effect, std::size_t backend) const;
  bool sendTry(TryKind kind);
  void onTryEnded(std::uint64_t try_id, TryResult result);
  void afterFailedTry(balancer::Outcome outcome, std::optional<HttpResponse> response);
  void scheduleHedge();
  void onRequestTimeout();
  void finishRefused(balancer::Refusal refusal);
  void finish(balancer::Outcome outcome, std::optional<HttpResponse> response, bool replied);
  HttpResponse failureResponse(balancer::Outcome outcome) const;
  void respond(HttpResponse response);

  ForwardingContext& context_;
  std::shared_ptr<HttpRequest> upstream_request_;
  unsigned client_version_;
  bool client_keep_alive_;
  bool head_request_;
  Reply reply_;
  balancer::Request core_request_;
  balancer::TimePoint started_at_{};
  std::vector<LiveTry> live_;
  std::uint64_t next_try_id_ = 0;
  std::uint32_t retries_ = 0;
  std::uint32_t hedges_ = 0;
  bool retry_pending_ = false;
  bool admitted_ = false;
  bool finished_ = false;
  std::optional<HttpResponse> last_response_;  // the last failed try's, to pass on
  Timer retry_timer_;
  Timer hedge_timer_;
  Timer request_timer_;
};

}  // namespace faultline::live
