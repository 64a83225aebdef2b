#include "balancer/admission_control.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::balancer {
namespace {

constexpr Duration kBucketGranularity = std::chrono::seconds(1);  // Envoy's, hard-coded
constexpr std::uint64_t kAccuracy = 10000;                        // four significant figures

}  // namespace

AdmissionControl::AdmissionControl(Runtime& runtime, const AdmissionControlConfig& config)
    : runtime_(runtime),
      config_(config),
      window_(std::chrono::duration_cast<std::chrono::seconds>(config.sampling_window)) {
  assert(window_ >= kBucketGranularity);
  assert(config_.success_rate_threshold > 0.0);
  assert(config_.max_rejection_probability >= 0.0 && config_.max_rejection_probability <= 1.0);
  // Buckets open at least a granularity apart and leave a window after opening: after an update
  // at most window / granularity of them remain, one more while the update opens the next.
  ring_.resize(static_cast<std::size_t>(window_ / kBucketGranularity) + 2);
}

bool AdmissionControl::shouldReject() {
  if (averageRps() < config_.rps_threshold) return false;
  const double probability = rejectionProbability();
  if (probability <= 0.0) return false;
  const std::uint64_t draw = runtime_.randomFor(RandomUse::kAdmission) % kAccuracy;
  if (static_cast<double>(kAccuracy) * probability <= static_cast<double>(draw)) return false;
  ++rejected_;
  return true;
}

void AdmissionControl::onResult(Outcome outcome) {
  // Envoy's default HTTP success criteria: every status below 500 is a success.
  record(outcome == Outcome::kSuccess || outcome == Outcome::kClientError);
}

double AdmissionControl::rejectionProbability() {
  update();
  const auto total = static_cast<double>(requests_);
  const auto succeeded = static_cast<double>(window_successes_);
  const double threshold = std::min(config_.success_rate_threshold, 1.0);
  const double linear = (total - succeeded / threshold) / (total + 1.0);
  // Envoy gets the same through NaN: pow() of a negative base is NaN, which never rejects.
  if (linear <= 0.0) return 0.0;
  const double aggression = std::max(1.0, config_.aggression);
  const double shaped = aggression == 1.0 ? linear : std::pow(linear, 1.0 / aggression);
  return std::min(shaped, config_.max_rejection_probability);
}

std::uint64_t AdmissionControl::averageRps() const {
  if (buckets_ == 0 || requests_ == 0) return 0;
  const Duration age = runtime_.now() - ring_[oldest_].opened;
  const auto seconds = std::max(std::chrono::duration_cast<std::chrono::seconds>(window_),
                                std::chrono::duration_cast<std::chrono::seconds>(age));
  return requests_ / static_cast<std::uint64_t>(seconds.count());
}

void AdmissionControl::update() {
  const TimePoint now = runtime_.now();
  while (buckets_ > 0 && now - ring_[oldest_].opened >= window_) {
    const Bucket& stale = ring_[oldest_];
    requests_ -= stale.requests;
    window_successes_ -= stale.successes;
    oldest_ = (oldest_ + 1) % ring_.size();
    --buckets_;
  }
  if (buckets_ > 0) {
    const Bucket& newest = ring_[(oldest_ + buckets_ - 1) % ring_.size()];
    if (now - newest.opened < kBucketGranularity) return;
  }
  assert(buckets_ < ring_.size());
  ring_[(oldest_ + buckets_) % ring_.size()] = Bucket{now, 0, 0};
  ++buckets_;
}

void AdmissionControl::record(bool success) {
  update();
  Bucket& newest = ring_[(oldest_ + buckets_ - 1) % ring_.size()];
  ++newest.requests;
  ++requests_;
  if (success) {
    ++newest.successes;
    ++window_successes_;
    ++successes_;
  } else {
    ++failures_;
  }
}

}  // namespace faultline::balancer
