#pragma once

#include <cstddef>

// Limits more than one part of the loader states (docs/scenarios.md, "Limits"): kept in one
// place so that a trace, a pattern and the run they belong to agree.
namespace faultline::scenarios::limits {

inline constexpr double kMaxDurationS = 30 * 24 * 3600;  // 30 days
inline constexpr double kMaxRateRps = 100'000'000;
// A rate per second of the longest run.
inline constexpr std::size_t kMaxTraceSeconds = 30 * 24 * 3600;

}  // namespace faultline::scenarios::limits
