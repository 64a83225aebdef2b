// The admission mechanisms allocate nothing per request: once built, circuit breakers, the local
// rate limit, admission control and adaptive concurrency make no heap allocation however many
// requests pass and however many windows turn over. This binary counts every operator new of the
// process, so it is a program of its own.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>

#include "balancer/adaptive_concurrency.h"
#include "balancer/admission_control.h"
#include "balancer/circuit_breakers.h"
#include "balancer/local_rate_limit.h"
#include "tests/balancer/fake_runtime.h"

namespace {
std::atomic<std::uint64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;

TEST(AdmissionAllocationTest, NoAllocationPerRequest) {
  testing::FakeRuntime runtime;
  CircuitBreakersConfig breakers_config;
  breakers_config.retry_budget = RetryBudgetConfig{};
  CircuitBreakers breakers(breakers_config, 16);
  LocalRateLimit rate_limit(runtime, LocalRateLimitConfig{});
  AdmissionControl admission(runtime, AdmissionControlConfig{});
  AdaptiveConcurrencyConfig concurrency_config;
  concurrency_config.max_samples_per_window = 64;  // small, so the window decimates often
  AdaptiveConcurrency concurrency(runtime, concurrency_config);

  const std::uint64_t before = allocations.load();
  for (std::uint32_t i = 0; i < 200000; ++i) {
    runtime.advance(500us);  // 2000 requests a second for 100 s: windows, buckets, refills
    if (!rate_limit.admit() || admission.shouldReject() || !concurrency.tryAcquire()) continue;
    const HostIndex host = i % 16;
    if (breakers.tryAcquireRequest(host, true) != Admission::kSend) {
      concurrency.onResult(0ms);
      admission.onResult(Outcome::kOverloaded);
      continue;
    }
    breakers.releaseRequest(host);
    const bool failed = i % 7 == 0;
    if (failed && breakers.tryAcquireRetry()) {
      breakers.retryBackoffEnded();
      if (breakers.tryAcquireRequest(host, false) == Admission::kSend)
        breakers.releaseRequest(host);
      breakers.releaseRetry();
    }
    concurrency.onResult(std::chrono::microseconds(100 + i % 400));
    admission.onResult(failed ? Outcome::kServerError : Outcome::kSuccess);
  }
  EXPECT_EQ(allocations.load() - before, 0u);
  EXPECT_GT(rate_limit.ok(), 100000u);
  EXPECT_GT(concurrency.concurrencyLimit(), 3u);
}

}  // namespace
}  // namespace faultline::balancer
