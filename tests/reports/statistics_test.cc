// Confidence intervals: known quantiles, a hand-computed interval, coverage at the stated rate,
// and paired against unpaired differences.
#include "reports/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace faultline::reports {
namespace {

TEST(Statistics, StudentTQuantilesMatchTheTables) {
  // Two-sided 95%: the 0.975 quantile (any table of Student's t).
  EXPECT_NEAR(studentTQuantile(1, 0.975), 12.7062, 1e-4);
  EXPECT_NEAR(studentTQuantile(4, 0.975), 2.7764, 1e-4);
  EXPECT_NEAR(studentTQuantile(29, 0.975), 2.0452, 1e-4);
  EXPECT_NEAR(studentTQuantile(1e7, 0.975), 1.95996, 1e-4);  // the normal's limit
  EXPECT_NEAR(studentTQuantile(9, 0.995), 3.2498, 1e-4);
}

TEST(Statistics, AnIntervalWorkedByHand) {
  // 1..5: mean 3, s = sqrt(2.5) = 1.58114, half-width 2.77645 x 1.58114 / sqrt(5) = 1.96324.
  const std::vector<double> samples{1, 2, 3, 4, 5};
  const MeanInterval interval = meanInterval(samples, 0.95);
  EXPECT_EQ(interval.n, 5u);
  EXPECT_DOUBLE_EQ(interval.mean, 3.0);
  EXPECT_NEAR(interval.stddev, 1.58114, 1e-5);
  EXPECT_NEAR(interval.low, 3.0 - 1.96324, 1e-5);
  EXPECT_NEAR(interval.high, 3.0 + 1.96324, 1e-5);
}

TEST(Statistics, OneSampleOrNoSpreadIsTheMeanAlone) {
  const std::vector<double> one{7};
  EXPECT_DOUBLE_EQ(meanInterval(one, 0.95).low, 7);
  EXPECT_DOUBLE_EQ(meanInterval(one, 0.95).high, 7);
  const std::vector<double> same{2, 2, 2};
  EXPECT_DOUBLE_EQ(meanInterval(same, 0.95).high, 2);
  EXPECT_TRUE(meanInterval(same, 0.95).excludesZero());  // always 2: certainly not 0
  const std::vector<double> zeros{0, 0};
  EXPECT_FALSE(meanInterval(zeros, 0.95).excludesZero());
  const std::vector<double> none;
  EXPECT_EQ(meanInterval(none, 0.95).n, 0u);
}

TEST(Statistics, CloseLargeValuesKeepTheirSpread) {
  // Availabilities differ in the fifth decimal; a two-pass or naive sum-of-squares formula would
  // lose them to cancellation. s of {0, 1, 2} x 1e-5 is 1e-5.
  const std::vector<double> samples{0.99990, 0.99991, 0.99992};
  EXPECT_NEAR(meanInterval(samples, 0.95).stddev, 1e-5, 1e-12);
}

// 4,000 intervals of 5 normal samples each (a fixed seed: the test is deterministic) must cover
// the true mean at the stated rate. The coverage count is binomial: at 95%, sd = sqrt(4000 x
// 0.95 x 0.05) = 13.8 intervals, so 4 sd is +-1.4 percentage points; the same at 80% and 99%.
TEST(Statistics, IntervalsCoverTheTrueMeanAtTheStatedRate) {
  for (double confidence : {0.80, 0.95, 0.99}) {
    std::mt19937_64 engine(20261129);
    std::normal_distribution<double> normal(10.0, 3.0);
    constexpr int kIntervals = 4000;
    int covered = 0;
    for (int i = 0; i < kIntervals; ++i) {
      std::vector<double> samples(5);
      for (double& x : samples)
        x = normal(engine);
      const MeanInterval interval = meanInterval(samples, confidence);
      if (interval.low <= 10.0 && 10.0 <= interval.high) ++covered;
    }
    const double rate = covered / static_cast<double>(kIntervals);
    const double sd = std::sqrt(confidence * (1 - confidence) / kIntervals);
    EXPECT_NEAR(rate, confidence, 4 * sd) << confidence;
  }
}

// Pairs that share most of their noise (common random numbers): the paired interval of the
// difference is narrower than Welch's unpaired one, and both are centred on the same mean.
TEST(Statistics, PairingRemovesTheSharedNoise) {
  std::mt19937_64 engine(7);
  std::normal_distribution<double> shared(0.0, 5.0);
  std::normal_distribution<double> own(0.0, 0.5);
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 10; ++i) {
    const double common = shared(engine);
    a.push_back(100 + common + own(engine));
    b.push_back(99 + common + own(engine));
  }
  const MeanInterval paired = pairedDifference(a, b, 0.95);
  const MeanInterval unpaired = welchDifference(a, b, 0.95);
  EXPECT_NEAR(paired.mean, unpaired.mean, 1e-12);
  EXPECT_LT(paired.high - paired.low, (unpaired.high - unpaired.low) / 4);
  EXPECT_TRUE(paired.excludesZero());
  EXPECT_FALSE(unpaired.excludesZero());
}

TEST(Statistics, WelchMatchesAWorkedExample) {
  // a = {1, 2, 3}, b = {2, 4, 6, 8}: means 2 and 5, variances 1 and 20/3; the standard error is
  // sqrt(1/3 + 5/3) = sqrt(2); Welch's df = 2^2 / ((1/3)^2 / 2 + (5/3)^2 / 3) = 4.07547.
  const std::vector<double> a{1, 2, 3};
  const std::vector<double> b{2, 4, 6, 8};
  const MeanInterval difference = welchDifference(a, b, 0.95);
  EXPECT_DOUBLE_EQ(difference.mean, -3.0);
  const double half = studentTQuantile(4.07547, 0.975) * std::sqrt(2.0);
  EXPECT_NEAR(difference.high, -3.0 + half, 1e-5);
  EXPECT_NEAR(difference.low, -3.0 - half, 1e-5);
}

}  // namespace
}  // namespace faultline::reports
