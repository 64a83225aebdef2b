#pragma once

#include <cstddef>

// Limits more than one part of the loader states (docs/scenarios.md, "Limits"): kept in one
// place so that a trace, a pattern and the run they belong to agree.
namespace faultline::scenarios::limits {

inline constexpr double kMaxDurationS = 30 * 24 * 3600;  // 30 days
inline constexpr double kMaxRateRps = 100'000'000;
// A rate per second of the longest run.
inline constexpr std::size_t kMaxTraceSeconds = 30 * 24 * 3600;
// Faults in a scenario, its own and a replayed timeline's together. Every fault keeps a latency
// histogram of 261 KiB: this bounds the memory of a run.
inline constexpr int kMaxFaults = 1000;

}  // namespace faultline::scenarios::limits
