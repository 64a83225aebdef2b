#pragma once

#include <cstdint>
#include <string>

namespace faultline::sim {

// How a run ended.
enum class RunEnd : std::uint8_t {
  kFinished,  // the whole scenario ran; the observer got the summary
  kStopped,   // the caller raised `stop`
  kRunaway,   // the work in flight outgrew what the simulator holds (an overload that only grows)
};

struct RunStatus {
  RunEnd end = RunEnd::kFinished;
  std::string message;  // for kRunaway: when, how much, and which settings bound it

  bool finished() const { return end == RunEnd::kFinished; }
};

}  // namespace faultline::sim
