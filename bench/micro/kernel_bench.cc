// The discrete-event kernel's hot operations: a push and a pop with N events pending (a simulation
// of bench-3region holds about a thousand), and re-arming a timer.
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>

#include "engine/sim/event_queue.h"
#include "engine/sim/kernel.h"
#include "engine/sim/random_streams.h"

namespace faultline::sim {
namespace {

// Hold model: pop the earliest event, push one at a random later time; the queue size stays N.
void BM_EventQueueHold(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  EventQueue queue;
  std::mt19937_64 rng(1);
  for (std::size_t i = 0; i < pending; ++i) {
    queue.push(TimePoint{} + Duration(rng() % 1'000'000), Priority::kNormal, 1, 0, 0);
  }
  for (auto _ : state) {
    const TimePoint now = queue.top().time;
    queue.pop();
    queue.push(now + Duration(rng() % 1'000'000), Priority::kNormal, 1, 0, 0);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHold)->Arg(16)->Arg(1024)->Arg(65536);

void BM_TimerRearm(benchmark::State& state) {
  Kernel kernel;
  int fired = 0;
  auto timer = kernel.createTimer([&] { ++fired; });
  std::int64_t delay = 1'000'000;
  for (auto _ : state) {
    timer->enable(Duration(++delay));
  }
  benchmark::DoNotOptimize(fired);
}
BENCHMARK(BM_TimerRearm);

void BM_CounterRngDraw(benchmark::State& state) {
  const CounterRng rng(42, Component::kRequestDemand, 0);
  std::uint64_t counter = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(rng.draw(counter++));
}
BENCHMARK(BM_CounterRngDraw);

}  // namespace
}  // namespace faultline::sim
