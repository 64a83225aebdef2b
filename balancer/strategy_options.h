#pragma once

#include <chrono>
#include <cstdint>

#include "balancer/time.h"

namespace faultline::balancer {

// The knobs of each strategy, with the defaults of the proxy whose semantics it follows. A
// strategy reads only its own struct.

// Envoy LEAST_REQUEST (least_request.proto).
struct LeastRequestOptions {
  std::uint32_t choice_count = 2;  // hosts sampled with replacement (N_CHOICES)
  bool full_scan = false;          // FULL_SCAN: every host, ties broken at random
  // Weighted form, used when host weights differ: weight / (active + 1)^bias, scheduled by EDF.
  double active_request_bias = 1.0;
};

// Finagle p2cPeakEwma / Linkerd's balancer: P2C on cost = ewma_rtt x (pending + 1).
struct PeakEwmaOptions {
  Duration decay = std::chrono::seconds(10);             // Finagle and Linkerd: 10 s
  Duration default_rtt = std::chrono::milliseconds(30);  // Linkerd: a host with no sample yet
};

// NGINX least_time (ngx_http_upstream_least_time_module.c): the least eta = rt x (1 + conns).
struct LeastTimeOptions {
  // `least_time ... inflight`: a request still waiting counts with the time it has waited so far.
  bool inflight = false;
};

// Envoy RING_HASH (ring_hash.proto) with bounded load (common.proto hash_balance_factor).
struct RingHashOptions {
  std::uint64_t minimum_ring_size = 1024;
  std::uint64_t maximum_ring_size = 8 * 1024 * 1024;
  // Bounded load, in percent of the average load: 0 is off, otherwise >= 100 (typically
  // 120-200). A host already above the bound is skipped for the next one on the ring.
  std::uint32_t hash_balance_factor = 0;
};

// Envoy MAGLEV (maglev.proto).
struct MaglevOptions {
  std::uint64_t table_size = 65537;  // prime
};

struct StrategyOptions {
  LeastRequestOptions least_request;
  PeakEwmaOptions peak_ewma;
  LeastTimeOptions least_time;
  RingHashOptions ring_hash;
  MaglevOptions maglev;
};

}  // namespace faultline::balancer
