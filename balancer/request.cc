#include "balancer/request.h"

namespace faultline::balancer {

std::string_view toString(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNoHealthyHost:
      return "no_healthy_host";
    case Refusal::kCircuitOpen:
      return "circuit_open";
    case Refusal::kRateLimited:
      return "rate_limited";
    case Refusal::kLoadShed:
      return "load_shed";
  }
  return "unknown";
}

std::string_view toString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kServerError:
      return "server_error";
    case Outcome::kOverloaded:
      return "overloaded";
    case Outcome::kGatewayError:
      return "gateway_error";
    case Outcome::kClientError:
      return "client_error";
    case Outcome::kConnectFailure:
      return "connect_failure";
    case Outcome::kReset:
      return "reset";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace faultline::balancer
