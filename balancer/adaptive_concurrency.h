#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "balancer/runtime.h"

namespace faultline::balancer {

// Envoy's GradientControllerConfig (extensions/filters/http/adaptive_concurrency/v3). Envoy
// requires the two intervals; theirs are the values of its docs example.
struct AdaptiveConcurrencyConfig {
  double sample_aggregate_percentile = 0.50;                              // in [0, 1]
  Duration concurrency_update_interval = std::chrono::milliseconds(100);  // sampleRTT window
  std::uint32_t max_concurrency_limit = 1000;
  Duration min_rtt_calc_interval = std::chrono::seconds(60);  // between minRTT measurements
  double min_rtt_jitter = 0.15;              // of the interval, added at random (whole ms)
  std::uint32_t min_rtt_request_count = 50;  // samples that make a minRTT measurement
  std::uint32_t min_concurrency = 3;         // pinned while measuring minRTT; the limit's floor
  double min_rtt_buffer = 0.25;              // B = minRTT x buffer
  // Faultline's: latencies kept per window. Past it, every other kept sample is dropped and only
  // every second one after is kept, so the window stays an even subsample in arrival order.
  std::uint32_t max_samples_per_window = 4096;
};

// Envoy's adaptive concurrency gradient controller (docs: configuration/http/http_filters/
// adaptive_concurrency_filter; code: source/extensions/filters/http/adaptive_concurrency/
// controller/gradient_controller.cc), after Netflix's gradient algorithm ("Performance Under Load",
// Netflix Tech Blog, 2018, and concurrency-limits' Gradient).
//
// Requests beyond the concurrency limit are refused (Envoy answers 503). Every
// concurrency_update_interval the latencies of the window are summarised by their
// sample_aggregate_percentile (sampleRTT) and
//
//   gradient  = clamp((minRTT + minRTT x min_rtt_buffer) / sampleRTT, 0.5, 2.0)
//   limit'    = limit x gradient
//   new limit = clamp(trunc(limit' + sqrt(limit')), min_concurrency, max_concurrency_limit)
//
// (Envoy truncates to uint32; the sqrt headroom is what lets the limit grow while sampleRTT stays
// near minRTT). A window without samples changes nothing.
//
// minRTT is measured at start and then every min_rtt_calc_interval plus a jitter of
// random() mod ceil(interval_ms x min_rtt_jitter) ms: the limit is pinned to min_concurrency and
// the window ends when min_rtt_request_count latencies are in, the percentile of which becomes
// minRTT; the previous limit then comes back (min_concurrency at start). Latencies of requests sent
// before the measurement began are dropped. While measuring, the sampleRTT timer stops and is
// re-armed when the measurement ends. Five consecutive sampleRTT windows that leave the limit at
// min_concurrency start a new measurement at once.
//
// Percentiles are exact over the window's kept latencies, interpolated linearly between order
// statistics (Hyndman and Fan's type 7), in nanoseconds. Envoy's circllhist keeps microseconds in
// two-significant-digit bins and interpolates inside a bin, so it can read up to one bin off (fifty
// latencies of exactly 10 ms give a p50 of about 10.5 ms there). Not modelled: the newer
// min_concurrency_limit and fixed minRTT options, and Envoy's multi-worker races. Time and
// randomness come from the Runtime.
class AdaptiveConcurrency {
 public:
  AdaptiveConcurrency(Runtime& runtime, const AdaptiveConcurrencyConfig& config);
  AdaptiveConcurrency(const AdaptiveConcurrency&) = delete;  // its timers call back into it
  AdaptiveConcurrency& operator=(const AdaptiveConcurrency&) = delete;

  // Envoy's forwardingDecision(): true counts the request as outstanding; false refuses it.
  bool tryAcquire();
  // The answer to an admitted request came back after `latency` (from its admission): releases
  // it and samples the latency, whatever the answer was.
  void onResult(Duration latency);
  // An admitted request ended with no answer (Envoy's cancelLatencySample): releases it only.
  void onCancel();

  std::uint32_t concurrencyLimit() const { return limit_; }  // gauge concurrency_limit
  std::uint32_t outstanding() const { return outstanding_; }
  bool measuringMinRtt() const { return measuring_min_rtt_; }  // min_rtt_calculation_active
  Duration minRtt() const { return min_rtt_; }                 // min_rtt_msecs
  Duration sampleRtt() const { return sample_rtt_; }           // sample_rtt_msecs
  double gradient() const { return gradient_; }                // gradient / 1000
  std::uint64_t blocked() const { return blocked_; }           // rq_blocked

 private:
  // The latencies of the current window, bounded (see max_samples_per_window).
  class Samples {
   public:
    explicit Samples(std::uint32_t capacity);
    void add(Duration latency);
    std::uint64_t count() const { return seen_; }  // every sample, kept or not
    // The `quantile` of the kept samples; reorders them. Requires count() > 0.
    Duration quantile(double quantile);
    void clear();

   private:
    std::vector<std::int64_t> kept_;
    std::size_t size_ = 0;
    std::uint64_t seen_ = 0;
    std::uint64_t stride_ = 1;
  };

  void enterMinRttWindow();
  void finishMinRttWindow();
  void onSampleTimer();
  std::uint32_t calculateNewLimit();
  void updateConcurrencyLimit(std::uint32_t limit);
  Duration jitteredMinRttInterval();
  Duration aggregateAndClear();

  Runtime& runtime_;
  AdaptiveConcurrencyConfig config_;
  Samples samples_;
  std::unique_ptr<Timer> min_rtt_timer_;
  std::unique_ptr<Timer> sample_timer_;
  std::uint32_t limit_;
  std::uint32_t deferred_limit_ = 0;  // the limit to restore after the minRTT measurement
  std::uint32_t outstanding_ = 0;
  std::uint32_t consecutive_min_limits_ = 0;
  bool measuring_min_rtt_ = false;
  TimePoint min_rtt_epoch_{};
  Duration min_rtt_{};
  Duration sample_rtt_{};
  double gradient_ = 1.0;
  std::uint64_t blocked_ = 0;
};

}  // namespace faultline::balancer
