#pragma once

#include <string>

#include "scenarios/rule_checker.h"
#include "scenarios/scenario.pb.h"

namespace faultline::scenarios {

// The rules of how a region's clients behave beyond their rate: the traffic pattern (diurnal
// curve, flash crowd, trace), their own retries (backoff, budget or throttling) and a closed
// loop's users. `path` is the clients' field path ("regions[0].clients"); `duration_s` the run's,
// or 0 when it is not known to be valid.
void checkClientBehaviour(const std::string& path, const scenario::Clients& clients,
                          double duration_s, RuleChecker& rules);

// Whether a region's clients send anything: a rate, a trace with a rate above zero, or users.
bool sendsTraffic(const scenario::Region& region);

}  // namespace faultline::scenarios
