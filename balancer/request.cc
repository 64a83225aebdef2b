#include "balancer/request.h"

namespace faultline::balancer {

std::string_view toString(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNoHealthyHost:
      return "no_healthy_host";
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
    case Outcome::kConnectFailure:
      return "connect_failure";
    case Outcome::kReset:
      return "reset";
    case Outcome::kTimeout:
      return "timeout";
  }
  return "unknown";
}

}  // namespace faultline::balancer
