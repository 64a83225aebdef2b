#pragma once

#include <string>
#include <vector>

#include "reports/results.pb.h"

namespace faultline::reports {

// One sentence per significant paired difference against the baseline (the first strategy),
// e.g. "maglev lost 7,660 fewer requests than round-robin: 41% fewer (95% CI 35% to 47%)".
// Nothing is said of a difference whose interval includes zero; when none is significant, a
// single sentence says so. Relative figures divide by the baseline's mean (its own spread is
// left out, which the intervals of the absolute difference already carry).
std::vector<std::string> significantFindings(const results::ComparisonResult& comparison);

}  // namespace faultline::reports
