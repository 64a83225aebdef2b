#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "balancer/request.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// NGINX's smooth weighted round robin (src/http/ngx_http_upstream_round_robin.c,
// ngx_http_upstream_get_peer and ngx_http_upstream_free_round_robin_peer). Each peer has its
// configured weight w, an effective weight ew (w, lowered by failures) and a current weight cw.
// On every pick, each candidate's cw grows by its ew, the candidate with the largest cw wins
// (on a tie, the first in list order) and the winner's cw drops by the sum of the ews. Without
// failures every Σw picks give each peer exactly w picks, a heavy peer's spread out rather than
// sent in a burst: weights {5, 1, 1} give a a b a c a a. It is deterministic: no random draw.
//
// Failures lower a peer's share for a while. With NGINX's default max_fails=1 a failed try sets
// ew -= w / max_fails (floored at 0), i.e. to 0, and ew climbs back by 1 per pick, for every
// candidate below its w (NGINX raises it for every peer it considers in a round, not only the
// winner). What fails is what NGINX counts under its default `proxy_next_upstream error
// timeout`: a refused or broken connection and a timeout; an HTTP answer, a 5xx included, is not
// a failure there. NGINX also stops picking a peer for fail_timeout after max_fails failures; that
// is passive health checking, which belongs to the balancer's outlier detection, not to the
// strategy. max_fails = 0 turns failure accounting off, as in NGINX.
//
// State is kept per host source (a level, or a zone of one), in candidate order. When a source's
// candidate list changes (a new version) a host that stays keeps its cw and ew; a host that joins,
// or comes back, starts fresh (cw 0, ew w), as a peer added to an NGINX upstream does.
class SmoothWeightedRoundRobin final : public Strategy {
 public:
  static constexpr std::uint32_t kDefaultMaxFails = 1;  // NGINX's `max_fails` default

  explicit SmoothWeightedRoundRobin(std::size_t host_count,
                                    std::uint32_t max_fails = kDefaultMaxFails);

  HostIndex pick(const PickContext& context) override;
  void onResult(HostIndex host, Outcome outcome, Duration latency) override;

  // NGINX's counters for `host`, for tests and inspection; 0 for a host not among the candidates
  // of any source picked from.
  std::int64_t currentWeight(HostIndex host) const;
  std::int64_t effectiveWeight(HostIndex host) const;

 private:
  struct Peer {
    HostIndex host;
    std::int64_t weight;
    std::int64_t effective_weight;
    std::int64_t current_weight;
  };
  struct Level {
    bool built = false;
    std::uint64_t version = 0;
    std::vector<Peer> peers;  // in candidate order
  };
  static constexpr std::uint32_t kNowhere = UINT32_MAX;
  struct Place {  // where a host's Peer is
    std::uint32_t source = kNowhere;
    std::uint32_t position = 0;
  };

  void rebuild(Level& level, const PickContext& context);
  // The Peer of `host` in the source it was last a candidate of; nullptr if it is not there now.
  Peer* find(HostIndex host);
  const Peer* find(HostIndex host) const;

  std::uint32_t max_fails_;
  std::vector<Level> levels_;
  std::vector<Place> place_;    // by HostIndex
  std::vector<Peer> previous_;  // scratch for rebuild(), kept to reuse its memory
};

}  // namespace faultline::balancer
