#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "balancer/time.h"

namespace faultline::balancer {

// A one-shot timer owned by its user. The callback is bound once, when the timer is created,
// so arming it again costs no allocation.
class Timer {
 public:
  virtual ~Timer() = default;

  // Arms the timer to fire once, `delay` from now; re-arming replaces the previous deadline.
  virtual void enable(Duration delay) = 0;
  virtual void disable() = 0;
  virtual bool enabled() const = 0;
};

// What a random draw is for, beyond picking (picks, priority and zone draws, keyless hashes). A
// driver may give each use its own stream so that one use's draws never shift another's: the
// health checks' jitter then stays the same whatever the strategy draws, which keeps the runs of
// a strategy comparison paired on everything but the strategy.
enum class RandomUse : std::uint8_t {
  kHealthChecks,      // interval and initial jitter
  kOutlierDetection,  // ejection time jitter, enforcing percentages
  kRetries,           // backoff
  kAdmission,         // admission control's rejection draw, adaptive concurrency's jitter
};

// The only way the balancer core learns the time, schedules work and draws random numbers.
// The simulator implements it over its event queue (virtual time), live mode over an Asio
// io_context. Modelled on Envoy's TimeSource + Dispatcher + RandomGenerator, which are injected
// by constructor for the same reason: tests script time and randomness by hand.
class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual TimePoint now() const = 0;
  virtual std::unique_ptr<Timer> createTimer(std::function<void()> callback) = 0;
  // 64 uniformly distributed random bits, for picks.
  virtual std::uint64_t random() = 0;
  // The same for another use; by default from the one stream.
  virtual std::uint64_t randomFor(RandomUse /*use*/) { return random(); }
};

// A uniform index in [0, n) from 64 random bits, by multiply-shift (Lemire, "Fast Random Integer
// Generation in an Interval", 2019) rather than a modulo: one multiplication, bias below 2^-32
// for any n that fits a host list.
inline std::uint32_t uniformIndex(std::uint64_t random_bits, std::uint32_t n) {
  __extension__ using Wide = unsigned __int128;
  return static_cast<std::uint32_t>((static_cast<Wide>(random_bits) * n) >> 64);
}

}  // namespace faultline::balancer
