// A whole simulation through the user's path (scenario by name, the engine, results recorded):
// bench-3region for a few simulated seconds. bench/compare_simpy.py measures the full command
// against SimPy; this keeps a number in Google Benchmark's form for quick comparisons of changes.
#include <benchmark/benchmark.h>

#include <chrono>

#include "engine/sim/simulation.h"
#include "scenarios/loader.h"

namespace faultline::sim {
namespace {

void BM_Bench3Region(benchmark::State& state) {
  auto loaded = scenarios::loadScenario("bench-3region");
  if (!loaded) {
    state.SkipWithError("bench-3region does not load");
    return;
  }
  RunOverrides overrides;
  overrides.duration = std::chrono::seconds(state.range(0));
  std::int64_t requests = 0;
  for (auto _ : state) {
    auto result = simulateScenario(loaded->scenario, overrides);
    requests += result->summary().requests_total();
  }
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Bench3Region)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace faultline::sim
