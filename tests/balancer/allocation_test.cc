// The request cycle allocates nothing: choose() and onResult() of every strategy, once past the
// first picks at a given host set (which may build a schedule, a ring or a table), make no heap
// allocation. This binary counts every operator new of the process, so it is a program of its own.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/strategy_registry.h"

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

class StepRuntime final : public Runtime {
 public:
  TimePoint now() const override { return now_; }
  std::unique_ptr<Timer> createTimer(std::function<void()>) override { return nullptr; }
  std::uint64_t random() override { return rng_(); }
  void advance() { now_ += std::chrono::microseconds(50); }

 private:
  TimePoint now_{};
  std::mt19937_64 rng_{3};
};

class NoProbes final : public Prober {
 public:
  void probe(HostIndex, std::uint64_t) override {}
};

PrioritySet hosts(std::uint32_t count, bool weighted) {
  std::vector<HostDescriptor> descriptors(count);
  std::vector<HostIndex> level;
  for (HostIndex h = 0; h < count; ++h) {
    char name[16];
    std::snprintf(name, sizeof name, "host-%u", h);
    descriptors[h].name = name;
    descriptors[h].weight = weighted ? 1 + h % 3 : 1;
    level.push_back(h);
  }
  return PrioritySet(std::move(descriptors), {level});
}

// Allocations made by `picks` choose/onResult cycles after a warm-up of as many.
std::uint64_t allocationsOfCycles(const std::string& strategy_name, bool weighted, int picks) {
  StepRuntime runtime;
  NoProbes prober;
  LoadBalancerConfig config;
  config.health_check.enabled = false;
  auto strategy = makeStrategy(strategy_name, StrategyOptions{}, runtime, 50);
  LoadBalancer lb(runtime, prober, hosts(50, weighted), std::move(*strategy), config, nullptr);
  std::vector<HostIndex> in_flight(200);
  std::size_t next = 0;
  Request request;
  auto cycle = [&](int i) {
    request.hash_key = static_cast<std::uint64_t>(i);
    const auto decision = lb.choose(request);
    if (i >= 200) lb.onResult(in_flight[next], Outcome::kSuccess, std::chrono::milliseconds(5));
    in_flight[next] = decision.host();
    next = (next + 1) % in_flight.size();
    runtime.advance();
  };
  for (int i = 0; i < picks; ++i)
    cycle(i);
  const std::uint64_t before = allocations.load();
  for (int i = picks; i < 2 * picks; ++i)
    cycle(i);
  return allocations.load() - before;
}

TEST(BalancerAllocations, NonePerPickForAnyStrategy) {
  for (const auto& info : knownStrategies()) {
    for (bool weighted : {false, true}) {
      EXPECT_EQ(allocationsOfCycles(std::string(info.name), weighted, 20'000), 0u)
          << info.name << (weighted ? " (weighted)" : "");
    }
  }
}

TEST(BalancerAllocations, TheCounterSeesAnAllocation) {
  const std::uint64_t before = allocations.load();
  auto* leak_checked = new std::vector<int>(10);
  delete leak_checked;
  EXPECT_GE(allocations.load() - before, 2u);  // the vector and its buffer
}

}  // namespace
}  // namespace faultline::balancer
