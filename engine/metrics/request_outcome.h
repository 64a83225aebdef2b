#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace faultline::metrics {

// How a request ended, as its client sees it. docs/metrics.md defines each cause.
enum class RequestOutcome : std::uint8_t {
  kOk,
  kTimeout,            // no answer before the client's timeout
  kRejected,           // the backend's queue was full: 503 at once
  kBackendError,       // the backend answered 500 after doing the work
  kInjectedError,      // an injected fault answered with an error at once
  kConnectionRefused,  // the backend process was down
  kConnectionReset,    // the backend died with the request in flight
  kNoHealthyHost,      // the balancer had no healthy host to pick
  kUnfinished,         // still without an answer when the drain after the run gave up
  kCircuitOpen,        // the balancer's circuit breaker refused it
  kRateLimited,        // the balancer's local rate limit refused it (429)
  kLoadShed,           // admission control or adaptive concurrency shed it (503)
  kDnsFailure,         // the client could not resolve the balancer tier's name
};

inline constexpr std::size_t kOutcomeCount = 13;
inline constexpr std::size_t kFailureCauseCount = kOutcomeCount - 1;

// Failed requests by cause, indexed by RequestOutcome (the kOk slot stays 0).
using FailureCounts = std::array<std::uint64_t, kOutcomeCount>;

std::string_view toString(RequestOutcome outcome);

}  // namespace faultline::metrics
