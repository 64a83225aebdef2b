// The balancer core's request cycle: choose() and onResult() for each strategy, over the 20 hosts
// of a bench-3region region, with the load the picks themselves create.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/strategy_registry.h"

namespace faultline::balancer {
namespace {

class BenchRuntime final : public Runtime {
 public:
  TimePoint now() const override { return TimePoint{}; }
  std::unique_ptr<Timer> createTimer(std::function<void()>) override { return nullptr; }
  std::uint64_t random() override { return rng_(); }

 private:
  std::mt19937_64 rng_{7};
};

class NoProbes final : public Prober {
 public:
  void probe(HostIndex, std::uint64_t) override {}
};

void BM_ChooseAndResult(benchmark::State& state, const char* strategy_name) {
  BenchRuntime runtime;
  NoProbes prober;
  std::vector<HostDescriptor> hosts(20);
  std::vector<HostIndex> level;
  for (HostIndex h = 0; h < 20; ++h)
    level.push_back(h);
  HealthCheckConfig no_checks;
  no_checks.enabled = false;
  auto strategy = makeStrategy(strategy_name, StrategyOptions{}, runtime, 20);
  LoadBalancer lb(runtime, prober, PrioritySet(std::move(hosts), {level}), std::move(*strategy),
                  no_checks, nullptr);
  // Keep about 8 requests per host in flight, answered in FIFO order.
  std::vector<HostIndex> in_flight;
  std::size_t oldest = 0;
  for (auto _ : state) {
    const auto decision = lb.choose(Request{});
    in_flight.push_back(decision.host());
    if (in_flight.size() - oldest > 160) {
      lb.onResult(in_flight[oldest++], Outcome::kSuccess, Duration(10'000'000));
    }
    if (oldest > 100'000) {
      in_flight.erase(in_flight.begin(), in_flight.begin() + static_cast<long>(oldest));
      oldest = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ChooseAndResult, round_robin, "round-robin");
BENCHMARK_CAPTURE(BM_ChooseAndResult, random, "random");
BENCHMARK_CAPTURE(BM_ChooseAndResult, least_request, "least-request");

}  // namespace
}  // namespace faultline::balancer
