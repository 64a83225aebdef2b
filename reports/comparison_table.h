#pragma once

#include <string>

#include "reports/results.pb.h"

namespace faultline::reports {

// What `faultline compare` prints: per metric, each strategy's mean and confidence interval and
// its paired difference to the first strategy, marked when significant; then the ranking and a
// sentence for each significant difference. Plain
// text, fixed-width columns; read from the comparison result, so the terminal shows what the JSON
// holds.
std::string renderComparison(const results::ComparisonResult& comparison);

}  // namespace faultline::reports
