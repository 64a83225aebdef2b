// Microbenchmarks of LatencyHistogram: what one recorded request, one percentile query and one
// window rollover cost. Inputs are generated before timing so only the histogram is measured.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/metrics/latency_histogram.h"

namespace faultline::metrics {
namespace {

// A window's worth of completions: 12,800 requests/s for 3 s.
constexpr std::size_t kWindowRecords = 38'400;
// A power of two, so the loop picks the next value with a mask, and larger than L1 so value
// loads are not free.
constexpr std::size_t kValueCount = std::size_t{1} << 16;

// Latencies as a service sees them: a lognormal around 5 ms with a long tail.
std::vector<std::int64_t> latencies(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> lognormal(std::log(5'000'000.0), 1.0);
  std::vector<std::int64_t> values(count);
  for (std::int64_t& value : values)
    value = std::llround(lognormal(rng));
  return values;
}

// Every magnitude from 1 ns to an hour: touches all 32 buckets, the worst case for the cache.
std::vector<std::int64_t> fullRange(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(
      0.0, std::log(static_cast<double>(LatencyHistogram::kMaxTrackableNs)));
  std::vector<std::int64_t> values(count);
  for (std::int64_t& value : values)
    value = std::llround(std::exp(exponent(rng)));
  return values;
}

void recordLoop(benchmark::State& state, const std::vector<std::int64_t>& values) {
  LatencyHistogram histogram;
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.record(values[i]);
    i = (i + 1) & (kValueCount - 1);
  }
  benchmark::DoNotOptimize(histogram.count());
  state.SetItemsProcessed(state.iterations());
}

void BM_RecordLatencies(benchmark::State& state) {
  recordLoop(state, latencies(kValueCount, 1));
}
BENCHMARK(BM_RecordLatencies);

void BM_RecordFullRange(benchmark::State& state) {
  recordLoop(state, fullRange(kValueCount, 1));
}
BENCHMARK(BM_RecordFullRange);

// Argument: the percentile in hundredths (9999 is p99.99). A million requests of the lognormal.
void BM_ValueAtPercentile(benchmark::State& state) {
  LatencyHistogram histogram;
  for (const std::int64_t value : latencies(1'000'000, 2))
    histogram.record(value);
  const double percentile = static_cast<double>(state.range(0)) / 100.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(histogram.valueAtPercentile(percentile));
  }
}
BENCHMARK(BM_ValueAtPercentile)->Arg(0)->Arg(5000)->Arg(9000)->Arg(9900)->Arg(9990)->Arg(9999);

// reset() after a window's worth of records; the records themselves are not timed.
void resetLoop(benchmark::State& state, const std::vector<std::int64_t>& values) {
  LatencyHistogram histogram;
  for (auto _ : state) {
    state.PauseTiming();
    for (const std::int64_t value : values)
      histogram.record(value);
    state.ResumeTiming();
    histogram.reset();
  }
  benchmark::DoNotOptimize(histogram.count());
}

void BM_ResetAfterWindow(benchmark::State& state) {
  resetLoop(state, latencies(kWindowRecords, 3));
}
BENCHMARK(BM_ResetAfterWindow);

// The same after a window that spans every bucket: what a reset of the whole array would cost.
void BM_ResetAfterFullRangeWindow(benchmark::State& state) {
  resetLoop(state, fullRange(kWindowRecords, 3));
}
BENCHMARK(BM_ResetAfterFullRangeWindow);

// A whole window as the engine runs it: 38,400 records, then reset. Divide by 38,400 for the
// amortised cost per request.
void BM_WindowRecordThenReset(benchmark::State& state) {
  const std::vector<std::int64_t> values = latencies(kWindowRecords, 4);
  LatencyHistogram histogram;
  for (auto _ : state) {
    for (const std::int64_t value : values)
      histogram.record(value);
    histogram.reset();
  }
  benchmark::DoNotOptimize(histogram.count());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kWindowRecords));
}
BENCHMARK(BM_WindowRecordThenReset);

}  // namespace
}  // namespace faultline::metrics
