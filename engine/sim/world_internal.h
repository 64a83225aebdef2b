#pragma once

#include "balancer/request.h"
#include "engine/metrics/request_outcome.h"

// Translations between the world's words and the balancer core's, shared by the world's files.
namespace faultline::sim::internal {

using metrics::RequestOutcome;

// The status of an error the backend answers of its own accord.
inline constexpr std::uint16_t kBaseErrorStatus = 500;

// An error answer's status in the balancer's terms: a 502, 503 or 504 is a gateway error, a 4xx
// is the client's fault (no mark against the host), any other 5xx is a server error.
inline balancer::Outcome errorOutcome(std::uint16_t status) {
  if (status >= 502 && status <= 504) return balancer::Outcome::kGatewayError;
  if (status < 500) return balancer::Outcome::kClientError;
  return balancer::Outcome::kServerError;
}

// How a try ended, in the balancer's terms; `status` is that of an error answer.
inline balancer::Outcome toBalancerOutcome(RequestOutcome outcome, std::uint16_t status) {
  switch (outcome) {
    case RequestOutcome::kOk:
      return balancer::Outcome::kSuccess;
    case RequestOutcome::kBackendError:
    case RequestOutcome::kInjectedError:
      return errorOutcome(status);
    case RequestOutcome::kRejected:
      return balancer::Outcome::kOverloaded;
    case RequestOutcome::kConnectionRefused:
      return balancer::Outcome::kConnectFailure;
    case RequestOutcome::kConnectionReset:
      return balancer::Outcome::kReset;
    case RequestOutcome::kTimeout:
    case RequestOutcome::kUnfinished:
    case RequestOutcome::kNoHealthyHost:
    case RequestOutcome::kCircuitOpen:
    case RequestOutcome::kRateLimited:
    case RequestOutcome::kLoadShed:
    case RequestOutcome::kDnsFailure:
      break;
  }
  return balancer::Outcome::kTimeout;
}

// A balancer's refusal, as the client sees it.
inline RequestOutcome fromRefusal(balancer::Refusal refusal) {
  switch (refusal) {
    case balancer::Refusal::kNoHealthyHost:
      return RequestOutcome::kNoHealthyHost;
    case balancer::Refusal::kCircuitOpen:
      return RequestOutcome::kCircuitOpen;
    case balancer::Refusal::kRateLimited:
      return RequestOutcome::kRateLimited;
    case balancer::Refusal::kLoadShed:
      return RequestOutcome::kLoadShed;
  }
  return RequestOutcome::kNoHealthyHost;
}

// Which of a try's four draws is for what. Try n draws lane 2n for these and lane 2n + 1 for the
// faults' draws, so the first try of every request draws exactly what it drew before retries.
enum Draw { kServiceDraw = 0, kErrorDraw = 1, kJitterOutDraw = 2, kJitterBackDraw = 3 };

}  // namespace faultline::sim::internal
