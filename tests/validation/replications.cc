#include "tests/validation/replications.h"

#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <thread>

#include "scenarios/loader.h"

namespace faultline::validation {

std::string scenarioFile(const std::string& name) {
  return std::string(FAULTLINE_VALIDATION_SCENARIOS) + "/" + name + ".textproto";
}

Runs replicate(const std::string& name, sim::RunOverrides overrides) {
  auto loaded = scenarios::loadScenarioFile(scenarioFile(name));
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().toString());
  if (!loaded) return {};
  Runs runs(kReplications);
  std::vector<std::thread> threads;
  const unsigned parallel = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned first = 0; first < kReplications; first += parallel) {
    for (unsigned r = first; r < std::min<unsigned>(first + parallel, kReplications); ++r) {
      threads.emplace_back([&, r, overrides]() mutable {
        overrides.seed = r + 1;
        auto result = sim::simulateScenario(loaded->scenario, overrides);
        if (result) {
          runs[r] = std::move(*result);
        } else {
          ADD_FAILURE() << name << ": " << result.error().path << ": " << result.error().message;
        }
      });
    }
    for (auto& thread : threads)
      thread.join();
    threads.clear();
  }
  return runs;
}

std::vector<double> figures(const Runs& runs,
                            const std::function<double(const results::RunResult&)>& figure) {
  std::vector<double> values;
  for (const auto& run : runs)
    values.push_back(figure(run));
  return values;
}

Interval confidenceInterval(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double v : values)
    squares += (v - mean) * (v - mean);
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  const boost::math::students_t t(n - 1);
  const double quantile = boost::math::quantile(t, 1 - (1 - kConfidence) / 2);
  return {mean, quantile * standard_error};
}

void expectConsistent(const std::vector<double>& values, double expected, double precision,
                      const std::string& what) {
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kReplications));
  const auto ci = confidenceInterval(values);
  EXPECT_NEAR(ci.mean, expected, ci.half_width)
      << what << ": analytic " << expected << " outside the " << kConfidence * 100 << "% interval "
      << ci.mean << " ± " << ci.half_width;
  EXPECT_LT(ci.half_width, precision * expected)
      << what << ": the interval is too wide to tell (" << ci.half_width << ")";
  std::printf("  %-10s simulated %.5f ± %.5f (%.2f%%), analytic %.5f, off by %+.2f%%\n",
              what.c_str(), ci.mean, ci.half_width, 100 * ci.half_width / expected, expected,
              100 * (ci.mean - expected) / expected);
}

void expectWithin(const std::vector<double>& values, double limit, double tolerance,
                  double precision, const std::string& what) {
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kReplications));
  const auto ci = confidenceInterval(values);
  EXPECT_LE(std::abs(ci.mean - limit) + ci.half_width, tolerance * limit)
      << what << ": the " << kConfidence * 100 << "% interval " << ci.mean << " ± " << ci.half_width
      << " reaches beyond " << limit << " ± " << 100 * tolerance << "%";
  EXPECT_LT(ci.half_width, precision * limit)
      << what << ": the interval is too wide to tell (" << ci.half_width << ")";
  std::printf(
      "  %-10s simulated %.5f ± %.5f (%.2f%%), limit %.5f, off by %+.2f%% (allowed ±%.1f%%)\n",
      what.c_str(), ci.mean, ci.half_width, 100 * ci.half_width / limit, limit,
      100 * (ci.mean - limit) / limit, 100 * tolerance);
}

}  // namespace faultline::validation
