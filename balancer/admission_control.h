#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "balancer/request.h"
#include "balancer/runtime.h"

namespace faultline::balancer {

// Envoy's AdmissionControl (extensions/filters/http/admission_control/v3), with its defaults.
struct AdmissionControlConfig {
  Duration sampling_window = std::chrono::seconds(30);  // whole seconds, at least one
  double success_rate_threshold = 0.95;                 // sr_threshold, in (0, 1]
  double aggression = 1.0;                              // values below 1 count as 1
  std::uint32_t rps_threshold = 0;                      // no rejection below this average rps
  double max_rejection_probability = 0.80;              // in [0, 1]
};

// Client-side throttling (Beyer et al., "Site Reliability Engineering", ch. 21 "Handling
// Overload") as Envoy's admission control filter does it (docs: configuration/http/http_filters/
// admission_control_filter; code: source/extensions/filters/http/admission_control/
// admission_control.cc and thread_local_controller.cc).
//
// Over the sampling window, with n requests of which s succeeded, a request is rejected with
//
//   P = min(max_rejection_probability, ((n - s / success_rate_threshold) / (n + 1))^(1/aggression))
//
// and P = 0 when the numerator is negative, or when the window's average rate is below
// rps_threshold. The draw is Envoy's: reject when (random mod 10^4) < 10^4 x P, four significant
// figures. Faultline draws only when P > 0, so a balancer whose admission control never rejects
// consumes the same random numbers as one without it.
//
// The window is Envoy's list of per-second buckets (ThreadLocalControllerImpl): whenever the counts
// are read or a result is recorded, buckets whose opening time is a full sampling window old leave,
// and a new bucket opens if there is none or the newest opened at least 1 s ago. The average rate
// is the window's requests over the larger of the sampling window and the oldest bucket's age, in
// whole seconds, read before stale buckets leave (Envoy's averageRps() is const and runs first),
// so right after an idle spell old requests still count, spread over their age. The buckets live
// in a ring sized for the window when the controller is built, so recording allocates nothing.
//
// A result counts as a success only as kSuccess: every other outcome is what Envoy's default
// criteria call a failure (a 5xx from the host, or the 503/504 its router answers for a refused
// connection, a reset or a timeout). Requests this controller rejected are not recorded (Envoy:
// they would keep the probability up after the upstream recovers). One window per balancer, where
// Envoy keeps one per worker thread.
class AdmissionControl {
 public:
  AdmissionControl(Runtime& runtime, const AdmissionControlConfig& config);

  // Asked once per request before it goes anywhere. True: refuse it (Envoy answers 503).
  bool shouldReject();
  // The final answer to a request this controller let through.
  void onResult(Outcome outcome);

  // The probability from the window's counts now, without the rps_threshold gate.
  double rejectionProbability();
  // Envoy's averageRps(): requests in the window per second, truncated.
  std::uint64_t averageRps() const;
  std::uint64_t windowRequests() const { return requests_; }
  std::uint64_t windowSuccesses() const { return window_successes_; }

  std::uint64_t rejected() const { return rejected_; }    // stat rq_rejected
  std::uint64_t successes() const { return successes_; }  // stat rq_success
  std::uint64_t failures() const { return failures_; }    // stat rq_failure
  const AdmissionControlConfig& config() const { return config_; }

 private:
  struct Bucket {
    TimePoint opened;
    std::uint64_t requests = 0;
    std::uint64_t successes = 0;
  };

  // Envoy's maybeUpdateHistoricalData(): drops the buckets that left the window and opens a new
  // one when due.
  void update();
  void record(bool success);

  Runtime& runtime_;
  AdmissionControlConfig config_;
  Duration window_;  // sampling_window in whole seconds
  std::vector<Bucket> ring_;
  std::size_t oldest_ = 0;  // index in ring_ of the oldest bucket
  std::size_t buckets_ = 0;
  std::uint64_t requests_ = 0;  // in the window
  std::uint64_t window_successes_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t successes_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace faultline::balancer
