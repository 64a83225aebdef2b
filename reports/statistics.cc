#include "reports/statistics.h"

#include <boost/math/distributions/students_t.hpp>
#include <cassert>
#include <cmath>
#include <vector>

namespace faultline::reports {
namespace {

struct Moments {
  double mean = 0;
  double variance = 0;  // sample variance
};

// Welford's single pass: stable when the values are large and close together (availabilities
// of 0.99991 and 0.99992).
Moments moments(std::span<const double> samples) {
  Moments m;
  double m2 = 0;
  std::size_t k = 0;
  for (double x : samples) {
    ++k;
    const double delta = x - m.mean;
    m.mean += delta / static_cast<double>(k);
    m2 += delta * (x - m.mean);
  }
  m.variance = k > 1 ? m2 / static_cast<double>(k - 1) : 0.0;
  return m;
}

double upperQuantile(double confidence) {
  return 1.0 - (1.0 - confidence) / 2.0;
}

}  // namespace

double studentTQuantile(double degrees_of_freedom, double probability) {
  assert(degrees_of_freedom > 0);
  const boost::math::students_t distribution(degrees_of_freedom);
  return boost::math::quantile(distribution, probability);
}

MeanInterval meanInterval(std::span<const double> samples, double confidence) {
  const Moments m = moments(samples);
  MeanInterval out;
  out.n = samples.size();
  out.mean = m.mean;
  out.stddev = std::sqrt(m.variance);
  out.low = out.high = m.mean;
  if (out.n < 2 || m.variance == 0) return out;
  const double half = studentTQuantile(static_cast<double>(out.n - 1), upperQuantile(confidence)) *
                      out.stddev / std::sqrt(static_cast<double>(out.n));
  out.low = m.mean - half;
  out.high = m.mean + half;
  return out;
}

MeanInterval pairedDifference(std::span<const double> a, std::span<const double> b,
                              double confidence) {
  assert(a.size() == b.size());
  std::vector<double> differences(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    differences[i] = a[i] - b[i];
  return meanInterval(differences, confidence);
}

MeanInterval welchDifference(std::span<const double> a, std::span<const double> b,
                             double confidence) {
  const Moments ma = moments(a);
  const Moments mb = moments(b);
  MeanInterval out;
  out.n = std::min(a.size(), b.size());
  out.mean = ma.mean - mb.mean;
  out.low = out.high = out.mean;
  if (a.size() < 2 || b.size() < 2) return out;
  const double va = ma.variance / static_cast<double>(a.size());
  const double vb = mb.variance / static_cast<double>(b.size());
  if (va + vb == 0) return out;
  out.stddev = std::sqrt(va + vb);
  const double df =
      (va + vb) * (va + vb) /
      (va * va / static_cast<double>(a.size() - 1) + vb * vb / static_cast<double>(b.size() - 1));
  const double half = studentTQuantile(df, upperQuantile(confidence)) * out.stddev;
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

}  // namespace faultline::reports
