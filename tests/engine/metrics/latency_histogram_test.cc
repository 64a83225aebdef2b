#include "engine/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace faultline::metrics {
namespace {

constexpr std::int64_t kMax = LatencyHistogram::kMaxTrackableNs;
constexpr std::size_t kSamples = 100'000;

// Percentiles in hundredths of a percent, so the truth below is computed in exact integers.
constexpr std::uint64_t kKeyPercentiles[] = {0, 100, 5000, 9000, 9900, 9990, 9999, 10000};

// The value at HdrHistogram's rank ceil(p/100 * n) (at least 1) of the sorted samples, in integer
// arithmetic so the truth cannot inherit a floating-point rounding from the code under test.
std::int64_t truthAt(const std::vector<std::int64_t>& sorted, std::uint64_t p_hundredths) {
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = std::max<std::uint64_t>(1, (p_hundredths * n + 9'999) / 10'000);
  return sorted[rank - 1];
}

double percentOf(std::uint64_t p_hundredths) {
  return static_cast<double>(p_hundredths) / 100.0;
}

LatencyHistogram histogramOf(const std::vector<std::int64_t>& values) {
  LatencyHistogram histogram;
  for (const std::int64_t value : values)
    histogram.record(value);
  return histogram;
}

void expectSameAnswers(const LatencyHistogram& actual, const LatencyHistogram& expected) {
  EXPECT_EQ(actual.count(), expected.count());
  EXPECT_EQ(actual.min(), expected.min());
  EXPECT_EQ(actual.max(), expected.max());
  EXPECT_EQ(actual.mean(), expected.mean());
  for (std::uint64_t p = 0; p <= 10'000; p += 25) {
    EXPECT_EQ(actual.valueAtPercentile(percentOf(p)), expected.valueAtPercentile(percentOf(p)))
        << "p=" << percentOf(p);
  }
}

enum class Shape { kUniform, kExponential, kLogNormalWide, kLogUniformFullRange, kConstant };

std::vector<std::int64_t> samplesOf(Shape shape, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> uniform(0, 1'000'000'000);            // 0..1 s
  std::exponential_distribution<double> exponential(1.0 / 10'000'000);              // mean 10 ms
  std::lognormal_distribution<double> lognormal(std::log(1'000'000.0), 3.0);        // ns..minutes
  std::uniform_real_distribution<double> log_uniform(0.0, std::log(double(kMax)));  // every bucket
  std::vector<std::int64_t> samples(kSamples);
  for (std::int64_t& sample : samples) {
    double value = 0;
    switch (shape) {
      case Shape::kUniform:
        value = static_cast<double>(uniform(rng));
        break;
      case Shape::kExponential:
        value = exponential(rng);
        break;
      case Shape::kLogNormalWide:
        value = lognormal(rng);
        break;
      case Shape::kLogUniformFullRange:
        value = std::exp(log_uniform(rng));
        break;
      case Shape::kConstant:
        value = 123'456'789;
        break;
    }
    sample = std::clamp(std::llround(value), 0LL, static_cast<long long>(kMax));
  }
  return samples;
}

TEST(LatencyHistogramTest, EmptyAnswersZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
  for (const double p : {0.0, 50.0, 99.9, 100.0})
    EXPECT_EQ(histogram.valueAtPercentile(p), 0);
}

TEST(LatencyHistogramTest, CountsArrayIsFixedAndAsDocumented) {
  LatencyHistogram histogram;
  // 33,421 counters of 8 bytes: see the class comment.
  EXPECT_EQ(histogram.memoryBytes(), 267'368u);
  histogram.record(kMax);
  histogram.record(std::numeric_limits<std::int64_t>::max());
  histogram.reset();
  EXPECT_EQ(histogram.memoryBytes(), 267'368u);
}

TEST(LatencyHistogramTest, SingleValueIsExactEverywhere) {
  LatencyHistogram histogram;
  // Not on a counter boundary: percentiles are exact only thanks to the clamp into [min, max].
  histogram.record(123'456'789);
  EXPECT_EQ(histogram.count(), 1u);
  EXPECT_EQ(histogram.min(), 123'456'789);
  EXPECT_EQ(histogram.max(), 123'456'789);
  EXPECT_EQ(histogram.mean(), 123'456'789.0);
  for (const double p : {0.0, 1.0, 50.0, 99.99, 100.0}) {
    EXPECT_EQ(histogram.valueAtPercentile(p), 123'456'789) << "p=" << p;
  }
}

TEST(LatencyHistogramTest, ValuesBelow2048AreExact) {
  LatencyHistogram histogram;
  for (std::int64_t value = 0; value < 2048; ++value)
    histogram.record(value);
  for (std::int64_t value = 0; value < 2048; ++value) {
    // Rank value + 1 of 2048; p is rarely a round binary fraction, which exercises the rank.
    const double p = 100.0 * static_cast<double>(value + 1) / 2048.0;
    ASSERT_EQ(histogram.valueAtPercentile(p), value) << "p=" << p;
  }
  EXPECT_EQ(histogram.valueAtPercentile(0), 0);
  EXPECT_EQ(histogram.mean(), 1023.5);
}

TEST(LatencyHistogramTest, AboveBucketZeroNeighboursShareACounter) {
  LatencyHistogram histogram;
  // 2048 and 2049 share a counter of width 2; its highest value stands for both.
  histogram.record(2048);
  histogram.record(2049);
  histogram.record(2050);
  EXPECT_EQ(histogram.valueAtPercentile(100.0 / 3.0), 2049);
  EXPECT_EQ(histogram.valueAtPercentile(100.0 * 2.0 / 3.0), 2049);
  EXPECT_EQ(histogram.valueAtPercentile(100), 2050);
}

class LatencyHistogramShapeTest : public testing::TestWithParam<Shape> {};

TEST_P(LatencyHistogramShapeTest, PercentilesWithinATenthOfAPercentOfSortedTruth) {
  std::vector<std::int64_t> samples = samplesOf(GetParam(), 42);
  const LatencyHistogram histogram = histogramOf(samples);
  std::sort(samples.begin(), samples.end());

  // 3 significant digits: a counter is at most 1/1024 of its lowest value wide, so every reported
  // percentile is within 0.1% (relative) of the exact one; values below 2048 are exact.
  constexpr double kRelativeTolerance = 0.001;
  std::vector<std::uint64_t> percentiles(std::begin(kKeyPercentiles), std::end(kKeyPercentiles));
  for (std::uint64_t p = 0; p <= 10'000; p += 50)
    percentiles.push_back(p);
  for (const std::uint64_t p : percentiles) {
    const std::int64_t truth = truthAt(samples, p);
    const std::int64_t reported = histogram.valueAtPercentile(percentOf(p));
    EXPECT_LE(std::abs(static_cast<double>(reported - truth)),
              kRelativeTolerance * static_cast<double>(truth))
        << "p=" << percentOf(p) << " truth=" << truth << " reported=" << reported;
  }
  EXPECT_EQ(histogram.valueAtPercentile(0), samples.front());
  EXPECT_EQ(histogram.valueAtPercentile(100), samples.back());
  EXPECT_EQ(histogram.min(), samples.front());
  EXPECT_EQ(histogram.max(), samples.back());
  EXPECT_EQ(histogram.count(), samples.size());
}

INSTANTIATE_TEST_SUITE_P(Shapes, LatencyHistogramShapeTest,
                         testing::Values(Shape::kUniform, Shape::kExponential,
                                         Shape::kLogNormalWide, Shape::kLogUniformFullRange,
                                         Shape::kConstant),
                         [](const testing::TestParamInfo<Shape>& shape) -> std::string {
                           switch (shape.param) {
                             case Shape::kUniform:
                               return "Uniform";
                             case Shape::kExponential:
                               return "Exponential";
                             case Shape::kLogNormalWide:
                               return "LogNormalWide";
                             case Shape::kLogUniformFullRange:
                               return "LogUniformFullRange";
                             case Shape::kConstant:
                               return "Constant";
                           }
                           return "Unknown";
                         });

TEST(LatencyHistogramTest, ValuesAboveTheMaximumClampButMinMaxMeanStayExact) {
  LatencyHistogram histogram;
  const std::int64_t over = kMax + 1'000'000'000'000;
  histogram.record(1'000);
  histogram.record(over);
  EXPECT_EQ(histogram.count(), 2u);
  EXPECT_EQ(histogram.min(), 1'000);
  EXPECT_EQ(histogram.max(), over);
  EXPECT_EQ(histogram.mean(), (1'000.0 + static_cast<double>(over)) / 2.0);
  EXPECT_EQ(histogram.valueAtPercentile(50), 1'000);
  EXPECT_EQ(histogram.valueAtPercentile(100), over);
  // A rank that lands in the top counter reads back as kMax's counter: no more than 0.1% above.
  const std::int64_t clamped = histogram.valueAtPercentile(75);
  EXPECT_GE(clamped, kMax);
  EXPECT_LE(static_cast<double>(clamped), static_cast<double>(kMax) * 1.001);

  LatencyHistogram extreme;
  extreme.record(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(extreme.max(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(extreme.valueAtPercentile(50), std::numeric_limits<std::int64_t>::max());
}

TEST(LatencyHistogramTest, OnlyValuesAboveTheMaximumResetAndAddWithinBounds) {
  // Every value of a window beyond an hour put the dirty range's start past its end (a fuzzed
  // scenario with hour-long timeouts found it under ASan).
  LatencyHistogram histogram;
  histogram.record(kMax + 5);
  histogram.record(kMax + 9);
  LatencyHistogram total;
  total.add(histogram);
  histogram.reset();
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(total.count(), 2u);
  EXPECT_EQ(total.min(), kMax + 5);
  histogram.record(1'000);
  EXPECT_EQ(histogram.valueAtPercentile(100), 1'000);
}

TEST(LatencyHistogramTest, NegativeValueIsABugThatReleaseBuildsClampToZero) {
  LatencyHistogram histogram;
  EXPECT_DEBUG_DEATH(histogram.record(-5), "never negative");
#ifdef NDEBUG
  EXPECT_EQ(histogram.count(), 1u);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.valueAtPercentile(50), 0);
#endif
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  const std::vector<std::int64_t> fast = samplesOf(Shape::kExponential, 1);
  const std::vector<std::int64_t> slow = samplesOf(Shape::kLogNormalWide, 2);
  LatencyHistogram merged = histogramOf(fast);
  merged.add(histogramOf(slow));
  merged.add(LatencyHistogram{});  // merging nothing changes nothing

  LatencyHistogram all = histogramOf(fast);
  for (const std::int64_t value : slow)
    all.record(value);
  expectSameAnswers(merged, all);

  LatencyHistogram into_empty;
  into_empty.add(all);
  expectSameAnswers(into_empty, all);
}

TEST(LatencyHistogramTest, ResetThenReuseAnswersLikeAFreshHistogram) {
  const std::vector<std::int64_t> wide = samplesOf(Shape::kLogUniformFullRange, 3);
  const std::vector<std::int64_t> narrow = samplesOf(Shape::kExponential, 4);

  LatencyHistogram reused = histogramOf(narrow);
  // Widen the touched range through add() and past the maximum, so reset must clear all of it.
  reused.add(histogramOf(wide));
  reused.record(std::numeric_limits<std::int64_t>::max());
  reused.record(0);
  reused.reset();
  expectSameAnswers(reused, LatencyHistogram{});

  for (const std::int64_t value : narrow)
    reused.record(value);
  expectSameAnswers(reused, histogramOf(narrow));

  reused.reset();
  reused.reset();  // resetting an empty histogram is harmless
  for (const std::int64_t value : wide)
    reused.record(value);
  expectSameAnswers(reused, histogramOf(wide));
}

TEST(LatencyHistogramTest, MeanIsExactFromTheSumNotTheBuckets) {
  const std::vector<std::int64_t> samples = samplesOf(Shape::kLogNormalWide, 5);
  const LatencyHistogram histogram = histogramOf(samples);
  // Every partial sum is an integer below 2^64, so the long double sum is exact.
  long double sum = 0;
  for (const std::int64_t value : samples)
    sum += static_cast<long double>(value);
  EXPECT_DOUBLE_EQ(histogram.mean(), static_cast<double>(sum / samples.size()));

  // Four values near 2^63 add up past 2^64: the sum must not wrap.
  LatencyHistogram huge;
  for (int i = 0; i < 4; ++i)
    huge.record(std::numeric_limits<std::int64_t>::max());
  EXPECT_DOUBLE_EQ(huge.mean(), static_cast<double>(std::numeric_limits<std::int64_t>::max()));
}

}  // namespace
}  // namespace faultline::metrics
