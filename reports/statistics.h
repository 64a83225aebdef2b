#pragma once

#include <cstddef>
#include <span>

namespace faultline::reports {

// A sample mean and its two-sided confidence interval.
struct MeanInterval {
  std::size_t n = 0;
  double mean = 0;
  double stddev = 0;  // the sample standard deviation (n - 1 in the denominator)
  double low = 0;
  double high = 0;

  bool excludesZero() const { return low > 0 || high < 0; }
};

// Student's t interval for the mean of independent samples: mean ± t(1 - (1 - confidence) / 2,
// n - 1) × s / sqrt(n). Exact for normal samples, and a good approximation for the sums and
// averages over many requests a run produces (central limit theorem). With one sample, or none,
// the interval is the mean alone: there is no spread to estimate.
MeanInterval meanInterval(std::span<const double> samples, double confidence);

// The paired interval of a - b (a[i] and b[i] from the same seed): the t interval of the
// differences. With common random numbers, the run-to-run noise both share cancels, so this
// interval is far narrower than the unpaired one.
MeanInterval pairedDifference(std::span<const double> a, std::span<const double> b,
                              double confidence);

// Welch's unpaired interval of mean(a) - mean(b), for independent samples of unequal variance,
// with the Welch-Satterthwaite degrees of freedom.
MeanInterval welchDifference(std::span<const double> a, std::span<const double> b,
                             double confidence);

// The t quantile with `degrees_of_freedom` (> 0) at `probability` (Boost.Math).
double studentTQuantile(double degrees_of_freedom, double probability);

}  // namespace faultline::reports
