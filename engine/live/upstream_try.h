#pragma once

#include <boost/beast/http/parser.hpp>
#include <functional>
#include <memory>
#include <optional>
#include "engine/live/asio_types.h"

#include "balancer/request.h"
#include "engine/live/http_messages.h"
#include "engine/live/proxy_config.h"
#include "engine/live/upstream_faults.h"
#include "engine/live/upstream_pool.h"

namespace faultline::live {

// How one try at a backend ended: the balancer's reading of it, and the backend's response when
// there was a complete one.
struct TryResult {
  balancer::Outcome outcome = balancer::Outcome::kReset;
  std::optional<HttpResponse> response;
};

// One try of a request at one backend: a pooled connection (or a new one), the request written,
// the response read within the limits. A connection taken from the pool that turns out closed
// before any byte of the response came back is replaced once by a new one, without the balancer
// hearing of it (the race between reuse and a backend's keep-alive timeout is the pool's, not
// the host's: HAProxy and Envoy retry such a request the same way). `done` runs once, unless the
// try is cancelled first; a try lost on the way (TryEffect) without a per-try timeout has no end
// of its own, and its owner's timeout must cancel it.
class UpstreamTry : public std::enable_shared_from_this<UpstreamTry> {
 public:
  using Done = std::function<void(TryResult)>;

  // `effect`: what the injected upstream faults do to this try (nothing by default).
  UpstreamTry(boost::asio::io_context& io, UpstreamPool& pool,
              std::shared_ptr<const HttpRequest> request, const ProxyLimits& limits,
              balancer::Duration per_try_timeout, Done done, TryEffect effect = {});

  void start();
  // Abandons the try: its connection is closed (the backend may still do the work), and `done`
  // is never called.
  void cancel();

 private:
  void afterInjectedDelay();
  void acquire(bool fresh);
  void onConnection(boost::system::error_code error, std::unique_ptr<UpstreamConnection> c);
  void onWritten(boost::system::error_code error);
  void onRead(boost::system::error_code error);
  void retryOnFreshConnection();
  void readResponse();
  void finish(TryResult result);
  void tell(TryResult result);
  bool staleConnection(boost::system::error_code error) const;

  boost::asio::io_context& io_;
  UpstreamPool& pool_;
  std::shared_ptr<const HttpRequest> request_;
  const ProxyLimits& limits_;
  Done done_;
  Timer deadline_;
  Timer injected_delay_;
  TryEffect effect_;
  balancer::Duration per_try_timeout_;
  std::unique_ptr<UpstreamConnection> connection_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Wire wire_;  // the request as written
  bool finished_ = false;
  bool retried_stale_ = false;
};

}  // namespace faultline::live
