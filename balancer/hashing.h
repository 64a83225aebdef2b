#pragma once

#include <cstdint>
#include <string_view>

#include "balancer/request.h"
#include "balancer/runtime.h"

namespace faultline::balancer {

// The hashes the hashing strategies share. Envoy hashes hosts and keys with xxHash64 for both
// RING_HASH and MAGLEV (HashUtil::xxHash64, seed 0 unless stated); so do we, so that every balancer
// of a run, given the same host names, builds the same ring or table and sends a key to the same
// host.

// XXH64 of `bytes` with `seed`.
std::uint64_t xxHash64(std::string_view bytes, std::uint64_t seed = 0);

// XXH64 (seed 0) of a request key's 8 bytes in little-endian order, whatever the machine's order,
// so that a key lands on the same host on every platform.
std::uint64_t hashRequestKey(std::uint64_t key);

// Where a request goes on the ring or table: its key's hash, or, for a request without a key,
// 64 random bits: Envoy's ThreadAwareLoadBalancerBase uses a random hash when the hash policy
// yields none, which spreads keyless requests by ring or table share.
inline std::uint64_t requestHash(const Request& request, Runtime& runtime) {
  return request.hash_key ? hashRequestKey(*request.hash_key) : runtime.random();
}

}  // namespace faultline::balancer
