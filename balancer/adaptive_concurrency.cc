#include "balancer/adaptive_concurrency.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::balancer {
namespace {

constexpr double kMinGradient = 0.5;
constexpr double kMaxGradient = 2.0;
// Envoy re-measures minRTT after this many sampleRTT windows in a row leave the limit at its floor.
constexpr std::uint32_t kMinLimitWindowsBeforeRemeasure = 5;

}  // namespace

AdaptiveConcurrency::Samples::Samples(std::uint32_t capacity)
    : kept_(std::max<std::uint32_t>(2, capacity & ~std::uint32_t{1})) {}

void AdaptiveConcurrency::Samples::add(Duration latency) {
  if (seen_ % stride_ == 0) {
    if (size_ == kept_.size()) {
      // Keep the even positions: the samples whose arrival index is a multiple of twice the
      // stride. The capacity is even, so the next index to keep is one of those too.
      for (std::size_t i = 0; i < size_ / 2; ++i)
        kept_[i] = kept_[2 * i];
      size_ /= 2;
      stride_ *= 2;
    }
    if (seen_ % stride_ == 0) kept_[size_++] = latency.count();
  }
  ++seen_;
}

Duration AdaptiveConcurrency::Samples::quantile(double quantile) {
  assert(size_ > 0);
  const auto begin = kept_.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(size_);
  const double rank = quantile * static_cast<double>(size_ - 1);
  const auto below = static_cast<std::size_t>(rank);
  const auto at = begin + static_cast<std::ptrdiff_t>(below);
  std::nth_element(begin, at, end);
  const double fraction = rank - static_cast<double>(below);
  if (fraction == 0.0 || below + 1 == size_) return Duration(*at);
  // nth_element leaves every larger sample after `at`: the next order statistic is their minimum.
  const std::int64_t next = *std::min_element(at + 1, end);
  const double value = static_cast<double>(*at) + fraction * static_cast<double>(next - *at);
  return Duration(std::llround(value));
}

void AdaptiveConcurrency::Samples::clear() {
  size_ = 0;
  seen_ = 0;
  stride_ = 1;
}

AdaptiveConcurrency::AdaptiveConcurrency(Runtime& runtime, const AdaptiveConcurrencyConfig& config)
    : runtime_(runtime),
      config_(config),
      samples_(config.max_samples_per_window),
      limit_(config.min_concurrency) {
  assert(config_.min_concurrency >= 1 && config_.min_concurrency <= config_.max_concurrency_limit);
  assert(config_.min_rtt_request_count >= 1);
  assert(config_.concurrency_update_interval > Duration::zero());
  assert(config_.sample_aggregate_percentile >= 0.0 && config_.sample_aggregate_percentile <= 1.0);
  min_rtt_timer_ = runtime_.createTimer([this] { enterMinRttWindow(); });
  sample_timer_ = runtime_.createTimer([this] { onSampleTimer(); });
  enterMinRttWindow();
  sample_timer_->enable(config_.concurrency_update_interval);
}

bool AdaptiveConcurrency::tryAcquire() {
  if (outstanding_ >= limit_) {
    ++blocked_;
    return false;
  }
  ++outstanding_;
  return true;
}

void AdaptiveConcurrency::onResult(Duration latency) {
  assert(outstanding_ > 0);
  --outstanding_;
  // A request admitted before the minRTT measurement began ran under the old limit.
  if (runtime_.now() - latency < min_rtt_epoch_) return;
  samples_.add(latency);
  if (measuring_min_rtt_ && samples_.count() >= config_.min_rtt_request_count) {
    finishMinRttWindow();
  }
}

void AdaptiveConcurrency::onCancel() {
  assert(outstanding_ > 0);
  --outstanding_;
}

void AdaptiveConcurrency::enterMinRttWindow() {
  // The five-windows rule can ask for a measurement while one is running.
  if (measuring_min_rtt_) return;
  measuring_min_rtt_ = true;
  deferred_limit_ = limit_;
  updateConcurrencyLimit(config_.min_concurrency);
  samples_.clear();
  min_rtt_epoch_ = runtime_.now();
}

void AdaptiveConcurrency::finishMinRttWindow() {
  min_rtt_ = aggregateAndClear();
  // Restored while still measuring, as Envoy does, so it never counts as a window at the floor.
  updateConcurrencyLimit(deferred_limit_);
  measuring_min_rtt_ = false;
  deferred_limit_ = 0;
  min_rtt_timer_->enable(jitteredMinRttInterval());
  sample_timer_->enable(config_.concurrency_update_interval);
}

void AdaptiveConcurrency::onSampleTimer() {
  // Stopped while minRTT is measured; finishMinRttWindow() arms it again.
  if (measuring_min_rtt_) return;
  if (samples_.count() > 0) {
    sample_rtt_ = aggregateAndClear();
    updateConcurrencyLimit(calculateNewLimit());
  }
  sample_timer_->enable(config_.concurrency_update_interval);
}

std::uint32_t AdaptiveConcurrency::calculateNewLimit() {
  const auto min_rtt = static_cast<double>(min_rtt_.count());
  const auto sample_rtt = static_cast<double>(sample_rtt_.count());
  const double buffered_min_rtt = min_rtt + min_rtt * config_.min_rtt_buffer;
  // A zero sampleRTT (answers in no time) is as fast as can be: Envoy's division gives +inf there.
  gradient_ = sample_rtt > 0.0
                  ? std::clamp(buffered_min_rtt / sample_rtt, kMinGradient, kMaxGradient)
                  : kMaxGradient;
  const double limit = static_cast<double>(limit_) * gradient_;
  const double with_headroom = limit + std::sqrt(limit);
  const double capped = std::min(with_headroom, static_cast<double>(config_.max_concurrency_limit));
  return std::max(config_.min_concurrency, static_cast<std::uint32_t>(capped));
}

void AdaptiveConcurrency::updateConcurrencyLimit(std::uint32_t limit) {
  const std::uint32_t old_limit = limit_;
  limit_ = limit;
  const bool at_floor = old_limit == config_.min_concurrency && limit == config_.min_concurrency;
  consecutive_min_limits_ = !measuring_min_rtt_ && at_floor ? consecutive_min_limits_ + 1 : 0;
  // So long at the floor suggests a minRTT measured too high: measure it again now, which costs
  // nothing since the limit is already where a measurement pins it.
  if (consecutive_min_limits_ >= kMinLimitWindowsBeforeRemeasure) {
    min_rtt_timer_->enable(Duration::zero());
  }
}

Duration AdaptiveConcurrency::jitteredMinRttInterval() {
  const auto interval_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.min_rtt_calc_interval);
  if (config_.min_rtt_jitter <= 0.0) return config_.min_rtt_calc_interval;
  const auto range_ms = static_cast<std::uint64_t>(
      std::ceil(static_cast<double>(interval_ms.count()) * config_.min_rtt_jitter));
  if (range_ms == 0) return config_.min_rtt_calc_interval;
  const auto jitter =
      std::chrono::milliseconds(runtime_.randomFor(RandomUse::kAdmission) % range_ms);
  return interval_ms + jitter;
}

Duration AdaptiveConcurrency::aggregateAndClear() {
  const Duration aggregate = samples_.quantile(config_.sample_aggregate_percentile);
  samples_.clear();
  return aggregate;
}

}  // namespace faultline::balancer
