#pragma once

#include "scenarios/rule_checker.h"
#include "scenarios/scenario.pb.h"

namespace faultline::scenarios {

// The rules of the balancer's resilience mechanisms (retries and hedging, outlier detection,
// circuit breakers, rate limiting, admission control, adaptive concurrency) and of the health
// checks' finer intervals: ranges that keep every value meaningful once in integer nanoseconds.
void checkResilience(const scenario::Balancer& balancer, RuleChecker& rules);

}  // namespace faultline::scenarios
