#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "balancer/runtime.h"
#include "balancer/strategy.h"
#include "balancer/strategy_options.h"

namespace faultline::balancer {

// NGINX `least_time last_byte [inflight]` (src/http/modules/ngx_http_upstream_least_time_module.c,
// nginx 1.31.0): a full scan for the least eta = rt x (1 + conns), compared weight-normalised by
// cross-multiplying (eta_a x weight_b < eta_b x weight_a), where conns is the balancer's own
// count of active requests to the host. rt, in whole milliseconds as NGINX keeps it:
//
//  - is a moving average of response times, avg = round(0.05 x sample + 0.95 x avg), where an
//    average of 0 means "no sample" and takes the next sample as it is
//    (ngx_http_upstream_response_time_avg). A host never answered has rt 0, so new hosts draw
//    traffic until measured, as in NGINX;
//  - only learns from answers: a connect failure, reset or timeout feeds nothing ("only
//    successful attempts are accounted to mitigate preferring of failing peers"), while a 5xx is
//    an answer under NGINX's default proxy_next_upstream (error timeout);
//  - is halved once per fail_timeout + 1 s (10 s + 1 s, counted in whole seconds like
//    ngx_time()) since the host's `checked` stamp, to give slow hosts another chance. `checked` is
//    refreshed by a pick only once it is older than fail_timeout, and by every failed try (round
//    robin's free), so even a busy host sees its rt halved for a moment every 11 s, as in NGINX;
//  - with `inflight`, is max(rt, inflight_time) while the host has requests in flight, where
//    inflight_time is a moving average (same rule) of the *mean age* of those requests, folded in
//    at every scan. The mean age is kept in O(1) as NGINX does: the sum of ages as of the last
//    change, plus the time since then per request; a finished request subtracts its own latency,
//    so completions in any order are accounted exactly;
//  - is then capped at 5000 (above it every host is equally bad and conns decide), or else rounded
//    up to the next multiple of 20 (`rt += 20 - rt % 20`: 0 -> 20, 20 -> 40, and 5000 -> 5020,
//    just above the cap, exactly as NGINX computes it) so close hosts tie.
//
// Ties go to NGINX's smooth weighted round robin run over the tied hosts only, starting from the
// first of them in candidate order: each adds its weight to its current_weight, the largest wins
// (the first on equality) and gives back the sum added. NGINX compares later ties with the first
// tied host's eta but the *current* best's weight, which only matters when tied hosts have
// different weights; here every tie is tested against the first tied host, as intended.
// NGINX's passive failure handling (max_fails, effective_weight) is Faultline's outlier detection,
// not part of this strategy: effective weight is the configured weight.
class LeastTime final : public Strategy {
 public:
  static constexpr std::chrono::seconds kFailTimeout{10};  // NGINX's `server ... fail_timeout`
  static constexpr std::uint64_t kMaxRtMs = 5000;
  static constexpr std::uint64_t kRtBucketMs = 20;

  LeastTime(Runtime& runtime, const LeastTimeOptions& options, std::size_t host_count);

  HostIndex pick(const PickContext& context) override;
  void onSent(HostIndex host) override;
  void onResult(HostIndex host, Outcome outcome, Duration latency) override;

  // The eta NGINX would compare for `host` now, with `active` requests to it (before weighting).
  std::uint64_t eta(HostIndex host, std::uint32_t active) const;
  // The moving average of response times, in milliseconds; 0 until the first answer.
  std::uint64_t responseTimeMs(HostIndex host) const { return peers_[host].response_time_ms; }
  // The moving average of the mean age of in-flight requests (inflight mode), in milliseconds.
  std::uint64_t inflightTimeMs(HostIndex host) const { return peers_[host].inflight_time_ms; }
  // The mean age of the host's requests in flight now (inflight mode; zero when none).
  Duration meanInflightAge(HostIndex host) const;

 private:
  // NGINX's `checked` starts at 0, decades before ngx_time(): the first pick stamps it. Far enough
  // back for that, far from overflow.
  static constexpr std::int64_t kLongAgo = -(std::int64_t{1} << 40);

  struct Peer {
    std::uint64_t response_time_ms = 0;
    std::int64_t checked_s = kLongAgo;  // whole seconds, as ngx_time()
    std::int64_t current_weight = 0;
    std::uint32_t inflight_requests = 0;
    Duration inflight_age_sum{0};  // as of inflight_changed
    TimePoint inflight_changed{};
    std::uint64_t inflight_time_ms = 0;
  };

  static Duration meanInflightAge(const Peer& peer, TimePoint now);
  std::int64_t nowSeconds() const;
  std::uint64_t eta(const Peer& peer, std::uint32_t active, std::int64_t now_s) const;
  void startInflight(Peer& peer, TimePoint now);
  void endInflight(Peer& peer, Duration latency, TimePoint now);

  Runtime& runtime_;
  bool inflight_;
  std::vector<Peer> peers_;  // by HostIndex
};

}  // namespace faultline::balancer
