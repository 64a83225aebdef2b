#include "engine/metrics/request_outcome.h"

namespace faultline::metrics {

std::string_view toString(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::kOk:
      return "ok";
    case RequestOutcome::kTimeout:
      return "timeout";
    case RequestOutcome::kRejected:
      return "rejected";
    case RequestOutcome::kBackendError:
      return "backend_error";
    case RequestOutcome::kInjectedError:
      return "injected_error";
    case RequestOutcome::kConnectionRefused:
      return "connection_refused";
    case RequestOutcome::kConnectionReset:
      return "connection_reset";
    case RequestOutcome::kNoHealthyHost:
      return "no_healthy_host";
    case RequestOutcome::kUnfinished:
      return "unfinished";
    case RequestOutcome::kCircuitOpen:
      return "circuit_open";
    case RequestOutcome::kRateLimited:
      return "rate_limited";
    case RequestOutcome::kLoadShed:
      return "load_shed";
    case RequestOutcome::kDnsFailure:
      return "dns_failure";
  }
  return "unknown";
}

}  // namespace faultline::metrics
