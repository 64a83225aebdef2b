// The balancer core's request cycle, choose() then onResult(), for every strategy at 10, 100 and
// 1,000 hosts, with the load the picks themselves create (about 8 requests per host in flight,
// answered in order); and the table builds of the hashing strategies. Hosts are named as the
// simulator names them, since the hashing strategies hash names.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/maglev.h"
#include "balancer/ring_hash.h"
#include "balancer/strategy_registry.h"

namespace faultline::balancer {
namespace {

class BenchRuntime final : public Runtime {
 public:
  TimePoint now() const override { return now_; }
  std::unique_ptr<Timer> createTimer(std::function<void()>) override { return nullptr; }
  std::uint64_t random() override { return rng_(); }
  void advance() { now_ += std::chrono::microseconds(10); }

 private:
  TimePoint now_{};
  std::mt19937_64 rng_{7};
};

class NoProbes final : public Prober {
 public:
  void probe(HostIndex, std::uint64_t) override {}
};

PrioritySet namedHosts(std::uint32_t count, bool weighted) {
  std::vector<HostDescriptor> hosts(count);
  std::vector<HostIndex> level;
  for (HostIndex h = 0; h < count; ++h) {
    char name[32];
    std::snprintf(name, sizeof name, "us-east/api-%u", h + 1);
    hosts[h].address = h;
    hosts[h].name = name;
    hosts[h].weight = weighted ? 1 + h % 4 : 1;
    level.push_back(h);
  }
  return PrioritySet(std::move(hosts), {level});
}

void chooseAndResult(benchmark::State& state, const char* strategy_name, bool weighted,
                     bool keyed) {
  const auto hosts = static_cast<std::uint32_t>(state.range(0));
  BenchRuntime runtime;
  NoProbes prober;
  LoadBalancerConfig config;
  config.health_check.enabled = false;
  auto strategy = makeStrategy(strategy_name, StrategyOptions{}, runtime, hosts);
  LoadBalancer lb(runtime, prober, namedHosts(hosts, weighted), std::move(*strategy), config,
                  nullptr);
  const std::size_t in_flight_target = std::size_t{hosts} * 8;
  std::vector<HostIndex> in_flight(in_flight_target);
  std::size_t next = 0;
  std::size_t outstanding = 0;
  std::uint64_t key = 0;
  Request request;
  for (auto _ : state) {
    if (keyed) request.hash_key = ++key;
    const auto decision = lb.choose(request);
    if (outstanding == in_flight_target) {
      lb.onResult(in_flight[next], Outcome::kSuccess, std::chrono::milliseconds(10));
      --outstanding;
    }
    in_flight[next] = decision.host();
    next = (next + 1) % in_flight_target;
    ++outstanding;
    runtime.advance();
  }
  state.SetItemsProcessed(state.iterations());
}

#define STRATEGY_BENCH(label, name, weighted, keyed) \
  void BM_##label(benchmark::State& state) {         \
    chooseAndResult(state, name, weighted, keyed);   \
  }                                                  \
  BENCHMARK(BM_##label)->Arg(10)->Arg(100)->Arg(1000)

STRATEGY_BENCH(RoundRobin, "round-robin", false, false);
STRATEGY_BENCH(RoundRobinWeighted, "round-robin", true, false);
STRATEGY_BENCH(SmoothWrr, "smooth-wrr", true, false);
STRATEGY_BENCH(Random, "random", false, false);
STRATEGY_BENCH(LeastRequestP2C, "least-request", false, false);
STRATEGY_BENCH(LeastRequestWeighted, "least-request", true, false);
STRATEGY_BENCH(PeakEwma, "peak-ewma", false, false);
STRATEGY_BENCH(LeastTime, "least-time", false, false);
STRATEGY_BENCH(RingHash, "ring-hash", false, true);
STRATEGY_BENCH(Maglev, "maglev", false, true);

void BM_MaglevBuild(benchmark::State& state) {
  const auto hosts = namedHosts(static_cast<std::uint32_t>(state.range(0)), false);
  const auto level = hosts.hosts(0);
  MaglevTable table;
  for (auto _ : state)
    table.build(level, hosts, 65537);
}
BENCHMARK(BM_MaglevBuild)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_RingBuild(benchmark::State& state) {
  const auto hosts = namedHosts(static_cast<std::uint32_t>(state.range(0)), false);
  const auto level = hosts.hosts(0);
  HashRing ring;
  for (auto _ : state)
    ring.build(level, hosts, 1024, 8 * 1024 * 1024);
}
BENCHMARK(BM_RingBuild)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace faultline::balancer
